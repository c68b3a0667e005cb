"""GET /api/v1/health: 200 when the database and task backend are fine, 503 otherwise."""

from __future__ import annotations

import tomllib
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from benteng.api import health
from benteng.api.health import benteng_version

pytestmark = pytest.mark.django_db

HEALTH_URL = "/api/v1/health"


def test_health_ok_without_a_token(client: Client) -> None:
    # when
    response = client.get(HEALTH_URL)
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == benteng_version()
    assert set(body["checks"]) == {"database", "tasks", "worker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert "DatabaseBackend" in body["checks"]["tasks"]["detail"]


def test_version_is_the_projects(settings) -> None:
    with (settings.BASE_DIR / "pyproject.toml").open("rb") as file:
        declared = tomllib.load(file)["project"]["version"]
    assert benteng_version() == declared


def test_database_down_is_503_with_same_shape(client: Client, monkeypatch) -> None:
    # given
    class BrokenConnection:
        def cursor(self):  # type: ignore[no-untyped-def]
            raise OperationalError("synthetic: connection refused")

    monkeypatch.setattr(health, "connection", BrokenConnection())
    # when
    response = client.get(HEALTH_URL)
    # then
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "detail": "Basis data tidak menjawab."}
    assert "synthetic" not in response.content.decode()


def test_task_backend_that_cannot_load_is_503(client: Client, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "benteng.no_such_module.Backend"}}
    response = client.get(HEALTH_URL)
    assert response.status_code == 503
    assert response.json()["checks"]["tasks"]["ok"] is False


def test_other_task_backend_has_no_worker_check(client: Client, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    body = client.get(HEALTH_URL).json()
    assert set(body["checks"]) == {"database", "tasks"}
    assert body["status"] == "ok"


def _queued_task(*, waited: timedelta) -> DBTaskResult:
    task = DBTaskResult.objects.create(
        status="READY",
        args_kwargs={"args": [], "kwargs": {}},
        priority=0,
        task_path="benteng.tests.synthetic_task",
        queue_name="default",
        backend_name="default",
        run_after=get_date_max(),
        exception_class_path="",
        traceback="",
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - waited)
    return task


def test_recent_queue_is_healthy(client: Client) -> None:
    _queued_task(waited=timedelta(minutes=1))
    body = client.get(HEALTH_URL).json()
    assert body["checks"]["worker"] == {"ok": True, "detail": "1 tugas dalam antrean."}


def test_stale_queue_means_no_worker_and_503(client: Client) -> None:
    # given
    _queued_task(waited=timedelta(hours=1))
    # when
    response = client.get(HEALTH_URL)
    # then
    assert response.status_code == 503
    worker = response.json()["checks"]["worker"]
    assert worker["ok"] is False
    assert "db_worker" in worker["detail"]
