from django.contrib import admin

from benteng.referrals.models import ReferralDeadline


@admin.register(ReferralDeadline)
class ReferralDeadlineAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The deadlines per urgency are reference data (no personal data): administrators keep
    them. Referrals themselves have no admin page: administrators do not read them."""

    list_display = ("urgency", "acknowledge_hours", "first_action_hours")
