from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from benteng.accounts.models import Office, OfficeCoverage, Role, User
from benteng.accounts.selectors import office_region_codes, offices_responsible_for
from benteng.accounts.services import offices_load_reference, user_validate_assignment
from benteng.regions.models import Region
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def test_a_kronjo_village_is_policed_by_its_polsek_polresta_and_polda_banten():
    codes = [
        o.code for o in offices_responsible_for(region_code="36.03.07.2001", agency_kind="polri")
    ]
    assert codes == ["polsek-kronjo", "polresta-tangerang", "polda-banten"]


def test_teluknaga_is_not_covered_by_polda_banten():
    # Teluknaga is policed by Polda Metro Jaya (Polres Metro Tangerang Kota).
    assert offices_responsible_for(region_code="36.03.13.2001", agency_kind="polri") == []


def test_immigration_coverage_of_kota_serang():
    codes = {
        o.code for o in offices_responsible_for(region_code="36.73.01", agency_kind="imigrasi")
    }
    assert codes == {"kanim-serang", "kanwil-imigrasi-banten"}


def test_polda_covers_what_its_polres_cover():
    polda = Office.objects.get(code="polda-banten")
    codes = office_region_codes(office=polda)
    assert "36.03.07" in codes
    assert "36.02" in codes
    assert "36.03.13" not in codes


def test_reference_loading_keeps_what_an_administrator_changed():
    # given: an administrator renames an office and removes one coverage row
    office = Office.objects.get(code="kanim-cilegon")
    office.name = "Kantor Imigrasi Cilegon (nama baru)"
    office.save()
    OfficeCoverage.objects.filter(office=office).delete()
    # when
    result = offices_load_reference()
    # then
    office.refresh_from_db()
    assert result.offices_created == 0
    assert office.name == "Kantor Imigrasi Cilegon (nama baru)"
    assert not OfficeCoverage.objects.filter(office=office).exists()


@pytest.mark.parametrize(
    ("role", "office_code", "villages", "error_field"),
    [
        (Role.PENYIDIK, "kanim-tangerang", [], "office"),
        (Role.PETUGAS_IMIGRASI, "polda-banten", [], "office"),
        (Role.PIMPASA, "kanim-tangerang", [], "villages"),
        (Role.BHABINKAMTIBMAS, "polsek-kronjo", ["36.03.07"], "villages"),
    ],
    ids=["police-role-at-kanim", "immigration-role-at-polda", "pimpasa-no-village", "kecamatan"],
)
def test_role_office_and_village_assignment_is_validated(role, office_code, villages, error_field):
    office = Office.objects.get(code=office_code)
    regions = list(Region.objects.filter(code__in=villages))
    with pytest.raises(ValidationError) as raised:
        user_validate_assignment(role=role, office=office, villages=regions)
    assert error_field in raised.value.message_dict


def test_valid_assignment_passes():
    user_validate_assignment(
        role=Role.BHABINKAMTIBMAS,
        office=Office.objects.get(code="polsek-kronjo"),
        villages=[Region.objects.get(code="36.03.07.2001")],
    )


@pytest.mark.parametrize("role", ["petugas_imigrasi", "penyidik", "pimpinan", "pic_desa"])
def test_the_admin_site_is_closed_to_every_role_but_admin(personas, role):
    user = personas.all()[role]
    User.objects.filter(pk=user.pk).update(is_staff=True)  # even if staff status leaked
    client = verified_client(user)
    response = client.get("/admin/")
    assert response.status_code == 403  # a refusal, not a sign-in page that loops back here


def test_the_admin_lists_users_and_audits_the_list(personas):
    from benteng.audit.models import AuditEntry

    client = verified_client(personas.admin)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 200
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert entry.action == "list"
    assert entry.object_type == "accounts.user"
    assert str(personas.pic_desa.pk) in entry.object_ids


def test_the_admin_rejects_a_police_role_at_an_immigration_office(personas):
    client = verified_client(personas.admin)
    user = personas.penyidik
    response = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "username": user.username,
            "full_name": user.full_name,
            "email": user.email,
            "phone": user.phone,
            "role": "penyidik",
            "office": Office.objects.get(code="kanim-serang").pk,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.office.code == "polda-banten"


def test_admin_password_reset_and_bulk_delete_are_audited(personas):
    from benteng.audit.models import AuditEntry

    client = verified_client(personas.admin)
    target = personas.pic_desa_other
    # when: a password reset
    response = client.post(
        f"/admin/accounts/user/{target.pk}/password/",
        {"password1": "Sandi-Baru-Yang-Panjang-2026", "password2": "Sandi-Baru-Yang-Panjang-2026"},
    )
    assert response.status_code == 302
    reset = AuditEntry.objects.order_by("-sequence").first()
    assert (reset.action, reset.object_ids, reset.detail) == (
        "update",
        [str(target.pk)],
        {"fields": ["otp_devices", "password"]},
    )
    # when: "delete selected"
    response = client.post(
        "/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=target.pk).exists()
    deleted = AuditEntry.objects.filter(action="delete", object_type="accounts.user")
    assert [entry.object_ids for entry in deleted] == [[str(target.pk)]]
