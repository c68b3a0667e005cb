"""The navigation each role sees: only pages that exist and that the role may use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from benteng.accounts.models import Role, User
from benteng.screening.rules import can_read_rules
from benteng.screening.worklists import (
    uses_application_list_as_immigration,
    uses_application_list_as_police,
    uses_counter,
    uses_departure_check,
)


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str | Promise
    allowed: Callable[[User], bool]
    # Other views that highlight this entry (a list page and its detail pages).
    section: str = ""


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str | Promise
    current: bool


def _everyone(user: User) -> bool:
    return True


def _watchlist_reader(user: User) -> bool:
    """The analysts of an agency that keeps watchlists read its lists (immigration analysts,
    police investigators and analysts); counter and TPI officers see entries only as hits."""
    from benteng.watchlists.access import READER_ROLES

    return user.role in READER_ROLES.get(user.agency_kind or "", ())


def _administrator(user: User) -> bool:
    """The Django admin needs the admin role and staff status; a link without both would 403."""
    return user.role == Role.ADMIN and user.is_staff and user.is_active


NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry("web:home", _("Beranda"), _everyone, section="home"),
    NavEntry("web:profile", _("Profil saya"), _everyone, section="profile"),
    NavEntry("web:directory", _("Rekan kerja"), _everyone, section="directory"),
    NavEntry("web:regions", _("Wilayah"), _everyone, section="regions"),
    NavEntry("web:offices", _("Kantor"), _everyone, section="offices"),
    NavEntry("screening:counter", _("Loket paspor"), uses_counter),
    NavEntry(
        "screening:departure_check", _("Pemeriksaan TPI"), uses_departure_check, section="screening"
    ),
    NavEntry(
        "screening:applications",
        _("Permohonan paspor"),
        uses_application_list_as_immigration,
        section="screening",
    ),
    NavEntry(
        "screening:applications",
        _("Permohonan dirujuk/hit"),
        uses_application_list_as_police,
        section="screening",
    ),
    NavEntry("risk_rules:list", _("Aturan risiko"), can_read_rules, section="risk_rules"),
    NavEntry("watchlists:index", _("Daftar pantauan"), _watchlist_reader, section="watchlists"),
    NavEntry("admin:index", _("Administrasi"), _administrator),
    NavEntry("admin:audit_auditentry_changelist", _("Jejak audit"), _administrator),
)


def navigation_for(user: User, *, current_section: str = "") -> list[NavLink]:
    """The links this user's role may use; entries whose page is not installed are left out."""
    links = []
    for entry in NAVIGATION:
        if not entry.allowed(user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        links.append(
            NavLink(
                url=url,
                label=entry.label,
                current=bool(entry.section) and entry.section == current_section,
            )
        )
    return links
