"""/api/v1/referrals: client systems send, list, read and acknowledge referrals with scoped
tokens and idempotent POSTs; what they never see (people, files, comments, other offices')."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benteng.accounts.models import Office, Role
from benteng.api.models import ApiIdempotentRequest, ApiScope
from benteng.audit.models import AuditAction, AuditEntry
from benteng.notifications.models import Notification
from benteng.outbox.models import OutboxEvent
from benteng.referrals.models import Referral, ReferralState, ReferralSubject
from benteng.referrals.services import SubjectInput, referral_comment, referral_file_add
from tests.api.conftest import MakeToken, app_queries, bearer
from tests.referrals.conftest import pdf_upload, send, viewer_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/referrals"
READ_WRITE = (ApiScope.REFERRAL_READ, ApiScope.REFERRAL_WRITE)
PERSON_NAME = "Siti Rohmah Binti Rahmat"
PERSON_NIK = "3603074508960001"


@pytest.fixture
def kanim_client(make_token: MakeToken, personas) -> str:  # type: ignore[no-untyped-def]
    """The passport system of Kanim Tangerang (imi's office)."""
    return make_token(scopes=READ_WRITE, name="SIMKIM Tangerang").token


@pytest.fixture
def polda_client(make_token: MakeToken, personas) -> str:  # type: ignore[no-untyped-def]
    """The police system of Polda Banten (pen's and anP's office)."""
    return make_token(
        scopes=READ_WRITE, office_code="polda-banten", role=Role.PENYIDIK, name="Sistem Polda"
    ).token


def body(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "receiving_office": "polda-banten",
        "reason_category": "indikasi_korban_tppo",
        "reason": "Pemohon mengaku dijanjikan kerja di kapal oleh calo desa.",
        "urgency": "tinggi",
        "subjects": [
            {
                "full_name": PERSON_NAME,
                "nik": PERSON_NIK,
                "phone": "0812-9876-5432",
                "sex": "P",
                "birth_date": "05-08-1996",
            }
        ],
    }
    values.update(overrides)
    return values


@pytest.fixture
def post(client: Client, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    def run(token: str, payload: Any, key: str = "k-1", url: str = URL, **headers: str):  # type: ignore[no-untyped-def]
        if key:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                url,
                json.dumps(payload),
                content_type="application/json",
                **bearer(token),
                **headers,
            )

    return run


def _text(response: Any) -> str:
    return response.content.decode()


def _trail(action: str, client_label: str, pk: int) -> list[AuditEntry]:
    """The entries of a client's ``action`` that name the referral ``pk``."""
    entries = AuditEntry.objects.filter(
        action=action, client_label=client_label, object_type="referrals.referral"
    )
    return [entry for entry in entries if str(pk) in [str(id_) for id_ in entry.object_ids]]


# --- scopes ------------------------------------------------------------------------------------


def test_without_the_scope_the_answer_is_403(post, client, make_token) -> None:  # type: ignore[no-untyped-def]
    none = make_token(scopes=(ApiScope.REFERENCE_READ,)).token
    read_only = make_token(scopes=(ApiScope.REFERRAL_READ,)).token
    assert client.get(URL, **bearer(none)).status_code == 403
    response = post(read_only, body())
    assert response.status_code == 403
    assert response.json()["code"] == "scope_missing"
    assert response.json()["details"] == {"required_scopes": ["referral:write"]}
    assert client.get(URL, **bearer(read_only)).status_code == 200
    assert not Referral.objects.exists()


def test_a_client_whose_role_does_not_send_is_refused(post, make_token) -> None:  # type: ignore[no-untyped-def]
    leadership = make_token(scopes=READ_WRITE, role=Role.PIMPINAN).token
    response = post(leadership, body())
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not Referral.objects.exists()
    assert not ApiIdempotentRequest.objects.exists()


# --- sending --------------------------------------------------------------------------------------


def test_a_sent_referral_reaches_the_inbox_the_officers_and_the_webhooks(  # type: ignore[no-untyped-def]
    post, kanim_client, personas
) -> None:
    response = post(kanim_client, body())
    assert response.status_code == 201, _text(response)
    answer = response.json()
    assert answer["replayed"] is False
    assert answer["sender_office"] == "kanim-tangerang"
    assert answer["receiving_office"] == "polda-banten"
    assert answer["state"] == ReferralState.SENT
    assert [entry["kind"] for entry in answer["timeline"]] == ["dikirim"]
    referral = Referral.objects.get(pk=answer["id"])
    assert referral.sent_by_id is None
    # the client named the person (cleaned); it is not shown back to it
    subject = ReferralSubject.objects.get(referral=referral)
    assert subject.nik == PERSON_NIK
    assert subject.phone == "6281298765432"
    assert PERSON_NAME not in _text(response) and PERSON_NIK not in _text(response)
    # the receiving office's inbox, its officers' notifications, the webhook outbox
    polda = viewer_of(personas.penyidik)
    assert list(Referral.objects.visible_to(polda).values_list("pk", flat=True)) == [referral.pk]
    notified = Notification.objects.filter(target_id=str(referral.pk)).values_list(
        "recipient__username", flat=True
    )
    assert set(notified) == {"penyidik", "analispol"}
    assert OutboxEvent.objects.filter(kind="referral.created", object_id=str(referral.pk)).exists()
    # the trail names the client system
    (created,) = _trail(AuditAction.CREATE, "SIMKIM Tangerang", referral.pk)
    assert created.actor_office == Office.objects.get(code="kanim-tangerang").name


def test_the_same_key_and_body_replays_the_first_answer(post, kanim_client) -> None:  # type: ignore[no-untyped-def]
    first = post(kanim_client, body(), key="retry-1")
    again = post(kanim_client, body(), key="retry-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["replayed"] is True
    assert again.json()["id"] == first.json()["id"]
    assert Referral.objects.count() == 1
    assert OutboxEvent.objects.filter(kind="referral.created").count() == 1


def test_the_same_key_with_another_body_is_409(post, kanim_client) -> None:  # type: ignore[no-untyped-def]
    assert post(kanim_client, body(), key="retry-2").status_code == 201
    response = post(kanim_client, body(urgency="segera"), key="retry-2")
    assert response.status_code == 409
    assert set(response.json()) >= {"code", "message"}
    assert response.json()["code"] == "idempotency_key_reused"
    assert Referral.objects.count() == 1


def test_the_key_is_required(post, kanim_client) -> None:  # type: ignore[no-untyped-def]
    response = post(kanim_client, body(), key="")
    assert response.status_code == 422
    assert response.json()["details"][0]["location"] == ["header", "Idempotency-Key"]
    assert not Referral.objects.exists()


def test_bad_input_is_422_per_field_and_nothing_is_written(post, kanim_client) -> None:  # type: ignore[no-untyped-def]
    outbox_before = OutboxEvent.objects.count()
    response = post(
        kanim_client,
        body(
            receiving_office="polsek-tidak-ada",
            reason_category="lain",
            urgency="kilat",
            reason=" ",
            subjects=[
                {"full_name": "Ani", "sex": "P"},
                {"full_name": "", "nik": "12345", "birth_date": "31-02-1996", "sex": "X"},
            ],
            record="PP-2026-999999",
        ),
    )
    assert response.status_code == 422, _text(response)
    answer = response.json()
    assert answer["code"] == "validation_failed"
    by_location = {tuple(item["location"]): item["message"] for item in answer["details"]}
    assert by_location[("body", "receiving_office")] == (
        "Kantor dengan kode “polsek-tidak-ada” tidak dikenal."
    )
    for location in [
        ("body", "reason_category"),
        ("body", "urgency"),
        ("body", "reason"),
        ("body", "record"),
        ("body", "subjects", 1, "full_name"),
        ("body", "subjects", 1, "nik"),
        ("body", "subjects", 1, "birth_date"),
        ("body", "subjects", 1, "sex"),
    ]:
        assert location in by_location, location
    assert not any(location[2:3] == (0,) for location in by_location)
    assert not Referral.objects.exists()
    assert not ReferralSubject.objects.exists()
    assert not ApiIdempotentRequest.objects.exists()
    assert OutboxEvent.objects.count() == outbox_before
    # corrected, the same key now sends it: a refused request kept no key
    assert post(kanim_client, body()).status_code == 201


def test_bad_input_in_english(post, kanim_client) -> None:  # type: ignore[no-untyped-def]
    response = post(kanim_client, body(subjects=[]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    (detail,) = response.json()["details"]
    assert detail["location"] == ["body", "subjects"]
    assert "Sebutkan" not in detail["message"]
    assert detail["message"].startswith("Name at least one")


def test_malformed_json_and_wrong_types_are_not_500(client, kanim_client) -> None:  # type: ignore[no-untyped-def]
    headers = {**bearer(kanim_client), "HTTP_IDEMPOTENCY_KEY": "x"}
    broken = client.post(URL, "{", content_type="application/json", **headers)
    assert broken.status_code in (400, 422)
    typed = client.post(
        URL, json.dumps(body(subjects="Ani")), content_type="application/json", **headers
    )
    assert typed.status_code == 422
    assert not Referral.objects.exists()


def test_a_record_the_client_may_not_read_cannot_be_attached(post, kanim_client) -> None:  # type: ignore[no-untyped-def]
    from tests.screening.flow_factories import departure_make

    check = departure_make()  # TPI Soekarno-Hatta's: a Kanim system does not read it
    response = post(kanim_client, body(subjects=[], record=check.reference))
    assert response.status_code == 422
    locations = [item["location"] for item in response.json()["details"]]
    assert ["body", "record"] in locations
    assert not Referral.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_duplicate_makes_one_referral(make_token: MakeToken, personas) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("two connections writing at once need PostgreSQL")
    token = make_token(scopes=READ_WRITE).token
    answers: list[int] = []
    barrier = threading.Barrier(2)

    def call() -> None:
        try:
            barrier.wait()
            response = Client().post(
                URL,
                json.dumps(body()),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="same-time",
                **bearer(token),
            )
            answers.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 201]
    assert Referral.objects.count() == 1


# --- reading ------------------------------------------------------------------------------------


def _mixed_referrals(personas) -> dict[str, Referral]:  # type: ignore[no-untyped-def]
    """From and to Kanim Tangerang, and one between two other offices."""
    outgoing = send(personas.petugas_imigrasi, to_office="polda-banten")
    incoming = send(personas.penyidik, to_office="kanim-tangerang")
    other = send(personas.petugas_imigrasi_other, to_office="polda-banten")
    return {"outgoing": outgoing, "incoming": incoming, "other": other}


def test_the_list_shows_the_office_s_referrals_only(client, kanim_client, personas) -> None:  # type: ignore[no-untyped-def]
    rows = _mixed_referrals(personas)
    answer = client.get(URL, **bearer(kanim_client)).json()
    ids = {item["id"] for item in answer["items"]}
    assert ids == {rows["outgoing"].pk, rows["incoming"].pk}
    assert answer["next_cursor"] is None
    incoming = client.get(URL, {"direction": "incoming"}, **bearer(kanim_client)).json()
    assert [item["id"] for item in incoming["items"]] == [rows["incoming"].pk]
    outgoing = client.get(URL, {"direction": "outgoing"}, **bearer(kanim_client)).json()
    assert [item["id"] for item in outgoing["items"]] == [rows["outgoing"].pk]
    listed = AuditEntry.objects.filter(action=AuditAction.LIST, client_label="SIMKIM Tangerang")
    entry = listed.order_by("-pk").first()
    assert entry is not None
    assert entry.object_ids == [str(rows["outgoing"].pk)]
    assert entry.detail == {"search": {"direction": "outgoing"}}
    assert "Siti Rohmah" not in _text(client.get(URL, **bearer(kanim_client)))


def test_the_list_pages_and_filters(client, kanim_client, personas) -> None:  # type: ignore[no-untyped-def]
    sent = [send(personas.petugas_imigrasi, to_office="polda-banten") for _ in range(3)]
    first = client.get(URL, {"limit": 2}, **bearer(kanim_client)).json()
    assert [item["id"] for item in first["items"]] == [sent[2].pk, sent[1].pk]
    second = client.get(
        URL, {"limit": 2, "cursor": first["next_cursor"]}, **bearer(kanim_client)
    ).json()
    assert [item["id"] for item in second["items"]] == [sent[0].pk]
    assert second["next_cursor"] is None
    assert client.get(URL, {"state": "diterima"}, **bearer(kanim_client)).json()["items"] == []
    later = client.get(URL, {"updated_since": "2999-01-01T00:00:00+07:00"}, **bearer(kanim_client))
    assert later.json()["items"] == []
    bad = client.get(URL, {"state": "hilang", "limit": 0}, **bearer(kanim_client))
    assert bad.status_code == 422
    bad_since = client.get(URL, {"updated_since": "kemarin"}, **bearer(kanim_client))
    assert bad_since.status_code == 422


def test_the_list_query_count_does_not_grow_with_rows(client, kanim_client, personas) -> None:  # type: ignore[no-untyped-def]
    send(personas.petugas_imigrasi, to_office="polda-banten")
    client.get(URL, **bearer(kanim_client))  # the token cached
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, **bearer(kanim_client)).status_code == 200
    for _ in range(5):
        send(personas.petugas_imigrasi, to_office="polda-banten")
    with CaptureQueriesContext(connection) as many:
        answer = client.get(URL, **bearer(kanim_client))
    assert len(answer.json()["items"]) == 6
    assert len(app_queries(many)) == len(app_queries(few))


def test_one_referral_shows_facts_and_timeline_never_people_files_or_comments(  # type: ignore[no-untyped-def]
    client, kanim_client, personas
) -> None:
    referral = send(
        personas.petugas_imigrasi,
        to_office="polda-banten",
        subjects=[SubjectInput(full_name=PERSON_NAME, nik=PERSON_NIK)],
    )
    referral_comment(
        viewer=viewer_of(personas.petugas_imigrasi),
        referral=referral,
        text="Korban tinggal di rumah pamannya",
    )
    referral_file_add(
        viewer=viewer_of(personas.petugas_imigrasi),
        referral=referral,
        upload=pdf_upload("ktp-siti.pdf"),
        description="KTP",
    )
    response = client.get(f"{URL}/{referral.pk}", **bearer(kanim_client))
    assert response.status_code == 200
    answer = response.json()
    assert answer["number"] == referral.number
    assert [entry["kind"] for entry in answer["timeline"]] == ["dikirim", "komentar", "berkas"]
    text = _text(response)
    for secret in (PERSON_NAME, PERSON_NIK, "pamannya", "ktp-siti", "imigrasi"):
        assert secret not in text
    assert _trail(AuditAction.READ, "SIMKIM Tangerang", referral.pk)


def test_another_office_s_referral_is_404_and_audited_as_denied(  # type: ignore[no-untyped-def]
    client, kanim_client, personas
) -> None:
    other = send(personas.petugas_imigrasi_other, to_office="polda-banten")
    response = client.get(f"{URL}/{other.pk}", **bearer(kanim_client))
    missing = client.get(f"{URL}/999999", **bearer(kanim_client))
    assert (response.status_code, missing.status_code) == (404, 404)
    assert response.json() == missing.json()
    assert _trail(AuditAction.DENIED, "SIMKIM Tangerang", other.pk)


# --- acknowledging --------------------------------------------------------------------------------


def test_the_receiving_office_s_system_acknowledges(post, polda_client, personas) -> None:  # type: ignore[no-untyped-def]
    referral = send(personas.petugas_imigrasi, to_office="polda-banten")
    url = f"{URL}/{referral.pk}/acknowledge"
    response = post(polda_client, {}, key="ack-1", url=url)
    assert response.status_code == 201, _text(response)
    assert response.json()["state"] == ReferralState.ACKNOWLEDGED
    again = post(polda_client, {}, key="ack-1", url=url)
    assert (again.status_code, again.json()["replayed"]) == (200, True)
    twice = post(polda_client, {}, key="ack-2", url=url)
    assert twice.status_code == 409
    assert twice.json()["code"] == "state_conflict"
    assert "Diterima" in twice.json()["message"]
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACKNOWLEDGED
    # the officer who sent it learns of it; the trail names the police system
    assert Notification.objects.filter(
        recipient=personas.petugas_imigrasi, target_id=str(referral.pk), kind="rujukan_diterima"
    ).exists()
    assert _trail(AuditAction.UPDATE, "Sistem Polda", referral.pk)
    assert OutboxEvent.objects.filter(
        kind="referral.state_changed", object_id=str(referral.pk)
    ).exists()


def test_the_sender_s_system_cannot_acknowledge_and_another_office_gets_404(  # type: ignore[no-untyped-def]
    post, kanim_client, make_token, personas
) -> None:
    referral = send(personas.petugas_imigrasi, to_office="polda-banten")
    url = f"{URL}/{referral.pk}/acknowledge"
    assert post(kanim_client, {}, key="a", url=url).status_code == 403
    serang = make_token(scopes=READ_WRITE, office_code="kanim-serang").token
    assert post(serang, {}, key="a", url=url).status_code == 404
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_which_client_systems_acknowledge(make_token: MakeToken, personas) -> None:  # type: ignore[no-untyped-def]
    from benteng.access.viewer import Viewer
    from benteng.api.models import ApiClient
    from benteng.referrals.access import may_acknowledge_as_client

    referral = send(personas.petugas_imigrasi, to_office="polda-banten")

    def client_of(office_code: str, role: str) -> Viewer:
        make_token(scopes=READ_WRITE, office_code=office_code, role=role, name=office_code + role)
        return Viewer.for_client(ApiClient.objects.get(name=office_code + role))

    assert may_acknowledge_as_client(client_of("polda-banten", Role.PENYIDIK), referral)
    assert not may_acknowledge_as_client(client_of("polda-banten", Role.BHABINKAMTIBMAS), referral)
    assert not may_acknowledge_as_client(client_of("polresta-tangerang", Role.PENYIDIK), referral)
    assert not may_acknowledge_as_client(
        client_of("kanim-tangerang", Role.PETUGAS_IMIGRASI), referral
    )
    assert not may_acknowledge_as_client(viewer_of(personas.penyidik), referral)


def test_an_unknown_office_code_in_english(post, kanim_client) -> None:  # type: ignore[no-untyped-def]
    response = post(kanim_client, body(receiving_office="polsek-x"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["details"] == [
        {
            "location": ["body", "receiving_office"],
            "message": "There is no office with the code “polsek-x”.",
            "type": "invalid",
        }
    ]
    assert not Referral.objects.exists()


def test_the_referral_endpoints_are_rate_limited_per_client(  # type: ignore[no-untyped-def]
    client, post, kanim_client, settings
) -> None:
    settings.BENTENG_API_RATE_LIMIT = "2/min"
    assert client.get(URL, **bearer(kanim_client)).status_code == 200
    assert post(kanim_client, body(), key="r-1").status_code == 201
    limited = post(kanim_client, body(), key="r-2")
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert limited.headers["Retry-After"]
    assert Referral.objects.count() == 1
