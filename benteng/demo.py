"""The demo-data framework: each app adds its own synthetic records.

``manage.py seed_demo`` imports ``benteng.<app>.demo`` for every Benteng app, in the order of
INSTALLED_APPS, and calls its ``seed_demo(context)``. Every step must be idempotent (a second
run finds what it made and keeps what users entered since) and synthetic only (Faker's
``id_ID`` locale, seeded, so every machine gets the same demo).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from faker import Faker

DEMO_PASSWORD = "Benteng-Demo-2026"  # noqa: S105 - printed on purpose; demo accounts only


@dataclass
class DemoAccount:
    username: str
    role: str
    office: str
    full_name: str


@dataclass
class DemoContext:
    faker: Faker = field(default_factory=lambda: _seeded_faker())
    password: str = DEMO_PASSWORD
    accounts: list[DemoAccount] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    shared: dict[str, Any] = field(default_factory=dict)


def _seeded_faker() -> Faker:
    faker = Faker("id_ID")
    faker.seed_instance(2025_11_19)  # the day the cooperation agreement was signed
    return faker


def demo_steps() -> list[tuple[str, Any]]:
    steps = []
    for config in apps.get_app_configs():
        if not config.name.startswith("benteng."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        steps.append((config.label, module.seed_demo))
    return steps


def seed_all_demo() -> DemoContext:
    context = DemoContext()
    for _label, step in demo_steps():
        step(context)
    return context
