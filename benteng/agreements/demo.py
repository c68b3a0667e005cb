"""Demo agreements: the Banten PKS, an agreement with BP3MI Banten and the Desa Binaan
arrangement, so that the referrals' demo (later in INSTALLED_APPS) sends under them and its
referrals appear in the exchange ledger."""

from __future__ import annotations

from benteng.agreements.catalogue import DEMO, agreement_ensure
from benteng.demo import DemoContext


def seed_demo(context: DemoContext) -> None:
    made = sum(agreement_ensure(spec)[1] for spec in DEMO)
    context.notes.append(
        f"Perjanjian kerja sama: {len(DEMO)} ({made} baru), buku pertukaran data di /pertukaran/"
    )
