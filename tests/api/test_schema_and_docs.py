"""The committed OpenAPI schema is the contract; the docs page works under the site's CSP."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from benteng.api.openapi import REGENERATE_COMMAND, committed_schema_path, openapi_document_text

pytestmark = pytest.mark.django_db


def test_committed_schema_matches_the_api() -> None:
    committed = committed_schema_path().read_text(encoding="utf-8")
    assert committed == openapi_document_text(), (
        f"docs/openapi.json no longer matches the API. If the change is intended, "
        f"regenerate it with `{REGENERATE_COMMAND}` and commit it."
    )


def test_served_schema_is_the_committed_one_and_needs_no_token(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json() == json.loads(committed_schema_path().read_text(encoding="utf-8"))


def test_schema_lists_scopes_and_error_bodies() -> None:
    schema = json.loads(openapi_document_text())
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["ApiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["ApiToken"]["description"],
    }
    region = schema["paths"]["/api/v1/regions/{code}"]["get"]
    assert region["security"] == [{"ApiToken": ["reference:read"]}]
    for operation in operations:
        if operation.get("security"):
            error = operation["responses"]["401"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/ErrorOut"}
    health = schema["paths"]["/api/v1/health"]["get"]
    assert "security" not in health
    assert set(health["responses"]) == {"200", "400", "503"}


def test_docs_page_needs_no_token_and_no_inline_script(client: Client) -> None:
    # when
    response = client.get("/api/v1/docs")
    # then
    assert response.status_code == 200
    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'src="/static/' in tag or 'type="application/json"' in tag, tag
    for asset in re.findall(r'(?:src|href)="/static/([^"]+)"', html):
        assert finders.find(asset), f"{asset} is not served by the app"
    assert "cdn" not in html.lower()
    assert '<html lang="id">' in html


def test_docs_settings_point_at_our_schema_only(client: Client) -> None:
    html = client.get("/api/v1/docs").content.decode()
    settings_json = re.search(
        r'<script type="application/json" id="swagger-settings">(.*?)</script>', html, re.S
    )
    assert settings_json is not None
    settings = json.loads(settings_json.group(1))
    assert settings["url"] == "/api/v1/openapi.json"
    assert settings["validatorUrl"] is None
