"""The navigation each role sees: only pages that exist and that the role may use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from benteng.access.viewer import Viewer
from benteng.accounts.access import may_administer
from benteng.accounts.models import User
from benteng.agreements.access import may_read_exchange_ledger
from benteng.api.access import may_manage_webhooks
from benteng.cases.access import may_read_cases
from benteng.cooperation.access import may_read_cooperation_report, may_read_joint_work
from benteng.referrals.access import may_open_referrals
from benteng.screening.access import (
    may_read_applications,
    may_read_departures,
    may_read_referred,
    may_read_rules,
    may_screen_applications,
    may_screen_departures,
)
from benteng.village_reports.access import may_open_village_reports
from benteng.villages.access import (
    may_import_pmi_counts,
    may_keep_work_plans,
    may_open_villages,
    may_read_outreach_list,
    may_read_village_activity,
)
from benteng.watchlists.access import may_read_watchlists


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str | Promise
    # The predicate of the page's own check (access.py), so a link never leads to a 403.
    allowed: Callable[[Viewer], bool]
    # Other views that highlight this entry (a list page and its detail pages).
    section: str = ""
    # The Django admin also wants staff status: a link without it would answer 403.
    needs_staff: bool = False


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str | Promise
    current: bool


def _everyone(viewer: Viewer) -> bool:
    return True


NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry("web:home", _("Beranda"), _everyone, section="home"),
    NavEntry("web:profile", _("Profil saya"), _everyone, section="profile"),
    NavEntry("web:directory", _("Rekan kerja"), _everyone, section="directory"),
    NavEntry("web:regions", _("Wilayah"), _everyone, section="regions"),
    NavEntry("web:offices", _("Kantor"), _everyone, section="offices"),
    NavEntry("screening:counter", _("Loket paspor"), may_screen_applications),
    NavEntry(
        "screening:departure_check",
        _("Pemeriksaan TPI"),
        may_screen_departures,
        section="screening",
    ),
    NavEntry(
        "screening:applications",
        _("Permohonan paspor"),
        may_read_applications,
        section="screening",
    ),
    NavEntry(
        "screening:applications",
        _("Permohonan dirujuk/hit"),
        may_read_referred,
        section="screening",
    ),
    NavEntry(
        "screening:departures",
        _("Pemeriksaan keberangkatan"),
        may_read_departures,
        section="screening",
    ),
    NavEntry("referrals:inbox", _("Rujukan"), may_open_referrals, section="referrals"),
    NavEntry(
        "village_reports:list",
        _("Laporan desa"),
        may_open_village_reports,
        section="village_reports",
    ),
    NavEntry("risk_rules:list", _("Aturan risiko"), may_read_rules, section="risk_rules"),
    NavEntry("watchlists:index", _("Daftar pantauan"), may_read_watchlists, section="watchlists"),
    NavEntry("cases:index", _("Kasus TPPO/TPPM"), may_read_cases, section="cases"),
    NavEntry("cooperation:trainings", _("Kerja sama"), may_read_joint_work, section="cooperation"),
    NavEntry(
        "cooperation:report",
        _("Laporan kerja sama"),
        may_read_cooperation_report,
        section="cooperation",
    ),
    NavEntry(
        "agreements:ledger",
        _("Buku pertukaran data"),
        may_read_exchange_ledger,
        section="agreements",
    ),
    NavEntry("villages:index", _("Desa Binaan"), may_open_villages, section="villages"),
    NavEntry(
        "villages:outreach_list",
        _("Desa yang perlu dikunjungi"),
        may_read_outreach_list,
        section="villages",
    ),
    NavEntry(
        "villages:work_plans", _("Rencana kerja desa"), may_keep_work_plans, section="villages"
    ),
    NavEntry(
        "villages:totals",
        _("Rekap kegiatan desa"),
        may_read_village_activity,
        section="villages",
    ),
    NavEntry(
        "villages:pmi_import", _("Impor jumlah PMI"), may_import_pmi_counts, section="villages"
    ),
    NavEntry("admin:index", _("Administrasi"), may_administer, needs_staff=True),
    NavEntry(
        "admin:audit_auditentry_changelist", _("Jejak audit"), may_administer, needs_staff=True
    ),
    NavEntry(
        "admin:api_webhookdelivery_changelist",
        _("Log webhook"),
        may_manage_webhooks,
        needs_staff=True,
    ),
)


def navigation_for(
    user: User, *, current_section: str = "", current_path: str = ""
) -> list[NavLink]:
    """The links this user's role may use; entries whose page is not installed are left out.

    One link is marked current: the one whose address is the longest start of the page's
    address ("/penyaringan/permohonan/12/" is under "Permohonan paspor"), else the first of
    the page's section (a detail page reached from another list).
    """
    viewer = Viewer.for_user(user)
    found: list[tuple[str, NavEntry]] = []
    for entry in NAVIGATION:
        if not entry.allowed(viewer):
            continue
        if entry.needs_staff and not user.is_staff:
            continue
        try:
            found.append((reverse(entry.url_name), entry))
        except NoReverseMatch:
            continue
    current = _current(found, current_section=current_section, current_path=current_path)
    return [
        NavLink(url=url, label=entry.label, current=position == current)
        for position, (url, entry) in enumerate(found)
    ]


def _current(
    found: list[tuple[str, NavEntry]], *, current_section: str, current_path: str
) -> int | None:
    under = [
        (len(url), position)
        for position, (url, _entry) in enumerate(found)
        if current_path.startswith(url) and (url != "/" or current_path == "/")
    ]
    if under:
        return max(under)[1]
    for position, (_url, entry) in enumerate(found):
        if entry.section and entry.section == current_section:
            return position
    return None
