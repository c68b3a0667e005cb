"""The agreement in the software: every exchange names its clause, carries only the fields the
clause allows, is refused without a valid basis, and is in the exchange ledger."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from benteng.accounts.models import AgencyKind, Office, Role
from benteng.agreements.admin import ClauseRecordTypeForm
from benteng.agreements.basis import NoBasis, exchange_basis, nik_hash, shared
from benteng.agreements.catalogue import BANTEN_PKS
from benteng.agreements.models import Agreement, Channel, Clause, Exchange, ExchangeSubject
from benteng.api.models import ApiScope
from benteng.audit.models import AuditAction, AuditEntry
from benteng.referrals.errors import ReferralInvalid
from benteng.referrals.models import ReferralSubject
from benteng.referrals.services import SubjectInput
from tests.api.conftest import MakeToken, bearer
from tests.conftest import verified_client
from tests.referrals.conftest import send

pytestmark = pytest.mark.django_db

NIK = "3603074508960001"
PERSON = SubjectInput(full_name="Siti Rohmah", nik=NIK, phone="081298765432", sex="P")


def _pks() -> Agreement:
    return Agreement.objects.get(number=BANTEN_PKS.number)


def _expire_pks() -> None:
    Agreement.objects.filter(number=BANTEN_PKS.number).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )


# --- the basis --------------------------------------------------------------------------------


def test_a_referral_to_police_names_its_clause_and_is_in_the_ledger(personas):
    # when: a suspected recruiter is referred (law enforcement)
    referral = send(
        personas.petugas_imigrasi,
        to_office="polda-banten",
        subjects=[PERSON],
        reason_category="perekrut",
    )
    # then
    assert referral.clause is not None
    assert referral.clause.agreement.number == BANTEN_PKS.number
    assert referral.clause.number == "Pasal 4 ayat (2)"
    (exchange,) = Exchange.objects.all()
    assert exchange.channel == Channel.REFERRAL
    assert exchange.record_ids == [str(referral.pk)]
    assert exchange.recipient_office == Office.objects.get(code="polda-banten")
    assert "subjects.phone" in exchange.fields
    (subject,) = exchange.subjects.all()
    assert subject.nik_hash == nik_hash(NIK)
    assert NIK not in subject.nik_hash
    share = AuditEntry.objects.get(action=AuditAction.SHARE, object_type="referrals.referral")
    assert share.legal_basis == f"{BANTEN_PKS.number} Pasal 4 ayat (2)"


def test_a_field_the_clause_does_not_allow_never_reaches_the_police(personas):
    # when: a non-procedural PMI (prevention: Pasal 4 ayat (1) lets no phone number go)
    referral = send(
        personas.petugas_imigrasi,
        to_office="polda-banten",
        subjects=[PERSON],
        reason_category="pmi_nonprosedural",
    )
    # then: the number is not stored on the shared referral, nor in the ledger's fields
    subject = ReferralSubject.objects.get(referral=referral)
    assert subject.phone == ""
    assert subject.nik == NIK
    assert referral.clause.number == "Pasal 4 ayat (1)"
    (exchange,) = Exchange.objects.all()
    assert "subjects.phone" not in exchange.fields
    assert "subjects.nik" in exchange.fields


def test_an_expired_agreement_is_no_basis_and_the_referral_is_refused(personas):
    # given
    _expire_pks()
    # when
    with pytest.raises(ReferralInvalid) as refused:
        send(personas.petugas_imigrasi, to_office="polda-banten", subjects=[PERSON])
    # then: a clear message on the receiving office; nothing sent, nothing in the ledger
    (message,) = refused.value.errors["receiving_office"]
    assert "Tidak ada perjanjian kerja sama yang berlaku" in message
    assert not Exchange.objects.exists()
    with pytest.raises(NoBasis):
        exchange_basis(
            record_type="referrals.referral",
            sender=AgencyKind.IMIGRASI,
            recipient=AgencyKind.POLRI,
        )


def test_a_clause_only_counts_in_the_direction_it_names(personas):
    # given: the Desa Binaan clauses let villages send, not receive
    with pytest.raises(NoBasis):
        exchange_basis(
            record_type="referrals.referral",
            sender=AgencyKind.IMIGRASI,
            recipient=AgencyKind.DESA,
        )
    basis = exchange_basis(
        record_type="referrals.referral", sender=AgencyKind.DESA, recipient=AgencyKind.POLRI
    )
    assert basis.clause_number.startswith("Pasal")


def test_a_victim_referred_to_bp3mi_goes_for_protection_and_a_recruiter_does_not_go(personas):
    # given: BP3MI's agreement covers prevention and protection, not law enforcement
    # when: a possible TPPO victim is referred to BP3MI
    victim = send(personas.petugas_imigrasi, to_office="bp3mi-banten", subjects=[PERSON])
    # then: it relies on a protection clause
    assert victim.clause is not None and victim.clause.purpose == "pelindungan"
    # and a recruiter, a matter for the police, has no basis toward BP3MI
    with pytest.raises(ReferralInvalid) as refused:
        send(
            personas.petugas_imigrasi,
            to_office="bp3mi-banten",
            reason_category="perekrut",
            subjects=[PERSON],
        )
    assert "BP3MI" in str(refused.value.errors["receiving_office"][0])


def test_a_referral_within_one_agency_needs_no_clause(personas):
    referral = send(personas.petugas_imigrasi, to_office="kanim-serang", subjects=[PERSON])
    assert referral.clause is None
    assert ReferralSubject.objects.get(referral=referral).phone == "6281298765432"
    assert not Exchange.objects.exists()


def test_the_referral_form_says_why_and_keeps_what_was_typed(personas):
    # given
    _expire_pks()
    client = verified_client(personas.petugas_imigrasi)
    # when
    response = client.post(
        "/rujukan/baru/",
        {
            "receiving_office": str(Office.objects.get(code="polda-banten").pk),
            "reason_category": "perekrut",
            "urgency": "biasa",
            "reason": "Calo menawarkan kerja di Malaysia.",
            "full_name": "Ujang Supriatna",
        },
    )
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tidak ada perjanjian kerja sama yang berlaku" in page
    assert "Calo menawarkan kerja di Malaysia." in page
    assert "Ujang Supriatna" in page


def test_stripping_keeps_only_the_clause_fields_and_the_id(personas):
    basis = exchange_basis(
        record_type="referrals.referralsubject",
        sender=AgencyKind.IMIGRASI,
        recipient=AgencyKind.POLRI,
        purpose="pencegahan",
    )
    out = shared(
        basis,
        "referrals.referralsubject",
        {"id": 3, "full_name": "A", "phone": "0812", "nik": NIK},
    )
    assert out == {"id": 3, "full_name": "A", "nik": NIK}


def test_the_admin_refuses_a_field_the_record_type_does_not_have(personas):
    clause = Clause.objects.filter(agreement=_pks()).first()
    form = ClauseRecordTypeForm(
        data={"record_type": "referrals.referralsubject", "fields_text": "full_name, ibu_kandung"}
    )
    form.instance.clause = clause
    assert not form.is_valid()
    assert "tidak memiliki kolom ibu_kandung" in str(form.errors["fields_text"])


# --- the API ----------------------------------------------------------------------------------


def test_the_police_system_reads_a_referral_on_its_basis_and_is_refused_without(
    personas, make_token: MakeToken, client: Client
):
    # given: a referral from Kanim Tangerang to Polda, and Polda's system
    referral = send(personas.petugas_imigrasi, to_office="polda-banten", subjects=[PERSON])
    token = make_token(
        scopes=(ApiScope.REFERRAL_READ,),
        office_code="polda-banten",
        role=Role.PENYIDIK,
        name="Sistem Polda",
    ).token
    # when
    response = client.get(f"/api/v1/referrals/{referral.pk}", **bearer(token))
    # then
    assert response.status_code == 200
    api_line = Exchange.objects.get(channel=Channel.API)
    assert api_line.record_ids == [str(referral.pk)]
    assert api_line.recipient_client_id is not None
    # when: the agreement has ended
    _expire_pks()
    refused = client.get(f"/api/v1/referrals/{referral.pk}", **bearer(token))
    listed = client.get("/api/v1/referrals", **bearer(token))
    # then
    assert refused.status_code == 403
    error = json.loads(refused.content)
    assert error["code"] == "no_agreement_basis"
    assert "tidak lagi berlaku" in error["message"]
    assert json.loads(listed.content)["items"] == []


# --- the ledger's pages -----------------------------------------------------------------------


def _two_exchanges(personas):  # type: ignore[no-untyped-def]
    send(personas.petugas_imigrasi, to_office="polda-banten", subjects=[PERSON])
    send(
        personas.petugas_imigrasi,
        to_office="bp3mi-banten",
        subjects=[SubjectInput(full_name="Dewi Lestari", nik="3603075001970002")],
        reason_category="penempatan_prosedural",
    )


def test_an_agency_ledger_shows_what_it_shared_and_the_counts(
    personas, django_assert_max_num_queries
):
    # given
    _two_exchanges(personas)
    client = verified_client(personas.analis_imigrasi)
    # when
    with django_assert_max_num_queries(20):
        response = client.get("/pertukaran/")
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "Polda Banten" in page
    assert "BP3MI" in page
    assert "Pasal 4 ayat (2)" in page
    # what was shared, in words an officer reads, not the record and field codes
    assert "referrals.referral" not in page and "subjects." not in page
    assert "orang: nama lengkap" in page
    entry = AuditEntry.objects.filter(object_type="agreements.exchange").latest("id")
    assert entry.action == AuditAction.LIST


def test_the_police_do_not_see_immigrations_exchanges_with_bp3mi(personas):
    _two_exchanges(personas)
    response = verified_client(personas.analis_polri).get("/pertukaran/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Pasal 4 ayat (2)" in page
    assert "BP3MI" not in page.split("ledger-counts")[1]


def test_the_ledger_filters_by_clause_channel_and_period(personas):
    _two_exchanges(personas)
    client = verified_client(personas.analis_imigrasi)
    response = client.get("/pertukaran/", {"recipient": "bp3mi", "channel": "rujukan"})
    assert response.context["ledger"].total == 1
    bad = client.get("/pertukaran/", {"since": "31-02-2026"})
    assert bad.status_code == 200
    assert bad.context["ledger"] is None
    assert "31-02-2026" in bad.content.decode()


def test_one_persons_ledger_answers_who_received_their_data(personas):
    # given
    _two_exchanges(personas)
    client = verified_client(personas.analis_imigrasi)
    # when
    response = client.get("/pertukaran/orang/", {"nik": NIK})
    # then
    rows = response.context["rows"]
    assert [row.exchange.recipient_label for row in rows] == [
        Office.objects.get(code="polda-banten").name
    ]
    search = AuditEntry.objects.filter(object_type="agreements.exchangesubject").latest("id")
    assert search.detail["search"]["nik"] == NIK
    # and from a record: the referral subject leads to the same person's exchanges
    subject = ReferralSubject.objects.get(nik=NIK)
    from_record = client.get(
        "/pertukaran/orang/", {"sumber": "referrals.referralsubject", "id": subject.pk}
    )
    assert len(from_record.context["rows"]) == 1


def test_a_malformed_nik_gets_a_message_and_stays_typed(personas):
    client = verified_client(personas.analis_polri)
    response = client.get("/pertukaran/orang/", {"nik": "36030745"})
    assert response.status_code == 200
    assert response.context["rows"] is None
    assert "36030745" in response.content.decode()
    assert response.context["form"].errors["nik"]


@pytest.mark.parametrize(
    ("persona", "ledger", "person"),
    [
        ("analis_imigrasi", 200, 200),
        ("analis_polri", 200, 200),
        ("pimpinan", 200, 403),
        ("petugas_imigrasi", 403, 403),
        ("penyidik", 403, 403),
        ("pic_desa", 403, 403),
        ("admin", 403, 403),
    ],
)
def test_who_may_open_the_ledgers(personas, persona, ledger, person):
    client = verified_client(personas.all()[persona])
    assert client.get("/pertukaran/").status_code == ledger
    assert client.get("/pertukaran/orang/").status_code == person


def test_the_ledger_keeps_no_nik(personas):
    _two_exchanges(personas)
    assert not ExchangeSubject.objects.filter(nik_hash=NIK).exists()
    for exchange in Exchange.objects.all():
        assert NIK not in json.dumps(exchange.fields) + json.dumps(exchange.record_ids)


def test_an_analyst_opens_a_persons_ledger_from_the_referral(personas):
    # given: a referral from Kanim Tangerang to Polda, read by Polda's analyst
    referral = send(personas.petugas_imigrasi, to_office="polda-banten", subjects=[PERSON])
    subject = ReferralSubject.objects.get(referral=referral)
    link = f"/pertukaran/orang/?sumber=referrals.referralsubject&amp;id={subject.pk}"
    # then: the analyst has the link, the investigator has not
    assert (
        link
        in verified_client(personas.analis_polri).get(f"/rujukan/{referral.pk}/").content.decode()
    )
    assert (
        link
        not in verified_client(personas.penyidik).get(f"/rujukan/{referral.pk}/").content.decode()
    )


def test_the_api_answer_has_null_for_a_field_the_clause_does_not_allow(
    personas, make_token: MakeToken, client: Client
):
    # given: the clause lets no reason category or LP number go through the API
    referral = send(personas.petugas_imigrasi, to_office="polda-banten", subjects=[PERSON])
    referral.clause.record_types.filter(record_type="referrals.referral").update(
        fields=["number", "state", "sent_at", "sender_office", "receiving_office", "timeline"]
    )
    token = make_token(
        scopes=(ApiScope.REFERRAL_READ,),
        office_code="polda-banten",
        role=Role.PENYIDIK,
        name="Sistem Polda",
    ).token
    # when
    shown = json.loads(client.get(f"/api/v1/referrals/{referral.pk}", **bearer(token)).content)
    # then
    assert shown["number"] == referral.number
    assert shown["reason_category"] is None and shown["urgency"] is None
    line = Exchange.objects.get(channel=Channel.API)
    assert "reason_category" not in line.fields and "number" in line.fields


def test_the_migration_names_the_clause_of_referrals_sent_before(personas):
    # given: a referral to the police whose clause was never recorded
    import importlib

    from django.apps import apps

    referral = send(personas.petugas_imigrasi, to_office="polda-banten", subjects=[PERSON])
    type(referral).objects.filter(pk=referral.pk).update(clause=None)
    within = send(personas.petugas_imigrasi, to_office="kanim-serang", subjects=[PERSON])
    migration = importlib.import_module("benteng.referrals.migrations.0005_referral_clause")
    # when: run twice
    migration.clauses_filled(apps, None)
    migration.clauses_filled(apps, None)
    # then
    referral.refresh_from_db()
    within.refresh_from_db()
    assert referral.clause is not None and referral.clause.number == "Pasal 4 ayat (2)"
    assert within.clause is None


def test_a_referred_application_goes_only_where_its_clause_lets_it(personas):
    # given: law enforcement's clause (Pasal 4 ayat (2)) no longer lets the referred record go
    from benteng.agreements.models import ClauseRecordType
    from tests.screening.flow_factories import application_make

    kind = ClauseRecordType.objects.get(
        clause__number="Pasal 4 ayat (2)", record_type="referrals.referral"
    )
    kind.fields = [name for name in kind.fields if name != "record"]
    kind.save()
    application = application_make(full_name="Siti Rohmah")
    # when: the counter refers the applicant to the police
    referral = send(personas.petugas_imigrasi, to_office="polda-banten", application=application)
    # then: the referral went on its clause, without the application
    application.refresh_from_db()
    assert referral.clause.number == "Pasal 4 ayat (2)"
    assert not application.police_visible
    assert "record" not in Exchange.objects.get().fields


def test_a_filtered_ledger_without_a_period_says_it_covers_the_last_30_days(personas):
    _two_exchanges(personas)
    client = verified_client(personas.analis_imigrasi)
    filtered = client.get("/pertukaran/", {"recipient": "bp3mi"}).content.decode()
    with_period = client.get("/pertukaran/", {"since": "01-01-2026"}).content.decode()
    assert "30 hari terakhir" in filtered
    assert "30 hari terakhir" not in with_period
