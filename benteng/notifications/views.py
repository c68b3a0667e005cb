"""Pages of one's own notifications: the list, following a link, clearing, the e-mail setting.

Everyone signed in has this page and sees only their own notifications; another person's
notification answers 404 exactly like a missing one, for administrators too. Following a
notification's link is a GET (it is also the link in the e-mail) that marks it read; clearing
one or all is a POST with the CSRF token.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from benteng.access.policy import NotVisible
from benteng.access.viewer import Viewer
from benteng.accounts.models import User
from benteng.audit.services import audit_record_list
from benteng.notifications.access import may_read_notifications
from benteng.notifications.forms import NotificationPreferenceForm
from benteng.notifications.models import Notification
from benteng.notifications.selectors import (
    notification_list,
    notification_preference_of,
    notification_rows,
)
from benteng.notifications.services import (
    notification_mark_all_read,
    notification_mark_read,
    notification_open,
    notification_preference_update,
)

PAGE_SIZE = 20
PURPOSE = "notifikasi sendiri"


def _viewer(request: HttpRequest) -> Viewer:
    user: User = request.user  # type: ignore[assignment]
    viewer = Viewer.for_user(user, purpose=PURPOSE)
    if not may_read_notifications(viewer):
        raise PermissionDenied
    return viewer


def _list_page(
    request: HttpRequest, viewer: Viewer, form: NotificationPreferenceForm
) -> TemplateResponse:
    page = Paginator(notification_list(viewer=viewer), PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    # The notifications name referrals and cases, records about people: showing them is a
    # read of the viewer's own notifications, kept in the trail by id like every list.
    audit_record_list(viewer=viewer, model=Notification, objects=shown)
    return TemplateResponse(
        request,
        "notifications/list.html",
        {
            "page": page,
            "rows": notification_rows(shown),
            "has_unread": notification_list(viewer=viewer).filter(read_at__isnull=True).exists(),
            "form": form,
            "query": "",
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
@require_GET
def notifications_list(request: HttpRequest) -> TemplateResponse:
    viewer = _viewer(request)
    preference = notification_preference_of(viewer=viewer)
    form = NotificationPreferenceForm(
        initial={"email_enabled": preference.email_enabled, "language": preference.language}
    )
    return _list_page(request, viewer, form)


@login_required
@require_GET
def notification_follow(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Open a notification: mark it read and go to the page it is about."""
    viewer = _viewer(request)
    try:
        notification = notification_open(viewer=viewer, notification_id=pk)
    except NotVisible as error:
        raise Http404 from error
    if url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(notification.link)
    return redirect("notifications:list")


def _back_to_list(request: HttpRequest) -> HttpResponseRedirect:
    page = request.POST.get("page", "")
    target = reverse("notifications:list")
    if page.isdigit():
        target = f"{target}?page={page}"
    return HttpResponseRedirect(target)


@login_required
@require_POST
def notification_clear(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    viewer = _viewer(request)
    try:
        notification_mark_read(viewer=viewer, notification_id=pk)
    except NotVisible as error:
        raise Http404 from error
    return _back_to_list(request)


@login_required
@require_POST
def notifications_clear_all(request: HttpRequest) -> HttpResponseRedirect:
    viewer = _viewer(request)
    cleared = notification_mark_all_read(viewer=viewer)
    if cleared:
        messages.success(request, _("Semua notifikasi ditandai sudah dibaca."))
    return _back_to_list(request)


@login_required
@require_POST
def notification_settings(request: HttpRequest) -> Any:
    viewer = _viewer(request)
    form = NotificationPreferenceForm(request.POST)
    if not form.is_valid():
        return _list_page(request, viewer, form)
    notification_preference_update(
        viewer=viewer,
        email_enabled=form.cleaned_data["email_enabled"],
        language=form.cleaned_data["language"],
    )
    messages.success(request, _("Pengaturan notifikasi disimpan."))
    return redirect("notifications:list")
