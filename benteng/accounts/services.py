from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from benteng.access.viewer import Viewer
from benteng.accounts.models import (
    OFFICE_KIND_AGENCY,
    ROLE_AGENCIES,
    VILLAGE_ROLES,
    Agency,
    Office,
    OfficeCoverage,
    Role,
    User,
)
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_write
from benteng.regions.models import Region


@dataclass(frozen=True)
class OfficeLoadResult:
    agencies_created: int
    offices_created: int
    coverage_created: int


def _reference_offices() -> dict:  # type: ignore[type-arg]
    text = resources.files("benteng.data").joinpath("offices_banten.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


@transaction.atomic
def offices_load_reference() -> OfficeLoadResult:
    """Create the reference agencies, offices and coverage that do not exist yet.

    Idempotent, and additive only: an office or coverage an administrator changed or removed
    is left as the administrator left it (offices are matched by code).
    """
    data = _reference_offices()
    agencies_created = offices_created = coverage_created = 0
    agencies: dict[str, Agency] = {}
    for row in data["agencies"]:
        agency, created = Agency.objects.get_or_create(
            kind=row["kind"], defaults={"name": row["name"], "short_name": row["short_name"]}
        )
        agencies[agency.kind] = agency
        agencies_created += created
    for row in data["offices"]:
        office, created = Office.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "agency": agencies[row["agency"]],
                "kind": row["kind"],
                "parent": Office.objects.get(code=row["parent"]) if row["parent"] else None,
                "seat_id": row["seat"],
            },
        )
        offices_created += created
        if not created:
            continue
        for region_code, verified in row["coverage"]:
            note = "" if verified else _("Belum diverifikasi dari sumber resmi.")
            OfficeCoverage.objects.create(office=office, region_id=region_code, note=note)
            coverage_created += 1
    return OfficeLoadResult(agencies_created, offices_created, coverage_created)


def office_validate(*, office: Office) -> None:
    """An office's kind fits its agency, and its parent is of the same agency."""
    expected_agency = OFFICE_KIND_AGENCY.get(office.kind)  # type: ignore[call-overload]
    if office.agency_id and expected_agency and office.agency.kind != expected_agency:
        raise ValidationError({"kind": _("Jenis kantor ini tidak sesuai dengan instansinya.")})
    if office.parent_id and office.parent and office.parent.agency_id != office.agency_id:
        raise ValidationError({"parent": _("Kantor induk harus dari instansi yang sama.")})


def user_validate_assignment(
    *, role: str, office: Office | None, villages: list[Region] | None
) -> None:
    """A user's office belongs to an agency allowed for the role; village roles have villages."""
    errors: dict[str, str] = {}
    allowed_agencies = ROLE_AGENCIES.get(role, ())
    if office is None:
        errors["office"] = _("Setiap pengguna harus terhubung ke satu kantor.")
    elif office.agency.kind not in allowed_agencies:
        errors["office"] = _("Kantor ini bukan dari instansi yang sesuai untuk peran tersebut.")
    if villages is not None:
        if role in VILLAGE_ROLES and not villages:
            errors["villages"] = _("Peran ini harus ditugaskan ke sedikitnya satu desa/kelurahan.")
        if any(not region.is_village for region in villages):
            errors["villages"] = _("Hanya desa atau kelurahan yang dapat ditugaskan.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def user_create(
    *,
    username: str,
    full_name: str,
    role: str,
    office: Office,
    password: str | None,
    email: str = "",
    phone: str = "",
    villages: list[Region] | None = None,
    employee_number: str = "",
    is_demo_account: bool = False,
) -> User:
    user_validate_assignment(role=role, office=office, villages=villages or [])
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        office=office,
        email=email,
        phone=phone,
        employee_number=employee_number,
        is_demo_account=is_demo_account,
        # The Django admin is the administrators' tool; nobody else gets staff status.
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    if villages:
        user.villages.set(villages)
    return user


@transaction.atomic
def user_password_set_by_admin(*, user: User, admin: Viewer, set_by: User) -> None:
    """After an administrator set a user's password (the admin form saved it): its owner must
    choose a new one at next sign-in, and every second-factor device is removed, so that the
    administrator who knows the password cannot use it with an authenticator of their own."""
    User.objects.filter(pk=user.pk).update(must_change_password=True, password_set_by=set_by)
    user.must_change_password = True
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record_write(
        viewer=admin,
        action=AuditAction.UPDATE,
        obj=user,
        changed_fields=["password", "otp_devices"],
        purpose="admin",
    )


@transaction.atomic
def user_password_choose(*, user: User, password: str) -> None:
    """The user chose their own password (the one an administrator set is then void)."""
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit_record_write(
        viewer=Viewer.for_user(user),
        action=AuditAction.UPDATE,
        obj=user,
        changed_fields=["password"],
        purpose="password_change",
    )
