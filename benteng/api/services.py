"""Issuing, revoking and recording the use of client systems' API tokens.

A token is ``bnt_`` followed by 43 URL-safe characters (256 random bits). Only its SHA-256 is
stored, with the first 12 characters kept so an administrator can tell tokens apart; the token
itself exists only in the return value of ``api_client_create`` and is shown once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benteng.access.viewer import Viewer
from benteng.accounts.models import ROLE_AGENCIES, Office, Role, User
from benteng.api.models import ApiClient, ApiScope
from benteng.api.selectors import known_clients
from benteng.api.tokens import api_token_generate, api_token_hash
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_write

TOKEN_PREFIX_LENGTH = 12
# last_used_at is written at most this often per client, so reads stay read-only mostly.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Client systems act with the need-to-know of a working role; administration stays with people.
ROLES_NOT_FOR_CLIENTS = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class IssuedToken:
    client: ApiClient
    token: str


def api_scopes_clean(scopes: Iterable[str]) -> list[str]:
    """The scopes, de-duplicated in the order ApiScope lists them; unknown ones are an error."""
    requested = {scope.strip() for scope in scopes if scope.strip()}
    unknown = sorted(requested - set(ApiScope.values))
    if unknown:
        raise ValidationError(
            _("Cakupan tidak dikenal: %(scopes)s.") % {"scopes": ", ".join(unknown)},
            code="unknown_scope",
        )
    if not requested:
        raise ValidationError(_("Pilih minimal satu cakupan."), code="no_scope")
    return [scope for scope in ApiScope.values if scope in requested]


def api_client_role_check(*, office: Office, role: str) -> None:
    """A client acts as one role at one office: the role must exist and suit the agency."""
    if role not in Role.values:
        raise ValidationError(_("Peran tidak dikenal: %(role)s.") % {"role": role}, code="role")
    if role in ROLES_NOT_FOR_CLIENTS:
        raise ValidationError(
            _("Sistem klien tidak dapat diberi peran administrator."), code="role"
        )
    if office.agency.kind not in ROLE_AGENCIES[role]:
        raise ValidationError(
            _("Peran %(role)s tidak sesuai dengan instansi kantor %(office)s.")
            % {"role": Role(role).label, "office": office.name},
            code="role_agency",
        )


def api_client_create(
    *,
    name: str,
    office: Office,
    role: str,
    scopes: Iterable[str],
    viewer: Viewer,
    created_by: User | None = None,
) -> IssuedToken:
    """Register a client system and issue its token; the token is in the result only."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Nama sistem wajib diisi."), code="name")
    if ApiClient.objects.filter(name=name).exists():
        raise ValidationError(
            _("Sudah ada klien API bernama %(name)s.") % {"name": name}, code="name_taken"
        )
    api_client_role_check(office=office, role=role)
    client = ApiClient(name=name, office=office, role=role, scopes=api_scopes_clean(scopes))
    token = api_client_register(client=client, viewer=viewer, created_by=created_by)
    return IssuedToken(client=client, token=token)


def api_client_register(
    *, client: ApiClient, viewer: Viewer, created_by: User | None = None
) -> str:
    """Save a new, validated client with a fresh token, audit it, and return the token.

    Precondition: name, office, role and scopes were validated (``api_client_create`` or the
    admin form did it).
    """
    token = api_token_generate()
    client.token_prefix = token[:TOKEN_PREFIX_LENGTH]
    client.token_hash = api_token_hash(token)
    client.created_by = created_by
    with transaction.atomic():
        client.save()
        audit_record_write(
            viewer=viewer,
            action=AuditAction.CREATE,
            obj=client,
            changed_fields=["name", "office", "role", "scopes", "token_hash"],
        )
    return token


def api_client_revoke(*, client: ApiClient, viewer: Viewer) -> bool:
    """Revoke the client's token from now on; False when it was revoked already."""
    with transaction.atomic():
        now = timezone.now()
        updated = ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
            revoked_at=now
        )
        if not updated:
            return False
        client.revoked_at = now
        # The update sends no signal: forget the clients this process knows now.
        known_clients.clear()
        audit_record_write(
            viewer=viewer, action=AuditAction.UPDATE, obj=client, changed_fields=["revoked_at"]
        )
    return True


def api_client_rotate_token(*, client: ApiClient, viewer: Viewer) -> str:
    """Replace the client's token (the old one stops working at once) and return the new one.

    Also re-activates a revoked client: after a leak, revoke first, then issue a new token.
    """
    token = api_token_generate()
    with transaction.atomic():
        client.token_prefix = token[:TOKEN_PREFIX_LENGTH]
        client.token_hash = api_token_hash(token)
        client.revoked_at = None
        client.save(update_fields=["token_prefix", "token_hash", "revoked_at"])
        audit_record_write(
            viewer=viewer,
            action=AuditAction.UPDATE,
            obj=client,
            changed_fields=["token_hash", "revoked_at"],
        )
    return token


def api_client_mark_used(*, client: ApiClient, now: datetime | None = None) -> None:
    """Record use, writing at most once per LAST_USED_RESOLUTION so most requests only read."""
    now = now or timezone.now()
    if client.last_used_at is not None and now - client.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    client.last_used_at = now
