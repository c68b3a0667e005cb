"""The committed OpenAPI document (docs/openapi.json) and how it is regenerated.

The document is a contract with client systems: a test fails when the API drifts from it, so
every change to the API is a deliberate change to this file, visible in review.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.utils import translation
from ninja.responses import NinjaJSONEncoder

from benteng.api.urls import api

REGENERATE_COMMAND = "DEBUG=1 .venv/bin/python manage.py export_openapi"


def committed_schema_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "openapi.json"


def openapi_document_text() -> str:
    """The schema as served at /api/v1/openapi.json, in a stable, diff-friendly layout."""

    # The schema's own text is English; pin the language so nothing can vary with it.
    with translation.override("en"):
        schema = api.get_openapi_schema()
        text = json.dumps(schema, cls=NinjaJSONEncoder, indent=2, ensure_ascii=False)
    return text + "\n"
