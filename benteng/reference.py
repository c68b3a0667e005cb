"""The reference-data framework: configuration every installation needs (regions, agencies,
offices, rules, picklists), kept apart from demo data.

``manage.py seed_reference`` calls ``benteng/<app>/reference_data.py:load_reference()`` of every
Benteng app in INSTALLED_APPS order. Each loader is idempotent and additive: it creates what is
missing and leaves what an administrator changed. It returns a one-line summary.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from django.apps import apps


def reference_loaders() -> list[tuple[str, Callable[[], str]]]:
    loaders = []
    for config in apps.get_app_configs():
        if not config.name.startswith("benteng."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.reference_data")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.reference_data":
                raise
            continue
        loaders.append((config.label, module.load_reference))
    return loaders
