"""Pages of referrals: the inboxes, one referral with its timeline and the steps this viewer
may take, the new-referral form (also from a screening record), and the file download.

A role that does not work with referrals gets a 403; a referral the viewer may not see answers
404, like a missing one. Every read is audited by the selectors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from benteng.access import NotVisible, Viewer, access_object
from benteng.accounts.models import User
from benteng.agreements.access import may_read_person_exchanges
from benteng.downloads import private_file_response
from benteng.referrals import selectors, services
from benteng.referrals.access import (
    may_acknowledge_referral,
    may_add_referral_files,
    may_add_referral_subjects,
    may_assign_referral,
    may_close_referral,
    may_comment_on_referral,
    may_open_referrals,
    may_return_referral,
    may_send_referrals,
)
from benteng.referrals.errors import ReferralInvalid, ReferralRefused
from benteng.referrals.forms import (
    AssignForm,
    CloseForm,
    CommentForm,
    FileForm,
    InboxFilterForm,
    ReferralForm,
    ReturnForm,
    SubjectForm,
)
from benteng.referrals.models import OPEN_STATES, EventKind, Referral, ReferralState
from benteng.referrals.services import NEXT_STATES
from benteng.screening.models import DepartureCheck, PassportApplication

PAGE_SIZE = 50
PURPOSE = "rujukan antarinstansi"


def _viewer(request: HttpRequest) -> Viewer:
    user: User = request.user  # type: ignore[assignment]
    return Viewer.for_user(user, purpose=PURPOSE)


def _require(may: Callable[[Viewer], bool], viewer: Viewer) -> None:
    if not may(viewer):
        raise PermissionDenied


def _referral_or_404(viewer: Viewer, pk: int) -> Any:
    try:
        return selectors.referral_get(viewer=viewer, pk=pk)
    except NotVisible:
        raise Http404 from None


@login_required
@require_GET
def inbox(request: HttpRequest) -> TemplateResponse:
    """The office's incoming or outgoing referrals, filtered, a page at a time."""
    viewer = _viewer(request)
    _require(may_open_referrals, viewer)
    form = InboxFilterForm(request.GET or None)
    filters = form.filters()
    page = Paginator(selectors.referral_inbox(viewer=viewer, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = list(page.object_list)
    selectors.referral_list_audit(viewer=viewer, shown=shown, filters=filters)
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "referrals/inbox.html",
        {
            "form": form,
            "filters": filters,
            "referrals": shown,
            "page": page,
            "query": query.urlencode(),
            "can_send": may_send_referrals(viewer),
        },
    )


def _attached_record(viewer: Viewer, request: HttpRequest) -> tuple[str, Any]:
    """The screening record a new referral starts from (``?permohonan=`` / ``?keberangkatan=``),
    read through the screening policy; none when not given."""
    for parameter, model, kind in (
        ("permohonan", PassportApplication, "application"),
        ("keberangkatan", DepartureCheck, "departure"),
    ):
        value = request.GET.get(parameter) or request.POST.get(parameter)
        if value:
            try:
                return kind, access_object(viewer, model, value, purpose=PURPOSE)
            except NotVisible:
                raise Http404 from None
    return "", None


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest) -> HttpResponseBase:
    viewer = _viewer(request)
    _require(may_send_referrals, viewer)
    kind, record = _attached_record(viewer, request)
    offices = services.receiving_offices_for(viewer)
    if request.method == "POST":
        form = ReferralForm(request.POST, request.FILES, offices=offices)
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            try:
                referral = services.referral_send(
                    viewer=viewer,
                    receiving_office=form.receiving_office_chosen(),
                    reason_category=form.cleaned_data["reason_category"],
                    reason=form.cleaned_data["reason"],
                    urgency=form.cleaned_data["urgency"],
                    subjects=[form.subject_input()],
                    application=record if kind == "application" else None,
                    departure_check=record if kind == "departure" else None,
                    files=[(upload, form.cleaned_data["file_description"])] if upload else [],
                )
            except ReferralInvalid as error:
                form.add_service_errors(error.errors)
            else:
                messages.success(
                    request,
                    _("Rujukan %(number)s terkirim ke %(office)s.")
                    % {"number": referral.number, "office": referral.receiving_office.name},
                )
                return redirect("referrals:detail", pk=referral.pk)
    else:
        form = ReferralForm(offices=offices)
    return TemplateResponse(
        request,
        "referrals/new.html",
        {"form": form, "record": record, "record_kind": kind},
    )


def _allows(referral: Referral, state: str) -> bool:
    return state in NEXT_STATES.get(referral.state, frozenset())


def _detail_context(viewer: Viewer, referral: Any, forms: dict[str, Any]) -> dict[str, Any]:
    page = selectors.referral_page(viewer=viewer, referral=referral)
    can = {
        "acknowledge": may_acknowledge_referral(viewer, referral)
        and _allows(referral, ReferralState.ACKNOWLEDGED),
        "assign": may_assign_referral(viewer, referral)
        and _allows(referral, ReferralState.IN_PROGRESS),
        "close": may_close_referral(viewer, referral) and _allows(referral, ReferralState.CLOSED),
        "return": may_return_referral(viewer, referral)
        and _allows(referral, ReferralState.RETURNED),
        "comment": may_comment_on_referral(viewer, referral),
        "file": may_add_referral_files(viewer, referral),
        "subject": may_add_referral_subjects(viewer, referral) and referral.state in OPEN_STATES,
        # Who else received this person's data (the exchange ledger, analysts only).
        "exchanges": may_read_person_exchanges(viewer),
    }
    officers = services.assignable_officers(referral) if can["assign"] else []
    defaults = {
        "assign_form": AssignForm(officers=officers),
        "close_form": CloseForm(),
        "return_form": ReturnForm(),
        "comment_form": CommentForm(),
        "file_form": FileForm(),
        "subject_form": SubjectForm(),
    }
    return {
        **defaults,
        **forms,
        "referral": referral,
        "subjects": page.subjects,
        "files": page.files,
        "events": page.events,
        "comments": [event for event in page.events if event.kind == EventKind.COMMENT],
        "can": can,
        "linked_case": selectors.linked_case_status(viewer=viewer, referral=referral),
        "record": referral.application or referral.departure_check,
        "screening": referral.screening_result,
    }


@login_required
@require_GET
def referral_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    viewer = _viewer(request)
    _require(may_open_referrals, viewer)
    referral = _referral_or_404(viewer, pk)
    return TemplateResponse(request, "referrals/detail.html", _detail_context(viewer, referral, {}))


def _step(
    request: HttpRequest,
    pk: int,
    form_name: str,
    build: Callable[[Any, Viewer], Any],
    act: Callable[[Viewer, Any, Any], Any],
    done: str,
) -> HttpResponseBase:
    """One step from the referral's page: the form, the service, back to the page (or the
    page again with the form's messages and everything typed)."""
    viewer = _viewer(request)
    _require(may_open_referrals, viewer)
    referral = _referral_or_404(viewer, pk)
    form = build(referral, viewer)
    if form.is_valid():
        try:
            act(viewer, referral, form)
        except ReferralRefused:
            raise PermissionDenied from None
        except ReferralInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, done)
            return redirect("referrals:detail", pk=referral.pk)
    context = _detail_context(viewer, referral, {form_name: form})
    # A step the referral's state does not allow is said at the top of the page: its form
    # may not be shown in that state.
    context["step_errors"] = form.non_field_errors()
    return TemplateResponse(request, "referrals/detail.html", context, status=400)


@login_required
@require_POST
def referral_acknowledge(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _step(
        request,
        pk,
        "acknowledge_form",
        lambda referral, viewer: CommentForm(request.POST),
        lambda viewer, referral, form: services.referral_acknowledge(
            viewer=viewer, referral=referral
        ),
        _("Rujukan diterima."),
    )


@login_required
@require_POST
def referral_assign(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _step(
        request,
        pk,
        "assign_form",
        lambda referral, viewer: AssignForm(
            request.POST, officers=services.assignable_officers(referral)
        ),
        lambda viewer, referral, form: services.referral_assign(
            viewer=viewer, referral=referral, assignee=form.assignee_chosen()
        ),
        _("Petugas yang menangani sudah ditetapkan."),
    )


@login_required
@require_POST
def referral_close(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _step(
        request,
        pk,
        "close_form",
        lambda referral, viewer: CloseForm(request.POST),
        lambda viewer, referral, form: services.referral_close(
            viewer=viewer,
            referral=referral,
            outcome=form.cleaned_data["outcome"],
            lp_number=form.cleaned_data["lp_number"],
            lp_date=form.cleaned_data["lp_date"],
            passed_to=form.cleaned_data["passed_to"],
            note=form.cleaned_data["note"],
            case_kind=form.cleaned_data["kind"],
            case_modus=form.cleaned_data["modus"],
        ),
        _("Rujukan diselesaikan."),
    )


@login_required
@require_POST
def referral_return(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _step(
        request,
        pk,
        "return_form",
        lambda referral, viewer: ReturnForm(request.POST),
        lambda viewer, referral, form: services.referral_return(
            viewer=viewer, referral=referral, reason=form.cleaned_data["return_reason"]
        ),
        _("Rujukan dikembalikan kepada pengirim."),
    )


@login_required
@require_POST
def referral_comment(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _step(
        request,
        pk,
        "comment_form",
        lambda referral, viewer: CommentForm(request.POST),
        lambda viewer, referral, form: services.referral_comment(
            viewer=viewer, referral=referral, text=form.cleaned_data["text"]
        ),
        _("Komentar terkirim."),
    )


@login_required
@require_POST
def referral_file_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _step(
        request,
        pk,
        "file_form",
        lambda referral, viewer: FileForm(request.POST, request.FILES),
        lambda viewer, referral, form: services.referral_file_add(
            viewer=viewer,
            referral=referral,
            upload=form.cleaned_data.get("file"),
            description=form.cleaned_data["description"],
        ),
        _("Berkas dilampirkan."),
    )


@login_required
@require_POST
def referral_subject_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _step(
        request,
        pk,
        "subject_form",
        lambda referral, viewer: SubjectForm(request.POST),
        lambda viewer, referral, form: services.referral_subject_add(
            viewer=viewer, referral=referral, subject=form.subject_input()
        ),
        _("Orang ditambahkan ke rujukan."),
    )


@login_required
@require_GET
def referral_file_download(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """The file as an attachment, never shown inline from the site's origin."""
    viewer = _viewer(request)
    _require(may_open_referrals, viewer)
    referral = _referral_or_404(viewer, pk)
    try:
        stored = selectors.referral_file_get(viewer=viewer, referral=referral, file_pk=file_pk)
    except NotVisible:
        raise Http404 from None
    return private_file_response(
        stored.content,
        filename=stored.original_name or f"berkas-{stored.pk}",
        content_type=stored.content_type,
    )
