"""The inbox, the referral's page and its forms, for each kind of viewer."""

from __future__ import annotations

import pytest

from benteng.referrals.models import Referral, ReferralState
from benteng.referrals.services import referral_acknowledge
from tests.conftest import verified_client
from tests.referrals.conftest import send, viewer_of
from tests.screening.flow_factories import application_make

pytestmark = pytest.mark.django_db


def test_incoming_and_outgoing_inboxes(personas, penyidik_polres):
    # given
    referral = send(personas.petugas_imigrasi)
    # when
    incoming = verified_client(penyidik_polres).get("/rujukan/?arah=masuk").content.decode()
    outgoing = verified_client(personas.petugas_imigrasi).get("/rujukan/?arah=keluar")
    sender_incoming = verified_client(personas.petugas_imigrasi).get("/rujukan/?arah=masuk")
    # then
    assert referral.number in incoming
    assert referral.number in outgoing.content.decode()
    assert referral.number not in sender_incoming.content.decode()


@pytest.mark.parametrize("persona", ["petugas_imigrasi_other", "penyidik", "pic_desa"])
def test_another_office_neither_lists_nor_opens_it(personas, persona):
    referral = send(personas.petugas_imigrasi)
    client = verified_client(getattr(personas, persona))
    for direction in ("masuk", "keluar"):
        assert referral.number not in client.get(f"/rujukan/?arah={direction}").content.decode()
    assert client.get(f"/rujukan/{referral.pk}/").status_code == 404


def test_an_administrator_has_no_referral_pages(personas):
    referral = send(personas.petugas_imigrasi)
    client = verified_client(personas.admin)
    assert client.get("/rujukan/").status_code == 403
    assert client.get(f"/rujukan/{referral.pk}/").status_code == 403
    assert "/rujukan/" not in client.get("/").content.decode()


def test_the_parent_head_reads_it_without_taking_steps(personas):
    referral = send(personas.petugas_imigrasi)
    client = verified_client(personas.pimpinan)
    html = client.get(f"/rujukan/{referral.pk}/").content.decode()
    assert "Siti Rohmah" in html
    assert 'data-testid="actions"' not in html
    assert client.post(f"/rujukan/{referral.pk}/komentar/", {"text": "x"}).status_code == 403


def test_filters_by_state_urgency_and_overdue(personas, penyidik_polres):
    # given
    urgent = send(personas.petugas_imigrasi, urgency="segera")
    usual = send(personas.petugas_imigrasi, urgency="biasa")
    referral_acknowledge(viewer=viewer_of(penyidik_polres), referral=usual)
    client = verified_client(penyidik_polres)
    # when
    by_urgency = client.get("/rujukan/?arah=masuk&urgensi=segera").content.decode()
    by_state = client.get("/rujukan/?arah=masuk&status=diterima").content.decode()
    overdue = client.get("/rujukan/?arah=masuk&lewat_batas=on").content.decode()
    bad_date = client.get("/rujukan/?arah=masuk&dari=31-02-2026")
    # then
    assert urgent.number in by_urgency and usual.number not in by_urgency
    assert usual.number in by_state and urgent.number not in by_state
    assert urgent.number not in overdue and usual.number not in overdue
    assert bad_date.status_code == 200


def test_the_inbox_takes_the_same_number_of_queries_for_many_rows(
    personas, penyidik_polres, django_assert_max_num_queries
):
    # given
    for _ in range(3):
        send(personas.petugas_imigrasi)
    client = verified_client(penyidik_polres)
    client.get("/rujukan/")  # warm the per-process caches
    with django_assert_max_num_queries(25) as few:
        client.get("/rujukan/")
    for _ in range(30):
        send(personas.petugas_imigrasi)
    # when / then
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/rujukan/")
    assert response.content.decode().count('href="/rujukan/') >= 30


def test_the_police_steps_through_the_pages(personas, penyidik_polres):
    # given
    referral = send(personas.petugas_imigrasi)
    client = verified_client(penyidik_polres)
    url = f"/rujukan/{referral.pk}/"
    # when
    client.post(url + "terima/")
    client.post(url + "tugaskan/", {"assignee": str(penyidik_polres.pk)})
    refused = client.post(url + "selesai/", {"outcome": "perkara_dibuka", "lp_date": "01-12-2026"})
    # then: the missing LP number is named and what was typed kept
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Nomor LP wajib diisi" in html
    assert 'value="01-12-2026"' in html
    # when
    done = client.post(
        url + "selesai/",
        {
            "outcome": "perkara_dibuka",
            "lp_number": "LP/B/9/XII/2026/SPKT/POLRESTA TANGERANG",
            "lp_date": "01-12-2026",
            "kind": "tppo",
            "modus": "penipuan_daring",
        },
    )
    # then
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.CLOSED
    sender_view = verified_client(personas.petugas_imigrasi).get(url).content.decode()
    assert "LP/B/9/XII/2026/SPKT/POLRESTA TANGERANG" in sender_view


def test_an_illegal_step_from_the_page_gets_a_message(personas, penyidik_polres):
    referral = send(personas.petugas_imigrasi)
    response = verified_client(penyidik_polres).post(
        f"/rujukan/{referral.pk}/selesai/", {"outcome": "tidak_ada_pidana"}
    )
    assert response.status_code == 400
    assert "tidak dapat dilakukan" in response.content.decode()


def test_a_referral_from_an_application_page(personas, penyidik_polres):
    # given
    application = application_make()
    client = verified_client(personas.petugas_imigrasi)
    page = client.get(f"/penyaringan/permohonan/{application.pk}/").content.decode()
    assert f"/rujukan/baru/?permohonan={application.pk}" in page
    # when
    from benteng.accounts.models import Office

    response = client.post(
        f"/rujukan/baru/?permohonan={application.pk}",
        {
            "receiving_office": str(Office.objects.get(code="bp3mi-banten").pk),
            "reason_category": "penempatan_prosedural",
            "urgency": "biasa",
            "reason": "Calon PMI perlu diarahkan ke jalur resmi.",
        },
    )
    # then: the applicant is the subject, the application attached
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.application == application
    assert referral.subjects.get().full_name == application.full_name
    # and another Kanim cannot attach an application it does not see
    other = verified_client(personas.petugas_imigrasi_other)
    assert other.get(f"/rujukan/baru/?permohonan={application.pk}").status_code == 404
