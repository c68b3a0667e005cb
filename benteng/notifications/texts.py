"""The sentences of each kind of notification, rendered in the language active when shown.

A notification stores its kind and parameters; the title and body are made here, through
gettext, when a page shows them or an e-mail is written (in the recipient's language). The
parameters each kind needs are listed with it, and ``notify`` refuses a call that gives others,
so a sentence never misses a value and never carries one nobody reviewed (a person's name).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from benteng.notifications.models import NotificationKind


@dataclass(frozen=True)
class KindText:
    title: str | Promise
    body: str | Promise
    params: frozenset[str]


# The parameters: number — a referral's or a case's number as its own page shows it; office —
# an office's name; outcome and deadline — a label of the calling app's choices (translated when
# shown); due — the moment a deadline passed.
KIND_TEXTS: dict[str, KindText] = {
    NotificationKind.NEW_REFERRAL: KindText(
        _("Rujukan baru %(number)s"),
        _("%(office)s mengirim rujukan %(number)s ke kantor Anda."),
        frozenset({"number", "office"}),
    ),
    NotificationKind.REFERRAL_ACKNOWLEDGED: KindText(
        _("Rujukan %(number)s diterima"),
        _("%(office)s telah menerima rujukan %(number)s yang Anda kirim."),
        frozenset({"number", "office"}),
    ),
    NotificationKind.REFERRAL_ASSIGNED: KindText(
        _("Rujukan %(number)s ditugaskan kepada Anda"),
        _("Anda ditunjuk menangani rujukan %(number)s dari %(office)s."),
        frozenset({"number", "office"}),
    ),
    NotificationKind.REFERRAL_OUTCOME: KindText(
        _("Hasil rujukan %(number)s"),
        _("Rujukan %(number)s ditutup oleh %(office)s dengan hasil: %(outcome)s."),
        frozenset({"number", "office", "outcome"}),
    ),
    NotificationKind.REFERRAL_RETURNED: KindText(
        _("Rujukan %(number)s dikembalikan"),
        _("%(office)s mengembalikan rujukan %(number)s. Alasannya ada di halaman rujukan."),
        frozenset({"number", "office"}),
    ),
    NotificationKind.DEADLINE_OVERDUE: KindText(
        _("Tenggat rujukan %(number)s terlewati"),
        _("%(deadline)s rujukan %(number)s terlewati sejak %(due)s."),
        frozenset({"number", "deadline", "due"}),
    ),
    NotificationKind.CASE_OUTCOME: KindText(
        _("Perkembangan kasus %(number)s"),
        _("Kasus %(number)s yang berasal dari rujukan Anda: %(outcome)s."),
        frozenset({"number", "outcome"}),
    ),
    NotificationKind.VILLAGE_REPORT_NEW: KindText(
        _("Laporan desa baru %(number)s"),
        _("Laporan desa %(number)s dari Desa %(village)s menunggu verifikasi."),
        frozenset({"number", "village"}),
    ),
    NotificationKind.VILLAGE_REPORT_STATUS: KindText(
        _("Laporan desa %(number)s: %(status)s"),
        _("Laporan desa %(number)s dari Desa %(village)s kini berstatus %(status)s."),
        frozenset({"number", "village", "status"}),
    ),
    NotificationKind.WELCOME: KindText(
        _("Selamat datang di Benteng"),
        _(
            "Notifikasi tentang rujukan dan kasus kantor Anda muncul di sini dan dikirim ke "
            "e-mail Anda. Atur e-mail dan bahasanya di halaman notifikasi."
        ),
        frozenset(),
    ),
}


def stored_params(kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters as kept in the database; ValueError when they do not fit the kind."""
    text = KIND_TEXTS.get(kind)
    if text is None:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    if set(params) != text.params:
        raise ValueError(
            f"Notification kind {kind!r} takes the parameters {sorted(text.params)}, "
            f"not {sorted(params)}."
        )
    return {name: _stored_value(name, value) for name, value in params.items()}


def _stored_value(name: str, value: Any) -> Any:
    if isinstance(value, Promise):
        # A lazy label ("Kasus dibuka"): kept as its message id, translated when shown.
        return {"msgid": _message_id(value)}
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            raise ValueError(f"Parameter {name!r} needs an aware datetime.")
        return {"datetime": value.isoformat()}
    if isinstance(value, str | int):
        return value
    raise ValueError(f"Parameter {name!r} must be text, a number, a label or a datetime.")


def _message_id(label: Promise) -> str:
    """The message id of a lazy gettext label: its text with no translation active."""
    # Message ids are Bahasa Indonesia, the default language, which has no catalogue of
    # Benteng's own: with it active a label reads as its message id.
    with translation.override(None):
        return str(label)


def _shown_value(value: Any) -> str:
    if isinstance(value, dict) and "msgid" in value:
        return gettext(str(value["msgid"]))
    if isinstance(value, dict) and "datetime" in value:
        moment = datetime.datetime.fromisoformat(str(value["datetime"]))
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    return str(value)


@dataclass(frozen=True)
class RenderedText:
    title: str
    body: str


def notification_text(kind: str, params: Mapping[str, Any]) -> RenderedText:
    """The title and body of a notification in the active language."""
    text = KIND_TEXTS.get(kind)
    if text is None:
        # A kind removed from the code since: show its label rather than fail the whole list.
        return RenderedText(title=gettext("Notifikasi"), body="")
    values = {name: _shown_value(params.get(name, "")) for name in text.params}
    return RenderedText(title=str(text.title) % values, body=str(text.body) % values)
