"""Four eyes (issue 11, item 9): a data role given to a user or a client system takes effect
only when a second administrator approves it; both steps audited; never self-approved."""

from __future__ import annotations

import pytest

from benteng.accounts.models import GrantStatus, Role, RoleGrant, User
from benteng.api.models import ApiClient
from benteng.audit.models import AuditEntry
from tests.conftest import make_user, verified_client

pytestmark = pytest.mark.django_db
PASSWORD = "Sandi-Dari-Admin-2026"


@pytest.fixture
def second_admin(personas) -> User:  # type: ignore[no-untyped-def]
    return make_user("admin2", Role.ADMIN, "polda-banten")


def _change_user(client, user: User, **changes):  # type: ignore[no-untyped-def]
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "employee_number": user.employee_number,
        "role": user.role,
        "office": user.office_id,
        "villages": [v.pk for v in user.villages.all()],
        "is_active": "on" if user.is_active else "",
    }
    data.update(changes)
    return client.post(f"/admin/accounts/user/{user.pk}/change/", data)


def _decide(client, grant: RoleGrant, action: str = "approve"):  # type: ignore[no-untyped-def]
    return client.post(
        "/admin/accounts/rolegrant/",
        {"action": action, "_selected_action": [grant.pk]},
        follow=True,
    )


def test_a_data_role_waits_for_a_second_administrator(personas, second_admin):
    # given: leadership, who sees no personal data
    leader = personas.pimpinan
    first = verified_client(personas.admin)
    # when: one administrator makes them an analyst
    response = _change_user(first, leader, role=Role.ANALIS_IMIGRASI)
    # then: nothing changes yet, a grant waits
    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.role == Role.PIMPINAN
    grant = RoleGrant.objects.get()
    assert (grant.role, grant.status, grant.requested_by) == (
        Role.ANALIS_IMIGRASI,
        GrantStatus.PENDING,
        personas.admin,
    )
    requested = AuditEntry.objects.filter(object_type="accounts.rolegrant").get()
    assert (requested.action, requested.actor_id) == ("create", personas.admin.pk)
    # when: the same administrator approves
    page = _decide(first, grant)
    # then: refused
    assert "harus disetujui oleh administrator lain" in page.content.decode()
    leader.refresh_from_db()
    assert leader.role == Role.PIMPINAN
    # when: a second administrator approves
    _decide(verified_client(second_admin), grant)
    # then
    leader.refresh_from_db()
    grant.refresh_from_db()
    assert leader.role == Role.ANALIS_IMIGRASI
    assert (grant.status, grant.decided_by) == (GrantStatus.APPROVED, second_admin)
    decided = AuditEntry.objects.filter(object_type="accounts.rolegrant", action="update").get()
    assert decided.actor_id == second_admin.pk


def test_a_rejected_grant_changes_nothing(personas, second_admin):
    leader = personas.pimpinan
    _change_user(verified_client(personas.admin), leader, role=Role.ANALIS_IMIGRASI)
    _decide(verified_client(second_admin), RoleGrant.objects.get(), action="reject")
    leader.refresh_from_db()
    assert leader.role == Role.PIMPINAN
    assert RoleGrant.objects.get().status == GrantStatus.REJECTED


def test_a_new_account_with_a_data_role_stays_inactive_until_approved(personas, second_admin):
    # when
    verified_client(personas.admin).post(
        "/admin/accounts/user/add/",
        {
            "username": "analis.baru",
            "full_name": "Analis Baru",
            "email": "analis@example.test",
            "role": Role.ANALIS_IMIGRASI,
            "office": personas.analis_imigrasi.office_id,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    # then
    user = User.objects.get(username="analis.baru")
    assert not user.is_active
    # and activating it by hand is a grant too
    _change_user(verified_client(personas.admin), user, is_active="on")
    user.refresh_from_db()
    assert not user.is_active
    # when: approved
    _decide(verified_client(second_admin), RoleGrant.objects.get(status=GrantStatus.PENDING))
    # then
    user.refresh_from_db()
    assert (user.is_active, user.role) == (True, Role.ANALIS_IMIGRASI)


def test_a_role_without_personal_data_needs_no_second_administrator(personas):
    officer = personas.petugas_imigrasi
    _change_user(
        verified_client(personas.admin),
        personas.pimpinan,
        full_name="Nama Baru",
    )
    assert not RoleGrant.objects.exists()
    assert officer.role == Role.PETUGAS_IMIGRASI


def test_a_client_system_gets_data_scopes_only_when_approved(personas, second_admin):
    # given
    first = verified_client(personas.admin)
    # when: a client with an analyst's role and a screening scope
    first.post(
        "/admin/api/apiclient/add/",
        {
            "name": "Sistem Analis",
            "office": personas.analis_imigrasi.office_id,
            "role": Role.ANALIS_IMIGRASI,
            "scopes": ["screening:read", "reference:read"],
        },
    )
    # then: it reads reference data only
    client = ApiClient.objects.get(name="Sistem Analis")
    assert client.scopes == ["reference:read"]
    grant = RoleGrant.objects.get()
    assert (grant.subject_type, sorted(grant.scopes)) == (
        "api_client",
        ["reference:read", "screening:read"],
    )
    # when: the same administrator approves: refused; another: applied
    _decide(first, grant)
    client.refresh_from_db()
    assert client.scopes == ["reference:read"]
    _decide(verified_client(second_admin), grant)
    client.refresh_from_db()
    assert sorted(client.scopes) == ["reference:read", "screening:read"]
    assert client.role == Role.ANALIS_IMIGRASI
