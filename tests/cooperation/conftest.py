"""Cooperation tests: files go to a folder of the test's own."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.REFERRAL_FILES_ROOT = tmp_path / "private"
    return settings.REFERRAL_FILES_ROOT
