"""``GET /api/v1/health``: can Benteng serve requests and run its background work?"""

from __future__ import annotations

import importlib.metadata
import logging
import tomllib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max
from ninja import Router, Status

from benteng.api.schemas import HealthOut

logger = logging.getLogger(__name__)
router = Router(tags=["health"])

# A task that waits longer than this for the database worker means the worker is not running.
DEFAULT_TASK_STALE_SECONDS = 15 * 60


def benteng_version() -> str:
    """The installed package's version, or pyproject's when running from a source checkout."""
    try:
        return importlib.metadata.version("benteng")
    except importlib.metadata.PackageNotFoundError:
        with (settings.BASE_DIR / "pyproject.toml").open("rb") as file:
            return str(tomllib.load(file)["project"]["version"])


def database_check() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer.")
        return {"ok": False, "detail": _("Basis data tidak menjawab.")}
    return {"ok": True, "detail": _("Basis data menjawab.")}


def task_checks() -> dict[str, dict[str, Any]]:
    """The configured task backend loads; with the database backend, its queue is moving."""

    try:
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    except Exception:  # an invalid TASKS setting raises whatever importing the backend raises
        logger.exception("Health check: the task backend could not be loaded.")
        return {"tasks": {"ok": False, "detail": _("Backend tugas latar tidak dapat dimuat.")}}
    checks = {
        "tasks": {
            "ok": True,
            "detail": _("Backend tugas latar: %(backend)s.") % {"backend": type(backend).__name__},
        }
    }
    if isinstance(backend, DatabaseBackend):
        checks["worker"] = _worker_check()
    return checks


def _worker_check() -> dict[str, Any]:

    stale_seconds = getattr(settings, "BENTENG_TASK_STALE_SECONDS", DEFAULT_TASK_STALE_SECONDS)
    cutoff = timezone.now() - timedelta(seconds=stale_seconds)
    try:
        ready = DBTaskResult.objects.ready()
        waiting = ready.count()
        stale = (
            ready.filter(enqueued_at__lt=cutoff)
            .filter(Q(run_after=get_date_max()) | Q(run_after__lt=cutoff))
            .count()
        )
    except DatabaseError:
        logger.exception("Health check: the task queue could not be read.")
        return {"ok": False, "detail": _("Antrean tugas latar tidak dapat dibaca.")}
    if stale:
        return {
            "ok": False,
            "detail": ngettext(
                "%(count)d tugas menunggu lebih dari %(minutes)d menit: pekerja latar "
                "(manage.py db_worker) tampaknya tidak berjalan.",
                "%(count)d tugas menunggu lebih dari %(minutes)d menit: pekerja latar "
                "(manage.py db_worker) tampaknya tidak berjalan.",
                stale,
            )
            % {"count": stale, "minutes": stale_seconds // 60},
        }
    return {
        "ok": True,
        "detail": ngettext(
            "%(count)d tugas dalam antrean.", "%(count)d tugas dalam antrean.", waiting
        )
        % {"count": waiting},
    }


@router.get(
    "/health",
    auth=None,
    response={200: HealthOut, 503: HealthOut},
    summary="Health of Benteng and its dependencies",
    description=(
        "No token needed. 200 when every check passes, 503 otherwise, with the same body. "
        "Checks: `database` (a trivial query), `tasks` (the background task backend loads) "
        "and, with the database task backend, `worker` (no task has waited longer than "
        "`BENTENG_TASK_STALE_SECONDS`, 15 minutes by default)."
    ),
    operation_id="health",
)
def health(request: HttpRequest) -> Status[dict[str, Any]]:
    checks = {"database": database_check(), **task_checks()}
    healthy = all(check["ok"] for check in checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "version": benteng_version(),
        "checks": checks,
    }
    return Status(200 if healthy else 503, body)
