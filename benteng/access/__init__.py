"""Need-to-know access: the one policy layer every query for personal data goes through.

Pages, the API, exports, webhooks and background tasks all ask the same question through
the same code: *which rows of this model may this viewer see, and which fields of each row?*

- ``Viewer`` says who is asking (a signed-in person, a client system, a background task acting
  for someone) and what they are: role, agency, office, villages, stated purpose.
- A ``RecordPolicy`` per personal-data model answers with a ``Q`` for rows and a set of field
  names per row. Policies are registered in the model's app (``<app>/access.py``).
- ``AccessQuerySet.visible_to(viewer)`` applies the row rule inside the database query, so a
  list, a count or an export can never contain a row the viewer may not see.
- ``visible_fields`` / ``redact`` remove the fields a viewer may not see, so a serializer or a
  template never receives them.
- ``access_object`` loads one object for a viewer, answers "missing" and "forbidden" with the
  same ``NotVisible`` (a 404 for pages and the API), and writes the read to the audit trail.
"""

from benteng.access.policy import (
    AccessQuerySet,
    NotVisible,
    RecordPolicy,
    access_object,
    policy_for,
    redact,
    register_policy,
    registered_models,
    visible_fields,
    visible_to,
)
from benteng.access.viewer import Viewer, ViewerKind, as_viewer

__all__ = [
    "AccessQuerySet",
    "NotVisible",
    "RecordPolicy",
    "Viewer",
    "ViewerKind",
    "access_object",
    "as_viewer",
    "policy_for",
    "redact",
    "register_policy",
    "registered_models",
    "visible_fields",
    "visible_to",
]
