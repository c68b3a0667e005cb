"""api_client_create prints the token once; api_client_revoke ends it; export_openapi --check."""

from __future__ import annotations

import hashlib
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from benteng.api.models import ApiClient
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def create(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("api_client_create", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_create_prints_a_working_token_once(client: Client, reference_data) -> None:
    # when
    token, note = create(
        "--name", "SIMKIM Tangerang", "--office", "kanim-tangerang",
        "--role", "petugas_imigrasi", "--scope", "reference:read,screening:read",
    )  # fmt: skip
    # then
    stored = ApiClient.objects.get(name="SIMKIM Tangerang")
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert stored.scopes == ["reference:read", "screening:read"]
    assert stored.created_by is None
    assert "shown only now" in note
    assert token not in note
    assert client.get("/api/v1/regions/36", **bearer(token)).status_code == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            [
                "--office",
                "kanim-atlantis",
                "--role",
                "petugas_imigrasi",
                "--scope",
                "reference:read",
            ],
            "No office",
            id="unknown-office",
        ),
        pytest.param(
            ["--office", "kanim-tangerang", "--role", "petugas_imigrasi", "--scope", "all:write"],
            "Cakupan tidak dikenal: all:write.",
            id="unknown-scope",
        ),
        pytest.param(
            ["--office", "kanim-tangerang", "--role", "penyidik", "--scope", "reference:read"],
            "tidak sesuai dengan instansi",
            id="police-role-at-immigration-office",
        ),
        pytest.param(
            ["--office", "kanim-tangerang", "--role", "admin", "--scope", "reference:read"],
            "administrator",
            id="admin-role",
        ),
        pytest.param(
            ["--office", "kanim-tangerang", "--role", "kapten", "--scope", "reference:read"],
            "Peran tidak dikenal",
            id="unknown-role",
        ),
    ],
)
def test_create_refuses_bad_input(reference_data, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        create("--name", "Sistem X", *args)
    assert not ApiClient.objects.filter(name="Sistem X").exists()


def test_create_refuses_a_taken_name(reference_data) -> None:
    args = [
        "--office",
        "kanim-tangerang",
        "--role",
        "petugas_imigrasi",
        "--scope",
        "reference:read",
    ]
    create("--name", "Sistem X", *args)
    with pytest.raises(CommandError, match="Sudah ada"):
        create("--name", "Sistem X", *args)


def test_revoke_by_name_and_by_prefix(client: Client, reference_data) -> None:
    # given
    args = ["--office", "polda-banten", "--role", "penyidik", "--scope", "reference:read"]
    first, _ = create("--name", "Sistem A", *args)
    second, _ = create("--name", "Sistem B", *args)
    # when
    call_command("api_client_revoke", "--name", "Sistem A", stdout=StringIO())
    call_command("api_client_revoke", "--prefix", second[:12], stdout=StringIO())
    # then
    assert client.get("/api/v1/me", **bearer(first)).json()["code"] == "token_revoked"
    assert client.get("/api/v1/me", **bearer(second)).json()["code"] == "token_revoked"


def test_revoke_twice_says_so(reference_data) -> None:
    args = ["--office", "polda-banten", "--role", "penyidik", "--scope", "reference:read"]
    create("--name", "Sistem A", *args)
    call_command("api_client_revoke", "--name", "Sistem A", stdout=StringIO())
    out = StringIO()
    call_command("api_client_revoke", "--name", "Sistem A", stdout=out)
    assert "already revoked" in out.getvalue()


def test_revoke_unknown_client_fails(reference_data) -> None:
    with pytest.raises(CommandError, match="No client"):
        call_command("api_client_revoke", "--name", "Tidak Ada", stdout=StringIO())


def test_export_openapi_check_detects_drift(tmp_path) -> None:
    # given
    target = tmp_path / "openapi.json"
    call_command("export_openapi", "--output", str(target), stdout=StringIO())
    call_command("export_openapi", "--output", str(target), "--check", stdout=StringIO())
    # when
    target.write_text(target.read_text().replace("Benteng API", "Other API"))
    # then
    with pytest.raises(CommandError, match=re.escape("manage.py export_openapi")):
        call_command("export_openapi", "--output", str(target), "--check", stdout=StringIO())


def test_rotate_prints_a_new_working_token(client: Client, reference_data) -> None:
    # given
    args = ["--office", "polda-banten", "--role", "penyidik", "--scope", "reference:read"]
    old, _ = create("--name", "Sistem A", *args)
    out = StringIO()
    # when
    call_command("api_client_rotate", "--name", "Sistem A", stdout=out, stderr=StringIO())
    # then
    new = out.getvalue().strip()
    assert new != old
    assert client.get("/api/v1/me", **bearer(old)).status_code == 401
    assert client.get("/api/v1/me", **bearer(new)).json()["name"] == "Sistem A"
