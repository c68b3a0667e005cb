"""What the audit trail records of reads (issue 11, item 12): the watchlist entries, decision
notes and people named shown with an application; searches, also those that found nothing,
with their terms; and, for every entry written while serving a request, the client's address
(X-Forwarded-For believed only from a configured proxy)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, RequestFactory

from benteng.access import visible_to
from benteng.audit.client import client_address
from benteng.audit.models import AuditAction, AuditEntry
from benteng.people.index import screening_index_reset
from benteng.screening.cleaning import ApplicationInput
from benteng.screening.models import (
    ApplicationDecision,
    DecisionOutcome,
    DecisionReason,
    NamedContact,
)
from benteng.screening.services import application_screen
from tests.conftest import verified_client
from tests.screening.flow_factories import application_make
from tests.screening.test_services_support import (
    SPONSOR_PHONE,
    applicant,
    police_entry,
    viewer_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    screening_index_reset()
    yield
    screening_index_reset()


def _readers_of(object_type: str, pk: int) -> list[AuditEntry]:
    """Every entry that names this record: "who saw watchlist entry w1"."""
    return [
        entry
        for entry in AuditEntry.objects.filter(object_type=object_type).order_by("id")
        if str(pk) in entry.object_ids
    ]


def _last(**filters: Any) -> AuditEntry:
    entry = AuditEntry.objects.filter(**filters).order_by("-id").first()
    assert entry is not None
    return entry


def test_who_saw_a_watchlist_entry_includes_everyone_who_opened_the_result_later(
    personas, django_capture_on_commit_callbacks
):
    # given: a recruiter on a police list, named as the sponsor of an application
    with django_capture_on_commit_callbacks(execute=True):
        recruiter = police_entry(personas.analis_polri)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = application_screen(
            viewer=viewer_of(personas.petugas_imigrasi),
            data=ApplicationInput.from_raw(applicant(sponsor_phone=SPONSOR_PHONE)),
        )
    assert [hit.id for hit in outcome.hits] == [recruiter.pk]
    application = outcome.application
    assert application is not None
    # when: the investigator and the counter officer open the result afterwards
    for user in (personas.penyidik, personas.petugas_imigrasi):
        page = verified_client(user).get(f"/penyaringan/permohonan/{application.pk}/")
        assert page.status_code == 200
        assert recruiter.full_name in page.content.decode()
    # then: the trail answers who saw the entry: the screening, and both readers after it
    readers = _readers_of("watchlists.watchlistentry", recruiter.pk)
    assert [entry.actor_id for entry in readers if entry.action == AuditAction.READ] == [
        personas.petugas_imigrasi.pk,
        personas.penyidik.pk,
        personas.petugas_imigrasi.pk,
    ]
    assert readers[-1].detail == {"screening": application.reference, "as": "hit"}


def test_decision_notes_and_people_named_shown_with_an_application_are_recorded_as_read(
    personas,
):
    # given: an application with a decision and a named sponsor
    application = application_make()
    decision = ApplicationDecision.objects.create(
        application=application,
        outcome=DecisionOutcome.POSTPONE,
        reason=DecisionReason.DOCUMENTS_MISSING,
        note="Sponsor mengaku dari PT Maju Jaya",
        decided_by=personas.petugas_imigrasi,
    )
    contact = NamedContact.objects.create(
        application=application, relation="sponsor", name="Haji Mamat", phone="081311112222"
    )
    # when: a colleague of the office opens it
    colleague = personas.petugas_imigrasi
    page = verified_client(colleague).get(f"/penyaringan/permohonan/{application.pk}/")
    # then
    assert page.status_code == 200
    assert "PT Maju Jaya" in page.content.decode()
    for model_label, pk, shown_as in (
        ("screening.applicationdecision", decision.pk, "decision"),
        ("screening.namedcontact", contact.pk, "named_contact"),
    ):
        entry = _last(object_type=model_label)
        assert (entry.action, entry.actor_id, entry.object_ids) == (
            AuditAction.READ,
            colleague.pk,
            [str(pk)],
        )
        assert entry.detail == {"application": application.reference, "as": shown_as}


@pytest.mark.parametrize(
    ("user_name", "path", "object_type"),
    [
        ("petugas_imigrasi", "/penyaringan/permohonan/", "screening.passportapplication"),
        ("analis_polri", "/daftar-pantauan/polri-sponsor/", "watchlists.watchlistentry"),
        ("petugas_imigrasi", "/rekan/", "accounts.user"),
    ],
    ids=["applications", "watchlist-entries", "directory"],
)
def test_a_search_that_finds_nothing_is_recorded_with_its_terms(
    personas, user_name, path, object_type
):
    # given
    user = getattr(personas, user_name)
    client = verified_client(user)
    # when: a name nobody has
    page = client.get(path, {"q": "Noer Hayati Zzyzx"})
    # then: an entry, found nothing, and the terms kept
    assert page.status_code == 200
    entry = _last(actor_id=user.pk, action=AuditAction.LIST)
    assert (entry.object_type, entry.object_ids) == (object_type, [])
    assert "Noer Hayati Zzyzx" in entry.detail["search"].values()


def test_a_search_in_the_admin_that_finds_nothing_is_recorded_with_its_terms(personas):
    client = verified_client(personas.admin)
    # when
    page = client.get("/admin/otp_totp/totpdevice/", {"q": "budi"})
    # then
    assert page.status_code == 200
    entry = _last(actor_id=personas.admin.pk, object_type="otp_totp.totpdevice")
    assert (entry.action, entry.object_ids, entry.detail) == (
        AuditAction.LIST,
        [],
        {"search": {"q": "budi"}},
    )


def test_search_terms_are_read_only_under_the_audit_trail_s_own_access(personas):
    # given: an officer's search
    verified_client(personas.petugas_imigrasi).get("/penyaringan/permohonan/", {"q": "Siti"})
    searched = _last(action=AuditAction.LIST, actor_id=personas.petugas_imigrasi.pk)
    # then: administrators read it; the officer, an analyst and leadership do not
    assert visible_to(AuditEntry.objects.filter(pk=searched.pk), personas.admin).exists()
    for user in (personas.petugas_imigrasi, personas.analis_imigrasi, personas.pimpinan):
        assert not visible_to(AuditEntry.objects.all(), user).exists()


def test_reads_carry_the_client_address(personas):
    # given: an application opened from a counter PC
    application = application_make()
    client = verified_client(personas.petugas_imigrasi, Client(REMOTE_ADDR="10.20.30.40"))
    # when
    client.get(f"/penyaringan/permohonan/{application.pk}/")
    client.get("/penyaringan/permohonan/", {"q": "Siti"})
    # then: the read of the application, its hits' and list's entries say from where
    read = _last(object_type="screening.passportapplication", action=AuditAction.READ)
    listed = _last(object_type="screening.passportapplication", action=AuditAction.LIST)
    assert (read.ip_address, listed.ip_address) == ("10.20.30.40", "10.20.30.40")


def test_a_forwarded_address_is_believed_only_from_a_configured_proxy(personas, settings):
    # given: a client that claims another address, directly and through the office's proxy
    settings.BENTENG_TRUSTED_PROXIES = ["10.0.0.2"]
    application = application_make()
    url = f"/penyaringan/permohonan/{application.pk}/"
    claims = {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    # when
    verified_client(personas.petugas_imigrasi, Client(REMOTE_ADDR="10.9.9.9")).get(url, **claims)
    direct = _last(object_type="screening.passportapplication").ip_address
    verified_client(personas.petugas_imigrasi, Client(REMOTE_ADDR="10.0.0.2")).get(url, **claims)
    proxied = _last(object_type="screening.passportapplication").ip_address
    # then
    assert (direct, proxied) == ("10.9.9.9", "203.0.113.9")


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("198.51.100.7", "", "198.51.100.7"),
        ("198.51.100.7", "1.2.3.4", "198.51.100.7"),
        ("10.0.0.2", "1.2.3.4", "1.2.3.4"),
        ("10.0.0.2", "6.6.6.6, 1.2.3.4, 10.0.0.3", "1.2.3.4"),
        ("10.0.0.2", "", "10.0.0.2"),
    ],
    ids=["direct", "client-sent-header", "one-proxy", "two-proxies-spoofed-start", "no-header"],
)
def test_client_address_trusts_forwarding_only_from_configured_proxies(
    settings, remote, forwarded, expected
):
    settings.BENTENG_TRUSTED_PROXIES = ["10.0.0.2", "10.0.0.3"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
