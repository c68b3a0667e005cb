"""Every counter decision "refer to police" and TPI decision "hand over to police" stored before
referrals existed becomes the referral it would have made (``handovers.referral_from_hand_over``):
from the deciding office to the Polres covering the person (else the Polda), with the person
as its subject and a "sent" line on its timeline, sent at the decision's time. Batched and
re-runnable: a decision whose referral exists (``origin_key``) is skipped."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import migrations

BATCH = 500
DEADLINES = {"segera": (4, 24), "tinggi": (24, 72)}
IDENTITY = ("full_name", "birth_date", "sex", "nik", "passport_no", "phone", "region_id")


def _region_code(record: Any) -> str | None:
    """The desa of the record, else the kecamatan its NIK names (digits 1-6)."""
    if record.region_id:
        return str(record.region_id)
    nik = record.nik or ""
    if len(nik) == 16 and nik.isdigit():
        return f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"
    return None


def _police_office(apps: Any, region_code: str | None) -> Any:
    office_model = apps.get_model("accounts", "Office")
    if region_code:
        parts = region_code.split(".")
        codes = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
        covering = office_model.objects.filter(
            is_active=True, agency__kind="polri", coverage__region_id__in=codes
        )
        polres = covering.filter(kind="polres").order_by("pk").first()
        if polres is not None:
            return polres
        polsek = covering.filter(kind="polsek", parent__kind="polres").order_by("pk").first()
        if polsek is not None:
            return polsek.parent
    return office_model.objects.filter(kind="polda", is_active=True).order_by("pk").first()


def _hours(apps: Any, urgency: str) -> tuple[int, int]:
    row = apps.get_model("referrals", "ReferralDeadline").objects.filter(urgency=urgency).first()
    if row is None:
        return DEADLINES[urgency]
    return row.acknowledge_hours, row.first_action_hours


def _make(apps: Any, *, record: Any, decision: Any, key: str, kind: str) -> None:
    referral_model = apps.get_model("referrals", "Referral")
    office = _police_office(apps, _region_code(record))
    if office is None:
        return
    urgency = "segera" if kind == "departure" else "tinggi"
    acknowledge, first_action = _hours(apps, urgency)
    sent_at = decision.decided_at
    referral = referral_model.objects.create(
        sender_office_id=record.office_id,
        sent_by_id=decision.decided_by_id,
        receiving_office=office,
        reason_category=(
            "pmi_nonprosedural"
            if getattr(decision, "reason", "") == "indikasi_pmi_nonprosedural"
            else "indikasi_korban_tppo"
        ),
        reason=decision.note or "Diserahkan kepada kepolisian.",
        urgency=urgency,
        application=record if kind == "application" else None,
        departure_check=record if kind == "departure" else None,
        screening_result=record.screenings.order_by("-created_at", "-pk").first(),
        origin_key=key,
        sent_at=sent_at,
        acknowledge_due_at=sent_at + datetime.timedelta(hours=acknowledge),
        action_due_at=sent_at + datetime.timedelta(hours=first_action),
    )
    apps.get_model("referrals", "ReferralSubject").objects.create(
        referral=referral,
        added_by_id=decision.decided_by_id,
        added_at=sent_at,
        **{name: getattr(record, name) for name in IDENTITY},
    )
    apps.get_model("referrals", "ReferralEvent").objects.create(
        referral=referral,
        kind="dikirim",
        actor_id=decision.decided_by_id,
        at=sent_at,
        to_state="terkirim",
    )
    if not record.police_visible:
        record.police_visible = True
        record.save(update_fields=["police_visible"])


def _convert(apps: Any, *, model_name: str, outcome: str, record_field: str, prefix: str) -> None:
    decision_model = apps.get_model("screening", model_name)
    referral_model = apps.get_model("referrals", "Referral")
    kind = "departure" if record_field == "departure_check" else "application"
    last = 0
    while True:
        batch = list(
            decision_model.objects.filter(pk__gt=last, outcome=outcome)
            .select_related(record_field)
            .order_by("pk")[:BATCH]
        )
        if not batch:
            return
        keys = {f"{prefix}:{decision.pk}": decision for decision in batch}
        done = set(
            referral_model.objects.filter(origin_key__in=list(keys)).values_list(
                "origin_key", flat=True
            )
        )
        for key, decision in keys.items():
            if key not in done:
                record = getattr(decision, record_field)
                _make(apps, record=record, decision=decision, key=key, kind=kind)
        last = batch[-1].pk


def referrals_from_decisions(apps: Any, schema_editor: Any) -> None:
    _convert(
        apps,
        model_name="ApplicationDecision",
        outcome="rujuk_polisi",
        record_field="application",
        prefix="application_decision",
    )
    _convert(
        apps,
        model_name="DepartureDecision",
        outcome="serahkan_polisi",
        record_field="departure_check",
        prefix="departure_decision",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0002_referral_deadlines_seed"),
        ("screening", "0012_departure_decision_outcome_choices"),
        ("accounts", "0005_user_password_set_by"),
    ]

    operations = [migrations.RunPython(referrals_from_decisions, migrations.RunPython.noop)]
