"""What may be published, and how each kind of object is shown to a subscriber.

Both registries are filled by the owning apps from ``AppConfig.ready()`` (see the package
docstring) and read by the outbox and the delivery worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.functional import Promise

from benteng.access.policy import policy_for
from benteng.access.viewer import Viewer

# viewer, ids -> {id (as text): JSON-ready fields}: the objects of ``ids`` the viewer may see.
Projector = Callable[[Viewer, list[str]], Mapping[str, dict[str, Any]]]

_KINDS: dict[str, Promise | str] = {}
_PROJECTORS: dict[str, Projector] = {}


def object_type_label(model: type[models.Model] | str) -> str:
    """``app_label.modelname``, as the audit trail names a record type."""
    if isinstance(model, str):
        return model.lower()
    return model._meta.label_lower


def register_event_kind(kind: str, label: Promise | str) -> None:
    """An event kind an app publishes, e.g. ``referral.created``; subscribers choose from these."""
    _KINDS[kind] = label


def event_kinds() -> dict[str, Promise | str]:
    return dict(sorted(_KINDS.items()))


def is_event_kind(kind: str) -> bool:
    return kind in _KINDS


def register_projector(model: type[models.Model] | str, projector: Projector) -> None:
    """How objects of ``model`` are shown to a subscriber (see ``Projector``)."""
    _PROJECTORS[object_type_label(model)] = projector


def projector_for(object_type: str) -> Projector | None:
    return _PROJECTORS.get(object_type)


def visible_ids(viewer: Viewer, object_type: str, ids: Iterable[str]) -> set[str]:
    """The ids of objects of this type the viewer may see, asked of the type's access policy
    in one query; a type without a model or without a policy shows nothing."""
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    try:
        model = apps.get_model(object_type)
        policy = policy_for(model)
    except (LookupError, ValueError):
        return set()
    found = (
        model._default_manager.filter(policy.rows(viewer))
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    return {str(pk) for pk in found}
