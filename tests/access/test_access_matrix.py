"""Every role against every kind of personal-data record that exists so far.

The rows are decided in the database query (``visible_to``) and the fields by ``redact``;
both are checked, with allowed and denied cases for each role.
"""

from __future__ import annotations

import pytest
from django.db.models import Model
from django.utils import timezone

from benteng.access import (
    NotVisible,
    Viewer,
    access_object,
    redact,
    registered_models,
    visible_fields,
    visible_to,
)
from benteng.accounts.models import User
from benteng.api.models import ApiClient, DeliveryStatus, WebhookDelivery, WebhookSubscription
from benteng.audit.models import AuditEntry
from benteng.audit.services import Actor, audit_record
from benteng.notifications.models import Notification, NotificationKind, NotificationPreference
from benteng.notifications.services import notify
from benteng.referrals.models import Referral, ReferralEvent, ReferralFile, ReferralSubject

ALL_ROLES = [
    "petugas_imigrasi",
    "petugas_imigrasi_other",
    "petugas_tpi",
    "analis_imigrasi",
    "pimpasa",
    "penyidik",
    "analis_polri",
    "bhabinkamtibmas",
    "pic_desa",
    "pic_desa_other",
    "pimpinan",
    "admin",
]

# Who sees whose staff account (besides their own). Same office or same villages only.
USER_VISIBILITY = {
    "petugas_imigrasi": {"pimpasa"},  # colleague at Kanim Tangerang
    "petugas_imigrasi_other": set(),
    "petugas_tpi": set(),
    "analis_imigrasi": {"pimpinan", "admin"},  # all at the Kanwil
    "pimpasa": {"petugas_imigrasi", "bhabinkamtibmas", "pic_desa"},
    "penyidik": {"analis_polri"},
    "analis_polri": {"penyidik"},
    "bhabinkamtibmas": {"pimpasa", "pic_desa"},
    "pic_desa": {"pimpasa", "bhabinkamtibmas"},
    "pic_desa_other": set(),
    "pimpinan": set(),  # aggregates only
    "admin": set(ALL_ROLES),
}


@pytest.mark.django_db
@pytest.mark.parametrize("viewer_role", ALL_ROLES)
def test_staff_accounts_visible_only_to_self_office_and_village_partners(personas, viewer_role):
    # given
    people = personas.all()
    viewer = people[viewer_role]
    expected = {viewer_role} | USER_VISIBILITY[viewer_role]
    # when
    visible_ids = set(User.objects.visible_to(viewer).values_list("pk", flat=True))
    # then
    for role, person in people.items():
        assert (person.pk in visible_ids) == (role in expected), (viewer_role, role)


# Whose work contacts (phone, e-mail) each role sees besides their own: working partners only,
# that is the same office, or the same village across agencies (PIC desa, PIMPASA, Bhabin).
CONTACT_VISIBILITY = {
    "petugas_imigrasi": {"pimpasa"},
    "petugas_imigrasi_other": set(),
    "petugas_tpi": set(),
    "analis_imigrasi": {"pimpinan", "admin"},
    "pimpasa": {"petugas_imigrasi", "bhabinkamtibmas", "pic_desa"},
    "penyidik": {"analis_polri"},
    "analis_polri": {"penyidik"},
    "bhabinkamtibmas": {"pimpasa", "pic_desa"},
    "pic_desa": {"pimpasa", "bhabinkamtibmas"},
    "pic_desa_other": set(),
    "pimpinan": set(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("viewer_role", [r for r in ALL_ROLES if r != "admin"])
def test_working_partners_see_each_others_work_contacts_and_nobody_else(personas, viewer_role):
    # given
    people = personas.all()
    viewer = people[viewer_role]
    for role, person in people.items():
        if role == viewer_role:
            continue
        # when
        shown = redact(viewer, person, ["full_name", "role", "office", "email", "phone"])
        # then
        if role in CONTACT_VISIBILITY[viewer_role]:
            assert set(shown) == {"full_name", "role", "office", "email", "phone"}, (
                viewer_role,
                role,
            )
        else:
            assert not {"email", "phone"} & set(shown), (viewer_role, role)


@pytest.mark.django_db
@pytest.mark.parametrize("viewer_role", ALL_ROLES)
def test_everyone_sees_their_own_contact_details_but_never_a_password_hash(personas, viewer_role):
    viewer = personas.all()[viewer_role]
    shown = redact(viewer, viewer, ["email", "phone", "password"])
    assert set(shown) == {"email", "phone"}


@pytest.mark.django_db
def test_admin_sees_every_field_of_every_account(personas):
    shown = redact(personas.admin, personas.pic_desa, ["email", "phone"])
    assert shown == {"email": "picdesa@example.test", "phone": "081200000000"}


@pytest.mark.django_db
@pytest.mark.parametrize("viewer_role", ALL_ROLES)
def test_audit_trail_is_visible_to_administrators_only(personas, viewer_role):
    # given
    audit_record(actor=Actor(user_id=None, label="test"), action="read", object_type="x")
    viewer = personas.all()[viewer_role]
    # when
    count = visible_to(AuditEntry.objects.all(), viewer).count()
    # then
    assert (count > 0) == (viewer_role == "admin")


@pytest.mark.django_db
@pytest.mark.parametrize("viewer_role", ALL_ROLES)
def test_api_clients_are_visible_to_administrators_only(personas, viewer_role):
    # given
    ApiClient.objects.create(
        name="SIMKIM",
        office=personas.petugas_imigrasi.office,
        role="petugas_imigrasi",
        token_prefix="abc",
        token_hash="0" * 64,
    )
    viewer = personas.all()[viewer_role]
    # when
    count = ApiClient.objects.visible_to(viewer).count()
    # then
    assert (count == 1) == (viewer_role == "admin")


def _webhook_rows(personas):  # type: ignore[no-untyped-def]
    """Two clients, each with a subscription and a delivered and a skipped delivery."""
    from django.db import transaction
    from django.utils import timezone

    from benteng.outbox.services import publish

    rows = {}
    for name in ("SIMKIM", "SIPOL"):
        client = ApiClient.objects.create(
            name=name,
            office=personas.petugas_imigrasi.office,
            role="petugas_imigrasi",
            token_prefix=name,
            token_hash=name.ljust(64, "0"),
        )
        subscription = WebhookSubscription.objects.create(
            client=client, url="https://8.8.8.8/hook", event_kinds=["watchlist.entry_created"]
        )
        for status in (DeliveryStatus.DELIVERED, DeliveryStatus.SKIPPED):
            with transaction.atomic():
                event = publish("watchlist.entry_created", obj_type="x.y", obj_id=1)
            WebhookDelivery.objects.create(
                subscription=subscription, event=event, status=status, created_at=timezone.now()
            )
        rows[name] = client
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("viewer_role", ALL_ROLES)
def test_webhook_subscriptions_and_deliveries_are_visible_to_administrators_only(
    personas, viewer_role
):
    # given
    _webhook_rows(personas)
    viewer = personas.all()[viewer_role]
    # when
    subscriptions = WebhookSubscription.objects.visible_to(viewer).count()
    deliveries = WebhookDelivery.objects.visible_to(viewer).count()
    # then
    expected = (2, 4) if viewer_role == "admin" else (0, 0)
    assert (subscriptions, deliveries) == expected


@pytest.mark.django_db
def test_a_client_system_sees_its_own_webhooks_but_no_skipped_delivery(personas):
    rows = _webhook_rows(personas)
    viewer = Viewer.for_client(rows["SIMKIM"])
    subscriptions = WebhookSubscription.objects.visible_to(viewer)
    deliveries = WebhookDelivery.objects.visible_to(viewer)
    assert [s.client.name for s in subscriptions] == ["SIMKIM"]
    assert [d.status for d in deliveries] == [DeliveryStatus.DELIVERED]
    assert "secret" not in visible_fields(viewer, subscriptions[0])


@pytest.mark.django_db
def test_a_client_system_sees_no_staff_accounts(personas):
    client = ApiClient.objects.create(
        name="SIMKIM",
        office=personas.petugas_imigrasi.office,
        role="admin",
        token_prefix="abc",
        token_hash="1" * 64,
    )
    assert User.objects.visible_to(Viewer.for_client(client)).count() == 0


@pytest.mark.django_db
def test_a_background_task_must_state_its_purpose(personas):
    with pytest.raises(ValueError, match="purpose"):
        Viewer.system(purpose="")
    task = Viewer.system(purpose="kirim notifikasi")
    assert User.objects.visible_to(task).count() == len(ALL_ROLES)


@pytest.mark.django_db
def test_missing_and_forbidden_look_the_same_and_a_read_is_audited(personas):
    # given
    viewer = personas.pic_desa_other
    before = AuditEntry.objects.count()  # sequences start at 1 and have no gaps
    # when / then: another village's PIC and a non-existent id give the same error
    with pytest.raises(NotVisible):
        access_object(viewer, User, personas.pic_desa.pk)
    with pytest.raises(NotVisible):
        access_object(viewer, User, 10**9)
    with pytest.raises(NotVisible):
        access_object(viewer, User, "not-a-number")
    denied = AuditEntry.objects.filter(sequence__gt=before).order_by("sequence")
    assert [entry.action for entry in denied] == ["denied", "denied", "denied"]
    assert denied[0].object_ids == [str(personas.pic_desa.pk)]
    assert denied[0].actor_id == personas.pic_desa_other.pk
    # and an allowed read leaves one audit entry naming the reader and the record
    found = access_object(personas.pic_desa, User, personas.pimpasa.pk, purpose="koordinasi")
    entry = AuditEntry.objects.get(sequence=AuditEntry.objects.count())
    assert found == personas.pimpasa
    assert entry.actor_id == personas.pic_desa.pk
    assert entry.object_type == "accounts.user"
    assert entry.object_ids == [str(personas.pimpasa.pk)]
    assert entry.purpose == "koordinasi"
    assert entry.actor_office == personas.pic_desa.office.name


@pytest.mark.django_db
@pytest.mark.parametrize("viewer_role", ALL_ROLES)
def test_notifications_and_their_settings_are_their_owners_alone(personas, viewer_role):
    # given: one notification and one setting for every persona
    people = personas.all()
    for person in people.values():
        notify(
            recipients=[person],
            kind=NotificationKind.WELCOME,
            params={},
            link="/notifikasi/",
            email=False,
        )
        NotificationPreference.objects.create(user=person)
    viewer = people[viewer_role]
    # when
    notifications = Notification.objects.visible_to(viewer)
    preferences = NotificationPreference.objects.visible_to(viewer)
    # then: their own, the administrator and leadership included
    assert {n.recipient_id for n in notifications} == {viewer.pk}
    assert {p.user_id for p in preferences} == {viewer.pk}
    # and a client system sees none; Benteng itself (sending the e-mail) sees all
    client = ApiClient.objects.create(
        name="SIMKIM", office=viewer.office, role=viewer.role, token_prefix="n", token_hash="2" * 64
    )
    assert not Notification.objects.visible_to(Viewer.for_client(client)).exists()
    system = Viewer.system(purpose="kirim e-mail notifikasi")
    assert Notification.objects.visible_to(system).count() == len(people)


def test_every_personal_data_model_has_a_policy():
    personal_data_models: set[type[Model]] = {
        User,
        AuditEntry,
        ApiClient,
        Notification,
        NotificationPreference,
        Referral,
        ReferralSubject,
        ReferralFile,
        ReferralEvent,
        WebhookSubscription,
        WebhookDelivery,
    }
    assert personal_data_models <= set(registered_models())


@pytest.mark.django_db
def test_an_anonymous_visitor_is_not_a_viewer():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(TypeError):
        User.objects.visible_to(AnonymousUser())


# Who sees a referral from Kanim Tangerang to Polda Banten, with its people and timeline: the
# two offices' staff, and the Kanwil's head above the sending Kanim. Not the admin.
REFERRAL_VISIBILITY = {
    "petugas_imigrasi",
    "pimpasa",
    "penyidik",
    "analis_polri",
    "pimpinan",
}


@pytest.mark.django_db
@pytest.mark.parametrize("viewer_role", ALL_ROLES)
def test_referrals_are_seen_by_their_two_offices_and_the_parent_head(personas, viewer_role):
    # given
    from benteng.accounts.models import Office
    from benteng.referrals.services import SubjectInput, referral_send

    referral = referral_send(
        viewer=personas.petugas_imigrasi.as_viewer(),
        receiving_office=Office.objects.get(code="polda-banten"),
        reason_category="perekrut",
        reason="Calo di loket.",
        urgency="biasa",
        subjects=[SubjectInput(full_name="Ujang Supriatna")],
    )
    viewer = personas.all()[viewer_role]
    # when
    seen = {
        model: model.objects.visible_to(viewer).exists()  # type: ignore[attr-defined]
        for model in (Referral, ReferralSubject, ReferralEvent)
    }
    # then
    expected = viewer_role in REFERRAL_VISIBILITY
    assert seen == dict.fromkeys(seen, expected), (viewer_role, referral.pk)


# Who sees the case a referral from Kanim Tangerang to Polda Banten grew from, and its persons:
# the police of the handling office only. The referral's link gives the sending office the
# case's status on the referral's page, never a row of the case or its persons.
LINKED_CASE_VISIBILITY = {"penyidik", "analis_polri"}


@pytest.mark.django_db
@pytest.mark.parametrize("viewer_role", ALL_ROLES)
def test_a_case_linked_to_a_referral_stays_with_the_police(personas, viewer_role):
    # given
    from benteng.accounts.models import Office
    from benteng.cases.models import Case, CasePerson, PersonRole
    from benteng.cases.services import case_person_add
    from benteng.cases.validation import ROMAN_MONTHS
    from benteng.referrals.services import (
        SubjectInput,
        referral_acknowledge,
        referral_assign,
        referral_close,
        referral_send,
    )

    referral = referral_send(
        viewer=personas.petugas_imigrasi.as_viewer(),
        receiving_office=Office.objects.get(code="polda-banten"),
        reason_category="perekrut",
        reason="Calo di loket.",
        urgency="biasa",
        subjects=[SubjectInput(full_name="Ujang Supriatna")],
    )
    police = personas.penyidik.as_viewer()
    referral_acknowledge(viewer=police, referral=referral)
    referral_assign(viewer=police, referral=referral, assignee=personas.penyidik)
    today = timezone.localdate()
    referral_close(
        viewer=police,
        referral=referral,
        outcome="perkara_dibuka",
        lp_number=f"LP/B/8/{ROMAN_MONTHS[today.month - 1]}/{today.year}/SPKT/POLDA BANTEN",
        lp_date=today,
        case_kind="tppo",
        case_modus="non_prosedural",
    )
    referral.refresh_from_db()
    assert referral.case is not None
    case_person_add(
        viewer=police, case=referral.case, role=PersonRole.VICTIM, data={"full_name": "Korban"}
    )
    viewer = personas.all()[viewer_role]
    # when
    seen = {model: model.objects.visible_to(viewer).exists() for model in (Case, CasePerson)}
    # then
    expected = viewer_role in LINKED_CASE_VISIBILITY
    assert seen == dict.fromkeys(seen, expected), viewer_role


def test_every_case_model_has_a_policy():
    from benteng.cases.models import (
        Case,
        CasePerson,
        CaseRouteLeg,
        CaseStageChange,
        CaseTeamMember,
        VictimService,
    )

    case_models: set[type[Model]] = {
        Case,
        CasePerson,
        CaseRouteLeg,
        CaseStageChange,
        CaseTeamMember,
        VictimService,
    }
    assert case_models <= set(registered_models())


# Who sees a case of Polda Banten led by its investigator, and who sees its victim's name.
CASE_VISIBILITY = {"penyidik": "identity", "analis_polri": "masked"}


@pytest.mark.django_db
@pytest.mark.parametrize("viewer_role", ALL_ROLES)
def test_a_case_and_its_victim_by_role(personas, viewer_role):
    # given
    from django.utils import timezone

    from benteng.accounts.models import Office
    from benteng.cases.models import Case, CasePerson
    from benteng.cases.services import case_open, case_person_add
    from benteng.cases.validation import ROMAN_MONTHS

    today = timezone.localdate()
    case = case_open(
        viewer=Viewer.for_user(personas.penyidik),
        kind="tppo",
        lp_number=f"LP/B/9/{ROMAN_MONTHS[today.month - 1]}/{today.year}/SPKT/POLDA BANTEN",
        lp_date=today,
        handling_office=Office.objects.get(code="polda-banten"),
        modus="kapal_ikan",
    )
    victim = case_person_add(
        viewer=Viewer.for_user(personas.penyidik),
        case=case,
        role="korban",
        data={"full_name": "Korban Rahasia"},
    )
    viewer = personas.all()[viewer_role]
    expected = CASE_VISIBILITY.get(viewer_role)
    # when
    cases = Case.objects.visible_to(viewer).count()
    persons = list(CasePerson.objects.visible_to(viewer).select_related("case"))
    # then
    assert cases == (1 if expected else 0)
    assert len(persons) == (1 if expected else 0)
    if expected:
        shown = redact(viewer, persons[0], ["full_name", "nik", "role", "number"])
        assert ("full_name" in shown) is (expected == "identity")
        assert shown["role"] == "korban" and shown["number"] == victim.number


# Who sees the agreement's joint work: staff of Imigrasi and Polri offices and their heads;
# not the village roles, not administrators.
JOINT_WORK_READERS = {
    "petugas_imigrasi",
    "petugas_imigrasi_other",
    "petugas_tpi",
    "analis_imigrasi",
    "penyidik",
    "analis_polri",
    "pimpinan",
}
# Who sees a village report of the focal person's Kronjo desa, with its people and photos: the
# desa's team (focal person, PIMPASA, Bhabinkamtibmas) and the staff of the Kanim it was routed
# to (Polresta Tangerang has no persona); the reporter only the focal person.
VILLAGE_REPORT_VISIBILITY = {"petugas_imigrasi", "pimpasa", "bhabinkamtibmas", "pic_desa"}


@pytest.mark.django_db
@pytest.mark.parametrize("viewer_role", ALL_ROLES)
def test_joint_work_is_seen_by_the_two_agencies_staff_only(personas, viewer_role):
    # given: a training, an operation, a facility of Kanim Soekarno-Hatta and Polda's booking
    from tests.cooperation.factories import joint_work_make

    made = joint_work_make()
    viewer = personas.all()[viewer_role]
    # when
    visible = {
        type(obj).__name__: type(obj).objects.visible_to(viewer).filter(pk=obj.pk).exists()
        for obj in made
    }
    # then
    expected = viewer_role in JOINT_WORK_READERS
    assert visible == dict.fromkeys(visible, expected), viewer_role


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("viewer_role", "sees_purpose"),
    [("penyidik", True), ("analis_polri", True), ("petugas_imigrasi", False), ("pimpinan", False)],
)
def test_a_bookings_purpose_is_for_the_booking_and_the_owner_office(
    personas, viewer_role, sees_purpose
):
    # given: Polda's booking of a room of Kanim Soekarno-Hatta
    from tests.cooperation.factories import joint_work_make

    booking = joint_work_make()[-1]
    viewer = personas.all()[viewer_role]
    # when
    fields = visible_fields(viewer, booking)
    # then
    assert ("purpose" in fields) is sees_purpose
    assert ("booked_by" in fields) is sees_purpose
    assert {"facility", "office", "starts_at", "ends_at"} <= fields


def test_every_cooperation_model_has_a_policy():
    from django.apps import apps

    models = set(apps.get_app_config("cooperation").get_models())
    assert models <= set(registered_models())


@pytest.mark.django_db
@pytest.mark.parametrize("viewer_role", ALL_ROLES)
def test_a_village_report_is_seen_by_its_desa_team_and_routed_offices(personas, viewer_role):
    # given
    from benteng.access.policy import visible_fields
    from benteng.village_reports.models import (
        VillageReport,
        VillageReportPerson,
        VillageReportPhoto,
    )
    from benteng.village_reports.services import PersonInput, PhotoInput, ReportInput, report_file

    pic = personas.pic_desa.as_viewer()
    report, _created = report_file(
        viewer=pic,
        data=ReportInput(
            desa_code=sorted(pic.village_codes)[0],
            kind="perekrut",
            summary="Calo di pos ronda.",
            reporter_name="Ibu Warsih",
        ),
        people=[PersonInput(role="perekrut", full_name="Ujang Supriatna")],
        photos=[PhotoInput(name="a.jpg", content=b"\xff\xd8\xff" + b"\x00" * 100)],
    )
    viewer = personas.all()[viewer_role]
    # when
    seen = {
        model: model.objects.visible_to(viewer).exists()  # type: ignore[attr-defined]
        for model in (VillageReport, VillageReportPerson, VillageReportPhoto)
    }
    # then
    expected = viewer_role in VILLAGE_REPORT_VISIBILITY
    assert seen == dict.fromkeys(seen, expected), (viewer_role, report.pk)
    if expected:
        shows_reporter = "reporter_name" in visible_fields(viewer, report)
        assert shows_reporter is (viewer_role == "pic_desa")


# Who reads the exchange ledger of a referral from Kanim Tangerang to Polda Banten: the
# analysts and office heads of the two agencies (the line), the analysts alone (its people).
EXCHANGE_VISIBILITY = {"analis_imigrasi", "analis_polri", "pimpinan"}
EXCHANGE_SUBJECT_VISIBILITY = {"analis_imigrasi", "analis_polri"}


@pytest.mark.django_db
@pytest.mark.parametrize("viewer_role", ALL_ROLES)
def test_the_exchange_ledger_is_read_by_the_two_agencies_analysts_and_heads(personas, viewer_role):
    # given
    from benteng.accounts.models import Office
    from benteng.agreements.models import Exchange, ExchangeSubject
    from benteng.referrals.services import SubjectInput, referral_send

    referral_send(
        viewer=personas.petugas_imigrasi.as_viewer(),
        receiving_office=Office.objects.get(code="polda-banten"),
        reason_category="perekrut",
        reason="Calo di loket.",
        urgency="biasa",
        subjects=[SubjectInput(full_name="Ujang Supriatna")],
    )
    viewer = personas.all()[viewer_role]
    # when
    seen = {
        model: model.objects.visible_to(viewer).exists()  # type: ignore[attr-defined]
        for model in (Exchange, ExchangeSubject)
    }
    # then
    assert seen == {
        Exchange: viewer_role in EXCHANGE_VISIBILITY,
        ExchangeSubject: viewer_role in EXCHANGE_SUBJECT_VISIBILITY,
    }


def test_every_village_model_with_people_in_it_has_a_policy():
    from benteng.villages.models import (
        DesaBinaan,
        FocalPerson,
        Outreach,
        OutreachFile,
        ServiceDay,
        WorkPlan,
    )

    village_models: set[type[Model]] = {
        DesaBinaan,
        FocalPerson,
        ServiceDay,
        Outreach,
        OutreachFile,
        WorkPlan,
    }
    assert village_models <= set(registered_models())


# Who sees a Kronjo Desa Binaan of Kanim Tangerang (the PIC desa's), by record: its focal
# person's contacts, an outreach session (notes hidden from leadership) and its photo.
VILLAGE_RECORDS = {
    "petugas_imigrasi": {"village", "focal", "outreach", "notes", "photo"},  # Kanim Tangerang
    "petugas_imigrasi_other": set(),  # Kanim Serang
    "petugas_tpi": set(),
    "analis_imigrasi": {"village", "focal", "outreach", "notes", "photo"},  # the Kanwil above
    "pimpasa": {"village", "focal", "outreach", "notes", "photo"},
    "penyidik": {"village", "focal", "outreach", "notes", "photo"},  # Polda above Polresta
    "analis_polri": {"village", "focal", "outreach", "notes", "photo"},
    "bhabinkamtibmas": {"village", "focal", "outreach", "notes", "photo"},
    "pic_desa": {"village", "focal", "outreach", "notes", "photo"},
    "pic_desa_other": set(),  # another village
    "pimpinan": {"village", "outreach"},  # counts: no contacts, notes or photos
    "admin": {"village", "focal"},  # reference data: no program work
}


@pytest.mark.django_db
@pytest.mark.parametrize("viewer_role", ALL_ROLES)
def test_a_desa_binaan_and_its_records_by_role(personas, viewer_role, settings, tmp_path):
    # given
    import datetime
    import io

    from benteng.accounts.models import Office
    from benteng.villages.models import DesaBinaan, FocalPerson, Outreach, OutreachFile
    from benteng.villages.services import designation_save, focal_person_save, outreach_record

    settings.REFERRAL_FILES_ROOT = tmp_path
    system = Viewer.system(purpose="uji matriks akses")
    village = designation_save(
        viewer=system,
        desa_code=personas.pic_desa.villages.get().code,
        designated_on=datetime.date(2025, 1, 1),
        kanim=Office.objects.get(code="kanim-tangerang"),
    )
    focal_person_save(
        viewer=system, village=village, full_name="Sekdes", position="Sekdes", phone="081311112222"
    )
    photo = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    photo.name = "foto.png"
    photo.size = len(photo.getvalue())  # type: ignore[attr-defined]
    outreach_record(
        viewer=system,
        village=village,
        kind="sosialisasi",
        held_on=timezone.localdate(),
        place="Balai",
        topic="TPPO",
        facilitators=["imigrasi"],
        participants_male=1,
        participants_female=1,
        participants_youth=0,
        notes="catatan",
        photos=[photo],
    )
    viewer = personas.all()[viewer_role]
    # when
    seen = set()
    if DesaBinaan.objects.visible_to(viewer).exists():
        seen.add("village")
    if FocalPerson.objects.visible_to(viewer).exists():
        seen.add("focal")
    outreach = Outreach.objects.visible_to(viewer).first()
    if outreach is not None:
        seen.add("outreach")
        if "notes" in redact(viewer, outreach, ["notes"]):
            seen.add("notes")
    if OutreachFile.objects.visible_to(viewer).exists():
        seen.add("photo")
    # then
    assert seen == VILLAGE_RECORDS[viewer_role]
