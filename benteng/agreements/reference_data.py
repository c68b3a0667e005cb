"""The Banten cooperation agreement (PKS of 19 Nov 2025) every installation starts with."""

from __future__ import annotations

from benteng.agreements.catalogue import INSTALLED, agreement_ensure


def load_reference() -> str:
    made = sum(agreement_ensure(spec)[1] for spec in INSTALLED)
    return f"perjanjian kerja sama: {made} dibuat, {len(INSTALLED) - made} sudah ada"
