"""Pages of the application shell: sign-in, the second factor, home, directory and reference.

Views parse, authorise, call a selector or service, and render. Staff accounts are personal
data: they are read only through ``visible_to``/``access_object`` and every read is audited.
Regions and offices are reference data, not personal data.
"""

from __future__ import annotations

import re
from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from benteng.access import NotVisible, Viewer, access_object, redact
from benteng.accounts.access import may_administer, may_read_aggregates_only
from benteng.accounts.lockout import (
    UNKNOWN_USERNAME,
    account_username_if_exists,
    backoff_failure_record,
    backoff_forget,
    backoff_wait_seconds,
)
from benteng.accounts.models import VILLAGE_ROLES, Office, Role, User
from benteng.accounts.selectors import coverage_assigning_region
from benteng.accounts.services import user_password_choose
from benteng.accounts.twofactor import enrolment_code_redeem, two_factor_required
from benteng.audit.client import client_address
from benteng.audit.models import AuditAction
from benteng.audit.services import (
    Actor,
    actor_for_viewer,
    audit_record,
    audit_record_list,
)
from benteng.regions.models import Region, RegionLevel
from benteng.regions.selectors import region_get, region_search
from benteng.web import selectors
from benteng.web.forms import (
    ChosenPasswordForm,
    DirectorySearchForm,
    EnrolmentForm,
    LoginForm,
    RegionSearchForm,
    TokenForm,
)
from benteng.web.roles import ROLE_PURPOSES
from benteng.web.worktiles import HANDED_OVER_ANCHOR, departures_handed_over, work_tiles

DIRECTORY_PAGE_SIZE = 50
# Larger ids cannot exist and would overflow the database's integer (a 500 instead of a 404).
MAX_PRIMARY_KEY = 2**63 - 1
REGION_RESULTS_LIMIT = 50
# Kemendagri codes: 36, 36.01, 36.01.01, 36.01.01.2001.
REGION_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
CODE_PREFIX = re.compile(r"^[\d.]+$")
# The fields of a staff account a detail page may show, in display order.
ACCOUNT_FIELDS = [
    "full_name",
    "username",
    "role",
    "office",
    "employee_number",
    "email",
    "phone",
    "is_active",
    "last_login",
    "date_joined",
]


# --- helpers -----------------------------------------------------------------------------


def _actor_for_user(user: User) -> Actor:
    return actor_for_viewer(Viewer.for_user(user))


def _safe_next(request: HttpRequest) -> str:
    """The page to continue to after signing in, if it is one of ours; home otherwise."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("web:home")


def _with_next(url_name: str, next_url: str) -> str:
    url = reverse(url_name)
    if next_url and next_url != reverse("web:home"):
        url = f"{url}?{urlencode({'next': next_url})}"
    return url


def _is_verified(user: User) -> bool:
    """Whether this session passed the second factor (set by django-otp's middleware)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False


def _has_confirmed_device(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def _second_factor_url(user: User, next_url: str) -> str | None:
    """Where a freshly signed-in person goes for the second factor, or None if not needed."""
    if _is_verified(user) or not two_factor_required(user):
        return None
    if _has_confirmed_device(user):
        return _with_next("web:two_factor_verify", next_url)
    return _with_next("web:two_factor_setup", next_url)


def _pending_device(user: User) -> TOTPDevice:
    """The not yet confirmed authenticator being enrolled; created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Benteng", confirmed=False)
    return device


def _readable_secret(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _token_error(*, throttled: bool) -> str:
    if throttled:
        return _(
            "Terlalu banyak kode yang salah. Tunggu beberapa detik, lalu masukkan kode terbaru."
        )
    return _(
        "Kode salah atau sudah kedaluwarsa. Pastikan jam ponsel Anda tepat, lalu masukkan "
        "kode yang sedang tampil."
    )


def _is_throttled(device: TOTPDevice) -> bool:
    """django-otp refuses codes for a growing delay after each wrong one."""
    allowed, _details = device.verify_is_allowed()
    return not allowed


def _audit_two_factor(request: HttpRequest, user: User, *, step: str, success: bool) -> None:
    audit_record(
        actor=_actor_for_user(user),
        action=AuditAction.TWO_FACTOR,
        object_type="accounts.user",
        object_ids=[user.pk],
        detail={"step": step, "result": "success" if success else "failure"},
        ip_address=client_address(request),
    )


# --- sign-in, sign-out and the second factor ---------------------------------------------


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponseBase:
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        user: User = request.user
        return redirect(_second_factor_url(user, next_url) or next_url)
    if request.method == "POST":
        wait = backoff_wait_seconds(account_username_if_exists(_typed_username(request)))
        if wait:
            return _login_backoff(request, next_url, wait)
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            backoff_forget(user.username)
            auth_login(request, user)
            pending = _password_change_url(user, next_url) or _second_factor_url(user, next_url)
            audit_record(
                actor=_actor_for_user(user),
                action=AuditAction.LOGIN,
                object_type="accounts.user",
                object_ids=[user.pk],
                detail={"second_factor": "pending" if pending else "not_required"},
                ip_address=client_address(request),
            )
            return redirect(pending or next_url)
        username = _typed_username(request)
        if username:
            # A typed name that is no account is often a password typed in the wrong box:
            # nothing derived from it (no hash, no prefix) is kept.
            account = account_username_if_exists(username)
            if form.has_error(NON_FIELD_ERRORS, "invalid_login"):
                backoff_failure_record(account)
            audit_record(
                actor=Actor(user_id=None, label=account or UNKNOWN_USERNAME),
                action=AuditAction.LOGIN_FAILED,
                detail={"locked_out": bool(getattr(request, "axes_locked_out", False))},
                ip_address=client_address(request),
            )
    return TemplateResponse(
        request,
        "web/login.html",
        {"form": form, "next": next_url, "failure_limit": settings.AXES_FAILURE_LIMIT},
    )


def _typed_username(request: HttpRequest) -> str:
    return (request.POST.get("username") or "").strip()


def _login_backoff(request: HttpRequest, next_url: str, wait: int) -> TemplateResponse:
    """Too many failures for this account from several addresses: refused without trying the
    password (and without counting a failure), the typed name kept, the refusal audited."""
    username = _typed_username(request)
    audit_record(
        actor=Actor(user_id=None, label=account_username_if_exists(username) or UNKNOWN_USERNAME),
        action=AuditAction.LOGIN_FAILED,
        detail={"locked_out": False, "backoff_seconds": wait},
        ip_address=client_address(request),
    )
    message = _(
        "Terlalu banyak percobaan masuk yang gagal untuk akun ini. Demi keamanan, tunggu "
        "%(seconds)d detik lalu coba lagi."
    ) % {"seconds": wait}
    return TemplateResponse(
        request,
        "web/login.html",
        {
            "form": LoginForm(request, initial={"username": username}),
            "next": next_url,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "backoff_message": message,
        },
        status=429,
    )


def _password_change_url(user: User, next_url: str) -> str | None:
    """Where a person whose password an administrator set goes first, or None."""
    return _with_next("web:password_change", next_url) if user.must_change_password else None


@sensitive_post_parameters("new_password1", "new_password2")
@login_required
@never_cache
def password_change(request: HttpRequest) -> HttpResponseBase:
    """A password an administrator set is replaced by one its owner chooses, before anything
    else (``TwoFactorRequiredMiddleware``); then the second factor is enrolled again."""
    user: User = request.user  # type: ignore[assignment]
    next_url = _safe_next(request)
    if not user.must_change_password:
        return redirect(next_url)
    form = ChosenPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        account = User.objects.get(pk=user.pk)  # the model itself, not the request's proxy
        user_password_choose(user=account, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, account)
        messages.success(request, _("Kata sandi baru Anda sudah disimpan."))
        return redirect(_second_factor_url(user, next_url) or next_url)
    return TemplateResponse(request, "web/password_change.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        user: User = request.user
        audit_record(
            actor=_actor_for_user(user),
            action=AuditAction.LOGOUT,
            object_type="accounts.user",
            object_ids=[user.pk],
            ip_address=client_address(request),
        )
        auth_logout(request)
        messages.success(request, _("Anda telah keluar. Sampai jumpa."))
    return redirect("web:login")


@login_required
@never_cache
def two_factor_setup(request: HttpRequest) -> HttpResponseBase:
    """First sign-in: show a new authenticator secret and confirm it with a first code."""
    user: User = request.user  # type: ignore[assignment]
    next_url = _safe_next(request)
    if _is_verified(user) or not two_factor_required(user):
        # Only roles that must pass the second factor enrol: an authenticator that sign-in
        # never asked for would be a false sense of safety.
        return redirect(next_url)
    if _has_confirmed_device(user):
        # Enrolling a second authenticator needs the first one: a password alone never adds one.
        return redirect(_with_next("web:two_factor_verify", next_url))
    device = _pending_device(user)
    form = EnrolmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        throttled = _is_throttled(device)
        if not device.verify_token(form.cleaned_data["token"]):
            form.add_error("token", _token_error(throttled=throttled))
        elif not enrolment_code_redeem(user=user, code=form.cleaned_data["enrolment_code"]):
            form.add_error(
                "enrolment_code",
                _(
                    "Kode pendaftaran salah, sudah dipakai atau kedaluwarsa. Mintalah kode "
                    "baru kepada administrator kantor Anda."
                ),
            )
        else:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            User.objects.filter(pk=user.pk).update(password_set_by=None)
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            otp_login(request, device)
            _audit_two_factor(request, user, step="enrolment", success=True)
            messages.success(request, _("Verifikasi dua langkah sudah aktif untuk akun Anda."))
            return redirect(next_url)
        _audit_two_factor(request, user, step="enrolment", success=False)
    return TemplateResponse(
        request,
        "web/two_factor_setup.html",
        {
            "form": form,
            "secret": _readable_secret(device),
            "issuer": settings.OTP_TOTP_ISSUER,
            "next": next_url,
        },
    )


@login_required
@never_cache
@require_GET
def two_factor_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the authenticator being enrolled, as an SVG image."""
    user: User = request.user  # type: ignore[assignment]
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        raise Http404
    image = qrcode.make(
        device.config_url,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        box_size=10,
        border=4,
    )
    response = HttpResponse(image.to_string(encoding="unicode"), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@never_cache
def two_factor_verify(request: HttpRequest) -> HttpResponseBase:
    """Later sign-ins: the code of the enrolled authenticator."""
    user: User = request.user  # type: ignore[assignment]
    next_url = _safe_next(request)
    if _is_verified(user):
        return redirect(next_url)
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"))
    if not devices:
        return redirect(_with_next("web:two_factor_setup", next_url))
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        throttled = all(_is_throttled(device) for device in devices)
        for device in devices:
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                _audit_two_factor(request, user, step="verification", success=True)
                return redirect(next_url)
        _audit_two_factor(request, user, step="verification", success=False)
        form.add_error("token", _token_error(throttled=throttled))
    return TemplateResponse(request, "web/two_factor_verify.html", {"form": form, "next": next_url})


# --- home --------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> TemplateResponse:
    user: User = request.user  # type: ignore[assignment]
    viewer = Viewer.for_user(user, purpose=selectors.AGGREGATE_PURPOSE)
    context: dict[str, Any] = {
        "role_label": Role(user.role).label if user.role in Role.values else "",
        "role_purpose": ROLE_PURPOSES.get(user.role, ""),
        "is_leadership": may_read_aggregates_only(viewer),
        "is_admin": may_administer(viewer),
        "is_village_role": user.role in VILLAGE_ROLES,
        "villages_are_guided": user.role == Role.PIMPASA,
        "viewer": viewer,
    }
    if context["is_leadership"]:
        # Leadership: aggregates only, no names of anybody.
        context["offices_per_agency"] = selectors.offices_per_agency()
        context["staff_per_agency"] = selectors.staff_per_agency()
        context["villages_per_regency"] = selectors.villages_per_regency()
    elif context["is_admin"]:
        context["users_per_role"] = selectors.users_per_role(viewer=viewer)
        context["locked_out"] = selectors.locked_out_account_count()
        context["audit_today"] = selectors.audit_entries_today()
        context["audit_chain"] = selectors.audit_chain_status()
        context["api_clients"] = selectors.active_api_client_count()
        context["offices_per_agency"] = selectors.offices_per_agency()
    if not context["is_leadership"] and user.office is not None:
        context["office_summary"] = selectors.office_summary(viewer=viewer, office=user.office)
        context["agency_offices"] = selectors.agency_office_counts(agency=user.office.agency)
    if user.role in VILLAGE_ROLES:
        context["villages"] = selectors.villages_of_user(user=user)
    # The tiles count and list personal-data records: read with the person's own viewer.
    worker = Viewer.for_user(user, purpose="pekerjaan di beranda")
    context["work_tiles"] = work_tiles(worker)
    context["handed_over"] = departures_handed_over(worker)
    context["handed_over_anchor"] = HANDED_OVER_ANCHOR
    return TemplateResponse(request, "web/home.html", context)


# --- own account and the staff directory -------------------------------------------------


def _account_rows(values: dict[str, Any]) -> list[dict[str, Any]]:
    """Label, value and display kind of each visible field, in ACCOUNT_FIELDS order."""
    rows = []
    for name in ACCOUNT_FIELDS:
        if name not in values:
            continue
        label = getattr(User._meta.get_field(name), "verbose_name", name)
        value = values[name]
        kind = "text"
        if name == "role":
            value = Role(value).label if value in Role.values else value
        elif isinstance(value, bool):
            kind = "bool"
        elif name in {"last_login", "date_joined"}:
            kind = "datetime"
        rows.append({"label": label, "value": value, "kind": kind})
    return rows


@login_required
def profile(request: HttpRequest) -> TemplateResponse:
    user: User = request.user  # type: ignore[assignment]
    viewer = Viewer.for_user(user, purpose="melihat profil sendiri")
    account = access_object(
        viewer, User, user.pk, queryset=User.objects.select_related("office__agency")
    )
    return TemplateResponse(
        request,
        "web/profile.html",
        {
            "account": account,
            "rows": _account_rows(redact(viewer, account, ACCOUNT_FIELDS)),
            "villages": selectors.villages_of_user(user=account),
            "has_authenticator": _has_confirmed_device(account),
            "two_factor_required": two_factor_required(account),
        },
    )


@login_required
def directory(request: HttpRequest) -> TemplateResponse:
    user: User = request.user  # type: ignore[assignment]
    viewer = Viewer.for_user(user, purpose="direktori rekan kerja")
    form = DirectorySearchForm(request.GET or None)
    accounts = (
        User.objects.visible_to(viewer)
        .filter(is_active=True)
        .select_related("office")
        .order_by("full_name", "username")
    )
    if form.is_valid():
        if form.cleaned_data["q"]:
            accounts = accounts.filter(full_name__icontains=form.cleaned_data["q"].strip())
        if form.cleaned_data["role"]:
            accounts = accounts.filter(role=form.cleaned_data["role"])
    page = Paginator(accounts, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    terms = form.cleaned_data if form.is_valid() else {}
    audit_record_list(
        viewer=viewer,
        model=User,
        objects=shown,
        search={"q": terms.get("q", ""), "role": terms.get("role", "")},
    )
    rows = []
    for account in shown:
        values = redact(viewer, account, ["id", "full_name", "username", "role", "office"])
        rows.append(
            {
                "id": account.pk,
                "name": values.get("full_name") or values.get("username", ""),
                "role": Role(values["role"]).label if values.get("role") in Role.values else "",
                "office": values.get("office"),
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "web/directory.html",
        {"form": form, "rows": rows, "page": page, "query": query.urlencode()},
    )


@login_required
def directory_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    if pk == user.pk:
        return redirect("web:profile")
    if pk > MAX_PRIMARY_KEY:
        raise Http404
    viewer = Viewer.for_user(user, purpose="direktori rekan kerja")
    try:
        account = access_object(viewer, User, pk, queryset=User.objects.select_related("office"))
    except NotVisible:
        raise Http404 from None
    return TemplateResponse(
        request,
        "web/directory_detail.html",
        {"account": account, "rows": _account_rows(redact(viewer, account, ACCOUNT_FIELDS))},
    )


# --- reference data: regions and offices -------------------------------------------------


def _with_parent_labels(regions: list[Region]) -> list[dict[str, Any]]:
    """Each region with the names of its kecamatan and kabupaten/kota, in one extra query."""
    codes = {code for region in regions for code in region.ancestor_codes()}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return [
        {
            "region": region,
            "parents": [
                names[code]
                for code in reversed(region.ancestor_codes())
                if code in names and code.count(".") > 0
            ],
        }
        for region in regions
    ]


@login_required
def regions(request: HttpRequest) -> HttpResponseBase:
    form = RegionSearchForm(request.GET or None)
    query = ""
    results: list[dict[str, Any]] = []
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
    if query and REGION_CODE.match(query):
        region = region_get(code=query)
        if region is not None and not request.htmx:  # type: ignore[attr-defined]
            return redirect("web:regions_detail", code=region.code)
        results = _with_parent_labels([region] if region else [])
    elif query and CODE_PREFIX.match(query):
        # Part of a code while typing ("36.03.0"): the regions whose code starts with it.
        prefix_matches = Region.objects.filter(code__startswith=query).order_by("code")
        results = _with_parent_labels(list(prefix_matches[:REGION_RESULTS_LIMIT]))
    elif query:
        results = _with_parent_labels(region_search(text=query, limit=REGION_RESULTS_LIMIT))
    context = {
        "form": form,
        "query": query,
        "results": results,
        "result_limit": REGION_RESULTS_LIMIT,
        "provinces": Region.objects.filter(level=RegionLevel.PROVINSI)
        .prefetch_related(
            Prefetch(
                "children",
                queryset=Region.objects.annotate(child_count=Count("children")).order_by("code"),
            )
        )
        .order_by("code"),
    }
    template = "web/regions.html#results" if request.htmx else "web/regions.html"  # type: ignore[attr-defined]
    return TemplateResponse(request, template, context)


@login_required
def regions_detail(request: HttpRequest, code: str) -> TemplateResponse:
    region = get_object_or_404(Region, code=code)
    ancestors = region.ancestors()
    children = list(region.children.annotate(child_count=Count("children")).order_by("code"))
    village_count = Region.objects.villages().within(region.code).exclude(code=region.code).count()
    covering = list(
        coverage_assigning_region(region=region)
        .select_related("office__agency", "region")
        .order_by("office__agency__kind", "office__name")
    )
    return TemplateResponse(
        request,
        "web/regions_detail.html",
        {
            "region": region,
            "ancestors": ancestors,
            "children": children,
            "village_count": village_count,
            "covering": covering,
        },
    )


@login_required
def offices(request: HttpRequest) -> TemplateResponse:
    office_list = (
        Office.objects.filter(is_active=True)
        .select_related("agency", "parent", "seat")
        .annotate(coverage_count=Count("coverage"))
        .order_by("agency__kind", "kind", "name")
    )
    return TemplateResponse(request, "web/offices.html", {"offices": office_list})


@login_required
def offices_detail(request: HttpRequest, code: str) -> TemplateResponse:
    user: User = request.user  # type: ignore[assignment]
    office = get_object_or_404(Office.objects.select_related("agency", "parent", "seat"), code=code)
    viewer = Viewer.for_user(user, purpose=selectors.AGGREGATE_PURPOSE)
    summary = selectors.office_summary(viewer=viewer, office=office)
    return TemplateResponse(
        request,
        "web/offices_detail.html",
        {
            "office": office,
            "summary": summary,
            "children": office.children.filter(is_active=True).order_by("kind", "name"),
            "is_own_office": office.pk == user.office_id or may_administer(viewer),
        },
    )
