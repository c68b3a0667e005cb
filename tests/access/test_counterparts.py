"""The other agency's counterpart, as a table a reviewer can read.

Working partners see each other's work contacts (``benteng/accounts/access.py``). Besides the
same office and the same villages, a Kanim and the Polres covering the same kabupaten/kota are
counterparts: their staff find and call each other in the staff directory.
"""

from __future__ import annotations

import pytest

from benteng.access import Viewer, redact
from benteng.accounts.access import is_counterpart, is_working_partner
from benteng.accounts.models import Role, User
from tests.conftest import make_user, verified_client

pytestmark = pytest.mark.django_db

# Rows: the viewer; columns: the account. Y = counterpart (sees name, office, phone, e-mail).
#   imi    petugas imigrasi, Kanim Tangerang (Kab. and Kota Tangerang, Tangerang Selatan)
#   imi2   petugas imigrasi, Kanim Serang (Kota and Kab. Serang)
#   pmp    PIMPASA, Kanim Tangerang
#   polT   penyidik, Polresta Tangerang (kecamatan of Kab. Tangerang)
#   polS   penyidik, Polres Serang (Kab. Serang)
#   polL   penyidik, Polres Lebak (no Kanim covers Lebak: nobody's counterpart)
#   bha    Bhabinkamtibmas, Polsek Kronjo (a Polsek is no Kanim's counterpart; his partners
#          are the PIMPASA and PIC desa of his villages)
#   pen    penyidik, Polda Banten (the regional office: no counterpart)
#   pim    pimpinan, Kanwil (leadership sees aggregates only)
COUNTERPARTS = """
        imi imi2 pmp polT polS polL bha pen pim
imi       .    .   .    Y    .    .   .   .   .
imi2      .    .   .    .    Y    .   .   .   .
pmp       .    .   .    Y    .    .   .   .   .
polT      Y    .   Y    .    .    .   .   .   .
polS      .    Y   .    .    .    .   .   .   .
polL      .    .   .    .    .    .   .   .   .
bha       .    .   .    .    .    .   .   .   .
pen       .    .   .    .    .    .   .   .   .
pim       .    .   .    .    .    .   .   .   .
"""


@pytest.fixture
def staff(personas) -> dict[str, User]:  # type: ignore[no-untyped-def]
    return {
        "imi": personas.petugas_imigrasi,
        "imi2": personas.petugas_imigrasi_other,
        "pmp": personas.pimpasa,
        "polT": make_user("polrestang", Role.PENYIDIK, "polresta-tangerang"),
        "polS": make_user("polresserang", Role.PENYIDIK, "polres-serang"),
        "polL": make_user("polreslebak", Role.PENYIDIK, "polres-lebak"),
        "bha": personas.bhabinkamtibmas,
        "pen": personas.penyidik,
        "pim": personas.pimpinan,
    }


def _parse(text: str) -> dict[tuple[str, str], bool]:
    header, *rows = text.strip("\n").splitlines()
    columns = header.split()
    cells = {}
    for line in rows:
        viewer, *marks = line.split()
        cells.update(
            {(viewer, column): mark == "Y" for column, mark in zip(columns, marks, strict=True)}
        )
    return cells


def test_counterparts_are_what_the_table_says(staff) -> None:  # type: ignore[no-untyped-def]
    # given
    expected = _parse(COUNTERPARTS)
    # when
    computed = {
        (viewer, account): is_counterpart(Viewer.for_user(staff[viewer]), staff[account])
        for viewer, account in expected
    }
    # then
    differ = sorted(cell for cell in expected if computed[cell] != expected[cell])
    assert not differ, f"(viewer, account) cells that differ from the table: {differ}"


def test_a_counterpart_sees_work_contacts_and_is_listed(staff) -> None:  # type: ignore[no-untyped-def]
    # given: the Kanim Tangerang officer and the Polresta Tangerang investigator
    officer, investigator = staff["imi"], staff["polT"]
    viewer = Viewer.for_user(officer)
    # then: each sees the other's work contacts, and finds the other in the directory rows
    assert is_working_partner(viewer, investigator)
    shown = redact(viewer, investigator, ["full_name", "office", "email", "phone"])
    assert shown["phone"] == "081200000000"
    assert shown["email"] == "polrestang@example.test"
    assert User.objects.visible_to(officer).filter(pk=investigator.pk).exists()
    assert User.objects.visible_to(investigator).filter(pk=officer.pk).exists()
    # and an investigator of another Polres is neither listed nor has contacts shown
    other = staff["polS"]
    assert not User.objects.visible_to(officer).filter(pk=other.pk).exists()
    assert "phone" not in redact(viewer, other, ["full_name", "phone"])


def test_the_directory_page_shows_the_counterparts_phone(staff) -> None:  # type: ignore[no-untyped-def]
    # given
    investigator = staff["polT"]
    investigator.phone = "081377778888"
    investigator.save(update_fields=["phone"])
    # when
    response = verified_client(staff["imi"]).get(f"/rekan/{investigator.pk}/")
    # then
    assert response.status_code == 200
    assert "081377778888" in response.content.decode()
    # and for a viewer who is no partner the same page is a 404
    stranger = verified_client(staff["imi2"]).get(f"/rekan/{investigator.pk}/")
    assert stranger.status_code == 404
