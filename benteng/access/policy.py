from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Generic, Self, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from benteng.access.viewer import Viewer, as_viewer
from benteng.audit.services import audit_record_denied, audit_record_read

ModelT = TypeVar("ModelT", bound=models.Model)

NOTHING = models.Q(pk__in=[])
EVERYTHING = models.Q()


class NotVisible(Exception):
    """The object does not exist, or exists and the viewer may not see it: callers cannot tell."""


class RecordPolicy(ABC, Generic[ModelT]):
    """The need-to-know rule of one personal-data model."""

    model: type[ModelT]
    # Fields every viewer who may see the row may also see.
    public_fields: frozenset[str] = frozenset({"id"})

    @abstractmethod
    def rows(self, viewer: Viewer) -> models.Q:
        """A filter selecting the rows the viewer may see."""

    def fields(self, viewer: Viewer, obj: ModelT) -> frozenset[str]:
        """The fields of a visible row this viewer may see; by default all of them."""
        return self.all_fields()

    def all_fields(self) -> frozenset[str]:
        return frozenset(f.name for f in self.model._meta.concrete_fields)


_REGISTRY: dict[type[models.Model], RecordPolicy[Any]] = {}


def register_policy(policy: RecordPolicy[ModelT]) -> RecordPolicy[ModelT]:
    _REGISTRY[policy.model] = policy
    return policy


def policy_for(model: type[ModelT]) -> RecordPolicy[ModelT]:
    try:
        return _REGISTRY[model]
    except KeyError:
        raise LookupError(
            f"{model.__name__} holds personal data but has no access policy registered."
        ) from None


def registered_models() -> list[type[models.Model]]:
    return list(_REGISTRY)


def visible_to(queryset: models.QuerySet[ModelT], who: Any) -> models.QuerySet[ModelT]:
    """The rows of the queryset the viewer may see (for models whose manager cannot be an
    ``AccessQuerySet``, such as the audit trail's, below this layer)."""
    return queryset.filter(policy_for(queryset.model).rows(as_viewer(who)))


class AccessQuerySet(models.QuerySet[ModelT]):
    """QuerySet of a personal-data model; ``visible_to`` is the only way code should read it."""

    def visible_to(self, who: Any) -> Self:
        return self.filter(policy_for(self.model).rows(as_viewer(who)))


def visible_fields(who: Any, obj: models.Model) -> frozenset[str]:
    viewer = as_viewer(who)
    return policy_for(type(obj)).fields(viewer, obj)


def redact(who: Any, obj: models.Model, field_names: list[str]) -> dict[str, Any]:
    """The requested fields of obj, with those the viewer may not see left out."""
    allowed = visible_fields(who, obj)
    return {name: getattr(obj, name) for name in field_names if name in allowed}


def access_object(
    who: Any,
    model: type[ModelT],
    pk: Any,
    *,
    purpose: str = "",
    queryset: models.QuerySet[ModelT] | None = None,
    detail: dict[str, Any] | None = None,
) -> ModelT:
    """Load one object on a viewer's behalf and record the read in the audit trail."""
    viewer = as_viewer(who)
    base = queryset if queryset is not None else model._default_manager.all()
    try:
        obj = base.filter(policy_for(model).rows(viewer)).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as error:
        # Probing other offices' ids leaves a trace, the same for missing and forbidden.
        audit_record_denied(viewer=viewer, model=model, pk=pk)
        raise NotVisible from error
    audit_record_read(
        viewer=viewer, objects=[obj], purpose=purpose or viewer.purpose, detail=detail
    )
    return obj
