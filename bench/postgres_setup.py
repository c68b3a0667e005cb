"""What the PostgreSQL benchmarks share: production settings for a benchmark database, the
database made when it is missing (never ``test`` or a system database), ``manage.py`` run
with those settings, Django set up on it in the benchmark's process, and its accounts."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def production_environment(database_url: str, **overrides: str) -> dict[str, str]:
    """Production settings (DEBUG off, every read audited) on ``database_url``, with
    benchmark-only keys; ``overrides`` add or replace variables."""
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789",
        "BENTENG_AUDIT_KEY": "benchmark-only-audit-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "600",
        "BENTENG_VAR_DIR": str(ROOT / "var" / "bench"),
        "BENTENG_DEMO": "0",
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


def ensure_database(database_url: str) -> None:
    """Create the database named in ``database_url`` unless it exists."""
    import psycopg  # the PostgreSQL driver, installed with the project

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if name in {"", "test", "postgres", "template0", "template1"}:
        raise SystemExit(f"Refusing to benchmark in the database {name!r}: name another one.")
    maintenance = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def manage(arguments: Sequence[str], env: dict[str, str], *, quiet: bool = False) -> None:
    """Run ``manage.py`` of this checkout with ``env``; ``quiet`` hides its output."""
    subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *arguments],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def django_ready(database_url: str, env: dict[str, str]) -> None:
    """The benchmark database made if missing, migrated, with the reference data and the
    production pages' static manifest; then Django set up in this process on it with ``env``."""
    ensure_database(database_url)
    manage(["migrate", "-v0"], env)
    manage(["seed_reference"], env)
    manage(["collectstatic", "--noinput", "-v0"], env)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "benteng.settings"
    import django

    django.setup()


def bench_account(username: str, role: str, office: str, villages: Sequence[str] = ()) -> Any:
    """The benchmark's account ``username`` (made on the first run): ``role`` at the office
    with code ``office``, responsible for the desa ``villages``. Needs ``django_ready``."""
    from benteng.accounts.models import Office, User
    from benteng.accounts.services import user_create
    from benteng.regions.models import Region

    found = User.objects.filter(username=username).first()
    return found or user_create(
        username=username,
        full_name=username,
        role=role,
        office=Office.objects.get(code=office),
        password="Bench-Only-Password-2026",  # noqa: S106 - a local benchmark account
        email=f"{username}@bench.example",
        villages=list(Region.objects.filter(code__in=villages)),
    )
