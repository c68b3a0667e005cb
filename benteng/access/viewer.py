from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from benteng.accounts.models import User
    from benteng.api.models import ApiClient

FactT = TypeVar("FactT")


class ViewerKind(enum.StrEnum):
    USER = "user"
    CLIENT = "client"
    SYSTEM = "system"


@dataclass(frozen=True)
class Viewer:
    """Who is asking for personal data, with everything a policy needs to decide."""

    kind: ViewerKind
    role: str
    agency_kind: str | None = None
    office_id: int | None = None
    user_id: int | None = None
    client_id: int | None = None
    village_codes: frozenset[str] = field(default_factory=frozenset)
    purpose: str = ""
    # How the audit trail names the viewer, taken when the viewer is built so that recording
    # a read costs no extra query.
    actor_label: str = ""
    office_name: str = ""
    # What a policy works out about the viewer with queries (the offices a police office
    # answers for), kept for the viewer's life -- one request or one task -- by ``remembered``.
    facts: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def for_user(cls, user: User, *, purpose: str = "") -> Viewer:
        village_codes: frozenset[str] = frozenset()
        if user.pk is not None:
            village_codes = frozenset(user.villages.values_list("code", flat=True))
        return cls(
            kind=ViewerKind.USER,
            role=user.role,
            agency_kind=user.agency_kind,
            office_id=user.office_id,
            user_id=user.pk,
            village_codes=village_codes,
            purpose=purpose,
            actor_label=user.username,
            office_name=user.office.name if user.office_id and user.office else "",
        )

    @classmethod
    def for_client(cls, client: ApiClient, *, purpose: str = "") -> Viewer:
        """A client system sees what the role it was registered with may see, for its office."""
        return cls(
            kind=ViewerKind.CLIENT,
            role=client.role,
            agency_kind=client.office.agency.kind if client.office_id else None,
            office_id=client.office_id,
            client_id=client.pk,
            purpose=purpose,
            actor_label=client.name,
            office_name=client.office.name if client.office_id else "",
        )

    @classmethod
    def system(cls, *, purpose: str) -> Viewer:
        """Benteng itself (a background task); the purpose is mandatory and audited."""
        if not purpose:
            raise ValueError("A system viewer must state its purpose.")
        return cls(kind=ViewerKind.SYSTEM, role="system", purpose=purpose)

    def with_purpose(self, purpose: str) -> Viewer:
        """The same viewer for another purpose (sharing the facts remembered about it)."""
        return Viewer(**{**self.__dict__, "purpose": purpose})

    def remembered(self, name: str, work_out: Callable[[], FactT]) -> FactT:
        """The fact ``name`` about this viewer: ``work_out()`` the first time it is asked,
        the same answer after, so a page that applies a policy three times queries once."""
        if name not in self.facts:
            self.facts[name] = work_out()
        fact: FactT = self.facts[name]
        return fact


def as_viewer(who: Any) -> Viewer:
    """Accept a Viewer, or whatever callers hold that can say who it is (a ``User``, an
    ``ApiClient``: each has ``as_viewer()``; this layer is below the apps that define them)."""
    if isinstance(who, Viewer):
        return who
    if getattr(who, "is_anonymous", False):
        raise TypeError("An anonymous user is not a viewer of personal data.")
    to_viewer = getattr(who, "as_viewer", None)
    if to_viewer is None:
        raise TypeError(f"Cannot build a viewer from {type(who).__name__}.")
    viewer: Viewer = to_viewer()
    return viewer
