"""The referrals app's identity source: the people referrals are about, in the earlier-events
part of the screening index (registered from ``ReferralsConfig.ready``), so they can be linked
to the same person's applications, departures and watchlist entries. Screening's own earlier
events read only its own sources; whoever shows a referral subject found in the index reads it
through the referral's policy."""

from __future__ import annotations

from benteng.people.sources import EVENTS, IdentitySource
from benteng.referrals.models import ReferralSubject

REFERRAL_SUBJECTS = IdentitySource(ReferralSubject, prefix="r", part=EVENTS)

SOURCES = [REFERRAL_SUBJECTS]
