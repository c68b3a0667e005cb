from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from benteng.access.viewer import Viewer, ViewerKind
from benteng.accounts.models import User
from benteng.notifications.access import may_read_notifications
from benteng.notifications.selectors import notification_unread_count
from benteng.web.navigation import navigation_for

# Views that a signed-in person may open before passing the second factor show no navigation:
# every other page would send them back to the second factor anyway.
_PAGES_WITHOUT_NAVIGATION = frozenset(
    {"login", "two_factor_setup", "two_factor_verify", "two_factor_qr"}
)


def shell(request: HttpRequest) -> dict[str, Any]:
    """What every page's layout needs: the demo flag and the navigation for this person."""
    context: dict[str, Any] = {"demo_mode": settings.DEMO_MODE, "navigation": []}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    match = getattr(request, "resolver_match", None)
    section = ""
    if match is not None and match.namespace == "web":
        if match.url_name in _PAGES_WITHOUT_NAVIGATION:
            return context
        # "regions_detail" belongs to the "regions" entry.
        section = (match.url_name or "").split("_")[0]
    elif match is not None:
        # Pages of other apps belong to the entry named after their URL namespace.
        section = match.namespace or ""
    context["navigation"] = navigation_for(user, current_section=section, current_path=request.path)
    context.update(_notifications(user))
    return context


def _notifications(user: User) -> dict[str, Any]:
    """The link to one's notifications and the unread count (one query) for the header."""
    if not may_read_notifications(Viewer(kind=ViewerKind.USER, role=user.role, user_id=user.pk)):
        return {}
    return {
        "notifications_url": reverse("notifications:list"),
        "unread_notifications": notification_unread_count(user=user),
    }
