from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from benteng.accounts.models import Role, User

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-" + "x" * 50,
    "ALLOWED_HOSTS": "benteng.example.go.id",
    "DATABASE_URL": "sqlite:////tmp/benteng-deploy-check.sqlite3",
    "EMAIL_HOST": "smtp.example.go.id",
    "BENTENG_AUDIT_KEY": "an-audit-key-kept-outside-the-database-" + "z" * 30,
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    test_only = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "BENTENG_REQUIRE_2FA"}
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_an_audit_key():
    env = {**PRODUCTION_ENV, "BENTENG_AUDIT_KEY": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "BENTENG_AUDIT_KEY" in result.stderr


def test_the_secret_key_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file-" + "y" * 50)
    env = {**PRODUCTION_ENV, "SECRET_KEY": "", "SECRET_KEY_FILE": str(secret_file)}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr


def test_production_requires_two_factor_and_hashes_with_argon2():
    code = (
        "from django.conf import settings as s;"
        "print(s.BENTENG_REQUIRE_2FA, s.DEMO_MODE, s.PASSWORD_HASHERS[0].rsplit('.', 1)[1])"
    )
    result = _manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.stdout.splitlines()[-1].split() == ["True", "False", "Argon2PasswordHasher"]


@pytest.mark.django_db
def test_seed_demo_creates_every_role_and_a_second_run_keeps_user_changes(capsys):
    # given
    call_command("seed_demo")
    roles = set(User.objects.filter(is_demo_account=True).values_list("role", flat=True))
    assert roles == set(Role.values)
    # when: a user changes their name, then the seed runs again
    User.objects.filter(username="imigrasi.tangerang").update(full_name="Nama Diubah")
    count = User.objects.count()
    call_command("seed_demo")
    # then
    assert User.objects.count() == count
    assert User.objects.get(username="imigrasi.tangerang").full_name == "Nama Diubah"
    assert "Benteng-Demo-2026" in capsys.readouterr().out


@pytest.mark.parametrize(
    "override",
    [{"BENTENG_DEMO": "1"}, {"BENTENG_REQUIRE_2FA": "0"}],
    ids=["demo-mode", "two-factor-off"],
)
def test_production_refuses_the_demo_relaxations(override):
    result = _manage("check", env={**PRODUCTION_ENV, **override})
    assert result.returncode != 0
    assert "local demo only" in result.stderr


def test_seed_demo_refuses_to_run_in_production():
    result = _manage("seed_demo", env=PRODUCTION_ENV)
    assert result.returncode != 0
    # Settings refuse first or the command does; either way no demo account is made.
    assert "seed_demo" in result.stderr or "DEBUG" in result.stderr


def test_postgresql_options_add_to_what_the_database_url_asks():
    # given a URL asking for TLS and a statement timeout
    url = (
        "postgres://benteng@db.example.go.id:5432/benteng"
        "?sslmode=verify-full&options=-c%20statement_timeout%3D5000"
    )
    code = (
        "import json; from django.conf import settings as s;"
        "print(json.dumps(s.DATABASES['default']['OPTIONS']))"
    )
    # when
    result = _manage("shell", "-c", code, env={**PRODUCTION_ENV, "DATABASE_URL": url})
    # then: kept, with the hot path's preparing and generic plans added
    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout.strip().splitlines()[-1])
    assert options["sslmode"] == "verify-full"
    assert options["prepare_threshold"] == 5
    assert options["options"] == "-c statement_timeout=5000 -c plan_cache_mode=force_generic_plan"


@pytest.mark.parametrize(
    ("extra", "backend"),
    [
        pytest.param({}, "django.core.cache.backends.db.DatabaseCache", id="database"),
        pytest.param(
            {"REDIS_URL": "redis://cache.example.go.id:6379/0"},
            "django.core.cache.backends.redis.RedisCache",
            id="redis",
        ),
    ],
)
def test_the_shared_cache_is_redis_when_configured_else_the_database(extra, backend):
    code = "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
    env = {**PRODUCTION_ENV, **extra}
    if not extra:
        env["REDIS_URL"] = ""
    result = _manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == backend


def test_migrate_creates_the_database_cache_table(tmp_path):
    # given: a fresh database, as `make run` on a new machine starts with
    database = tmp_path / "fresh.sqlite3"
    env = {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{database}", "REDIS_URL": ""}
    # when
    result = _manage("migrate", "--noinput", env=env)
    # then
    assert result.returncode == 0, result.stderr
    import sqlite3

    with sqlite3.connect(database) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert "benteng_cache" in tables
