"""Who sees which Desa Binaan, its team's contacts and its pages; what is not shown."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from benteng.audit.models import AuditAction, AuditEntry
from benteng.audit.services import object_type_of
from benteng.villages.models import FocalPerson
from tests.conftest import verified_client
from tests.downloads import assert_private_file

pytestmark = pytest.mark.django_db

# Which of the three designated villages each persona's list shows (None: the page is 403).
LIST_VISIBILITY = {
    "petugas_imigrasi": {"own", "second"},  # Kanim Tangerang guides the Kronjo villages
    "petugas_imigrasi_other": {"far"},  # Kanim Serang guides the far one
    "petugas_tpi": None,
    "analis_imigrasi": {"own", "second", "far"},  # the Kanwil above both Kanims
    "pimpasa": {"own", "second"},  # assigned to both Kronjo villages
    "penyidik": {"own", "second", "far"},  # Polda: its Polres cover both areas
    "analis_polri": {"own", "second", "far"},
    "bhabinkamtibmas": {"own", "second"},
    "pic_desa": {"own"},
    "pic_desa_other": {"far"},
    "pimpinan": {"own", "second", "far"},
    "admin": {"own", "second", "far"},
}


@pytest.mark.parametrize("persona", sorted(LIST_VISIBILITY))
def test_each_persona_sees_only_the_villages_they_are_responsible_for(personas, villages, persona):
    # given
    client = verified_client(getattr(personas, persona))
    expected = LIST_VISIBILITY[persona]
    # when
    response = client.get(reverse("villages:index"))
    # then
    if expected is None:
        assert response.status_code == 403
        return
    shown = set(re.findall(r'href="/desa-binaan/(\d+)/"', response.content.decode()))
    assert shown == {str(villages[key].pk) for key in expected}
    for key, village in villages.items():
        status = client.get(reverse("villages:detail", args=[village.pk])).status_code
        assert status == (200 if key in expected else 404), (persona, key)


def test_the_village_list_costs_the_same_queries_for_three_villages_or_nine(
    personas, villages, django_assert_num_queries
):
    # given: the count with three villages
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benteng.regions.models import Region
    from tests.villages.conftest import designate

    client = verified_client(personas.analis_imigrasi)
    with CaptureQueriesContext(connection) as three:
        client.get(reverse("villages:index"))
    for region in Region.objects.filter(parent_id="36.03.06").villages()[:6]:
        designate(region.code, "kanim-tangerang")
    # when / then
    with django_assert_num_queries(len(three.captured_queries)):
        html = client.get(reverse("villages:index")).content.decode()
    assert len(re.findall(r'href="/desa-binaan/(\d+)/"', html)) == 9


def test_the_village_team_sees_each_others_contacts(personas, villages):
    # given: the PIC desa of the first Kronjo village
    client = verified_client(personas.pic_desa)
    # when
    html = client.get(reverse("villages:detail", args=[villages["own"].pk])).content.decode()
    # then: the PIMPASA, the Bhabinkamtibmas and the focal person, each with a phone
    team = html.split('data-testid="village-team"')[1].split("</ul>")[0]
    for name in ("Persona pimpasa", "Persona bhabin", "Sekdes Own"):
        assert name in team
    assert team.count('href="tel:') == 4  # the three partners and the PIC desa's own
    assert "Sekdes Second" not in html  # another village's focal person


def test_leadership_sees_the_village_but_no_ones_contacts(personas, villages):
    html = (
        verified_client(personas.pimpinan)
        .get(reverse("villages:detail", args=[villages["own"].pk]))
        .content.decode()
    )
    assert "081311112222" not in html
    assert "tel:" not in html
    assert "Sekdes Own" not in html


def test_the_administrator_keeps_designations_and_contacts_but_not_the_program_s_work(
    personas, villages
):
    client = verified_client(personas.admin)
    village = villages["own"]
    html = client.get(reverse("villages:detail", args=[village.pk])).content.decode()
    assert "Sekdes Own" in html  # the focal persons they keep
    assert client.get(reverse("villages:profile", args=[village.pk])).status_code == 403
    assert client.get(reverse("villages:totals")).status_code == 403
    assert client.get(reverse("villages:outreach", args=[village.pk])).status_code == 403


def test_reading_the_team_s_contacts_is_audited(personas, villages):
    # given
    client = verified_client(personas.pic_desa)
    # when
    client.get(reverse("villages:detail", args=[villages["own"].pk]))
    # then: the focal persons read, by id, never by name
    entry = AuditEntry.objects.filter(
        action=AuditAction.LIST, object_type=object_type_of(FocalPerson)
    ).latest("occurred_at")
    assert entry.object_ids == [str(villages["own"].focal_persons.get().pk)]
    assert "Sekdes" not in str(entry.detail)


def test_an_administrator_designates_a_village_and_a_bad_value_keeps_what_was_typed(personas):
    client = verified_client(personas.admin)
    # when: an unknown desa code and a date in words
    response = client.post(
        reverse("villages:designate"),
        {"desa_code": "36.03.07.9999", "designated_on": "kemarin", "kanim": "", "note": "SK 12"},
    )
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "HH-BB-TTTT" in html
    assert 'value="SK 12"' in html and 'value="36.03.07.9999"' in html
    # when: corrected
    from benteng.accounts.models import Office

    kanim = Office.objects.get(code="kanim-tangerang")
    response = client.post(
        reverse("villages:designate"),
        {"desa_code": "36.03.07.2001", "designated_on": "15-01-2025", "kanim": kanim.pk},
    )
    assert response.status_code == 302
    assert verified_client(personas.pic_desa).get(response["Location"]).status_code == 200


def test_nobody_but_an_administrator_designates(personas):
    for persona in ("pimpasa", "pic_desa", "analis_imigrasi", "pimpinan"):
        client = verified_client(getattr(personas, persona))
        assert client.get(reverse("villages:designate")).status_code == 403


def test_the_cooperation_document_is_kept_private_and_served_to_those_responsible(
    personas, villages
):
    from tests.villages.conftest import PDF, upload

    # given: the administrator attaches the signed agreement
    desa = villages["own"]
    admin = verified_client(personas.admin)
    response = admin.post(
        reverse("villages:designation_edit", args=[desa.pk]),
        {
            "designated_on": "15-01-2025",
            "kanim": desa.kanim_id,
            "is_active": "on",
            "document": upload("pks.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    url = reverse("villages:document", args=[desa.pk])
    # then: the village team downloads it as an attachment; another village's PIC cannot
    download = verified_client(personas.pic_desa).get(url)
    desa.refresh_from_db()
    assert_private_file(
        download,
        disposition="attachment",
        filename=desa.cooperation_document.name.rsplit("/", 1)[-1],
        content_type="application/pdf",
    )
    assert verified_client(personas.pic_desa_other).get(url).status_code == 404


def test_a_focal_person_with_a_bad_phone_keeps_what_was_typed(personas, villages):
    client = verified_client(personas.admin)
    url = reverse("villages:focal_person", args=[villages["own"].pk])
    response = client.post(url, {"full_name": "Bu Kades", "position": "Kepala Desa", "phone": "12"})
    html = response.content.decode()
    assert "bukan nomor Indonesia yang sah" in html
    assert 'value="Bu Kades"' in html and 'value="12"' in html
    assert not FocalPerson.objects.filter(full_name="Bu Kades").exists()
    assert verified_client(personas.pimpasa).post(url, {}).status_code == 403
