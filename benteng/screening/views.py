"""Pages of screening: the counter, the result, the interview and decision, the lists, and the
TPI departure check.

Views parse, authorise, call one service or selector, and render. A role that does not use a
page gets a 403; an application or check the viewer may not see answers 404, exactly like a
missing one. Every read of personal data is audited (``access_object`` for one record, an
audit ``list`` entry for a list page).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from benteng.access import NotVisible, Viewer, access_object
from benteng.accounts.models import User
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_read
from benteng.screening import worklists
from benteng.screening.access import (
    may_decide_applications,
    may_decide_departures,
    may_open_applications,
    may_open_departures,
    may_read_decision_oversight,
    may_read_referred,
    may_screen_applications,
    may_screen_departures,
)
from benteng.screening.amendments import amendment_context, is_void
from benteng.screening.decisions import (
    DecisionInvalid,
    DecisionRefused,
    application_decide,
    decision_warnings,
    default_due_date,
    departure_decide,
)
from benteng.screening.forms import (
    ApplicationFilterForm,
    ApplicationForm,
    ContactFormSet,
    DecisionForm,
    DepartureDecisionForm,
    DepartureFilterForm,
    DepartureForm,
    add_service_errors,
    desa_choices,
)
from benteng.screening.hooks import record_panels
from benteng.screening.models import (
    ApplicationStatus,
    ContactRelation,
    DecisionOutcome,
    DepartureCheck,
    DepartureDecision,
    DepartureOutcome,
    PassportApplication,
    ScreeningResult,
)
from benteng.screening.selectors import screening_list_audit
from benteng.screening.services import (
    IdempotencyKeyReused,
    ScreeningInputInvalid,
    application_screen,
    departure_screen,
    outcome_from_result,
)

PAGE_SIZE = 50
PURPOSE = "penyaringan"
DECISION_PURPOSE = "wawancara dan keputusan permohonan paspor"


# --- helpers -------------------------------------------------------------------------------


def _viewer(request: HttpRequest, purpose: str = PURPOSE) -> Viewer:
    user: User = request.user  # type: ignore[assignment]
    return Viewer.for_user(user, purpose=purpose)


def _require(may: Callable[[Viewer], bool], viewer: Viewer) -> None:
    """A page the viewer's role does not use answers 403."""
    if not may(viewer):
        raise PermissionDenied


def _application_or_404(viewer: Viewer, pk: int) -> PassportApplication:
    try:
        return access_object(
            viewer,
            PassportApplication,
            pk,
            queryset=worklists.application_with_history(viewer=viewer),
        )
    except NotVisible:
        raise Http404 from None


def _check_or_404(viewer: Viewer, pk: int) -> DepartureCheck:
    try:
        return access_object(
            viewer,
            DepartureCheck,
            pk,
            queryset=DepartureCheck.objects.select_related("office", "checked_by"),
        )
    except NotVisible:
        raise Http404 from None


def _result_view(viewer: Viewer, record: Any, result: ScreeningResult | None) -> Any:
    """The screening as this viewer may see it (the service's own projection)."""
    if result is None:
        return None
    return outcome_from_result(viewer=viewer, record=record, result=result)


def _questions(result: ScreeningResult | None) -> list[str]:
    """The interview questions the fired indicators suggest, each once, in order."""
    questions: list[str] = []
    for indicator in (result.indicators if result else []) or []:
        for question in indicator.get("questions", []):
            if question and question not in questions:
                questions.append(question)
    return questions


def _with_fresh_key(form_class: Any, request: HttpRequest) -> Any:
    """The posted form again, with a new idempotency key and a word on why.

    The key was used for a screening with other values: the officer went back in the browser
    and changed the form after it had been sent. Sending again screens the new values.
    """
    data = request.POST.copy()
    data["idempotency_key"] = uuid.uuid4().hex
    form = form_class(data)
    form.is_valid()
    form.add_error(
        None,
        _(
            "Formulir ini sudah pernah dikirim dengan isi yang berbeda. Periksa isiannya, lalu "
            "kirim lagi untuk menyaring data yang baru."
        ),
    )
    return form


# --- the counter ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def counter(request: HttpRequest) -> HttpResponseBase:
    """The application form; on submit the applicant is screened and the result shown."""
    viewer = _viewer(request)
    _require(may_screen_applications, viewer)
    if request.method == "POST":
        form = ApplicationForm(request.POST)
        if form.is_valid():
            try:
                outcome = application_screen(
                    viewer=viewer,
                    data=form.application_input,
                    idempotency_key=form.cleaned_data.get("idempotency_key") or "",
                )
            except ScreeningInputInvalid as error:
                add_service_errors(form, error.errors)
            except IdempotencyKeyReused:
                form = _with_fresh_key(ApplicationForm, request)
            else:
                return redirect("screening:application_detail", pk=outcome.record.pk)
    else:
        form = ApplicationForm(initial={"idempotency_key": uuid.uuid4().hex})
    return TemplateResponse(request, "screening/counter.html", {"form": form})


@login_required
@require_GET
def desa_options(request: HttpRequest) -> TemplateResponse:
    """The desa/kelurahan of a kecamatan, as <option>s for the counter form (htmx)."""
    viewer = _viewer(request)
    _require(may_screen_applications, viewer)
    kecamatan = request.GET.get("kecamatan", "")[:20]
    return TemplateResponse(
        request, "screening/_desa_options.html", {"villages": desa_choices(kecamatan)}
    )


# --- applications --------------------------------------------------------------------------


@login_required
@require_GET
def application_list(request: HttpRequest) -> TemplateResponse:
    viewer = _viewer(request, purpose="daftar permohonan paspor")
    _require(may_open_applications, viewer)
    offices = worklists.list_offices(worklists.application_list(viewer=viewer))
    form = ApplicationFilterForm(request.GET or None, offices=offices)
    filters = form.filters()
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    due, follow_up = cleaned.get("due", ""), cleaned.get("follow_up", "")
    applications = worklists.application_list(
        viewer=viewer, filters=filters, due=due, follow_up=follow_up
    )
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    screening_list_audit(
        viewer=viewer,
        model=PassportApplication,
        rows=shown,
        filters=filters,
        extra_terms={
            name: value for name, value in (("due", due), ("follow_up", follow_up)) if value
        },
    )
    latest = worklists.latest_screenings(shown)
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return TemplateResponse(
        request,
        "screening/application_list.html",
        {
            "form": form,
            "rows": [{"application": item, "screening": latest.get(item.pk)} for item in shown],
            "page": page,
            "query": query_string.urlencode(),
            "is_police": may_read_referred(viewer),
            "can_screen": may_screen_applications(viewer),
        },
    )


def _application_context(viewer: Viewer, application: PassportApplication) -> dict[str, Any]:
    result = worklists.latest_screening(application)
    decisions = list(application.decisions.all())
    contacts = list(application.contacts.all())
    # Shown with the application: their notes and the people named are read too.
    shown = {"application": application.reference}
    audit_record_read(viewer=viewer, objects=decisions, detail={**shown, "as": "decision"})
    audit_record_read(viewer=viewer, objects=contacts, detail={**shown, "as": "named_contact"})
    return {
        **amendment_context(viewer, application, shown=result),
        "application": application,
        "outcome": _result_view(viewer, application, result),
        "checklist": worklists.application_checklist(application),
        "policy_checks": worklists.application_policy_checks(application),
        "duplicates": worklists.duplicate_events(result),
        "questions": _questions(result),
        "decisions": decisions,
        "contacts": contacts,
        "screenings": list(application.screenings.all()),
        "record_panels": record_panels(viewer, application),
        "can_decide": may_decide_applications(viewer)
        and application.office_id == viewer.office_id
        and application.status in (ApplicationStatus.SCREENED, ApplicationStatus.POSTPONED),
    }


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    """The screening result of an application, its decisions and the people named."""
    viewer = _viewer(request)
    _require(may_open_applications, viewer)
    application = _application_or_404(viewer, pk)
    return TemplateResponse(
        request, "screening/application_detail.html", _application_context(viewer, application)
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_decision(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The interview (answers, people named) and the decision, or the re-decision."""
    viewer = _viewer(request, purpose=DECISION_PURPOSE)
    _require(may_decide_applications, viewer)
    application = _application_or_404(viewer, pk)
    context = _application_context(viewer, application)
    if not context["can_decide"]:
        messages.error(request, _("Permohonan ini tidak menunggu keputusan Anda."))
        return redirect("screening:application_detail", pk=application.pk)
    questions = context["questions"]
    if request.method == "POST":
        form = DecisionForm(request.POST)
        contacts = ContactFormSet(request.POST, prefix="kontak")
        answers = {
            question: request.POST.get(f"jawaban-{number}", "")
            for number, question in enumerate(questions)
        }
        if form.is_valid() and contacts.is_valid():
            try:
                application_decide(
                    viewer=viewer,
                    application=application,
                    outcome=form.cleaned_data["outcome"],
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    due_date=form.cleaned_data["due_date"],
                    contacts=[
                        {
                            "relation": item.get("relation", ""),
                            "name": item.get("name", ""),
                            "phone": item.get("phone", ""),
                        }
                        for item in contacts.cleaned_data
                        if item
                    ],
                    answers=answers,
                    documents=form.cleaned_data["documents"],
                    override=form.override_input,
                )
            except DecisionRefused:
                raise PermissionDenied from None
            except DecisionInvalid as error:
                contact_errors = error.errors.pop("contacts", [])
                add_service_errors(form, error.errors)
                for message in contact_errors:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Keputusan tersimpan."))
                return redirect("screening:application_detail", pk=application.pk)
    else:
        form = DecisionForm(
            initial={
                "due_date": default_due_date().strftime("%d-%m-%Y"),
                "documents": list(application.documents or []),
            }
        )
        contacts = ContactFormSet(
            prefix="kontak", initial=_contacts_named_at_the_counter(application)
        )
        answers = {
            question: (application.interview_answers or {}).get(question, "")
            for question in questions
        }
    context.update(
        {
            "form": form,
            "contact_forms": contacts,
            "answer_rows": [
                {"name": f"jawaban-{number}", "question": question, "answer": answers[question]}
                for number, question in enumerate(questions)
            ],
            "is_redecision": application.status == ApplicationStatus.POSTPONED,
            "postpone": DecisionOutcome.POSTPONE,
            "warnings": decision_warnings(viewer=viewer, record=application),
        }
    )
    return TemplateResponse(request, "screening/application_decision.html", context)


def _contacts_named_at_the_counter(application: PassportApplication) -> list[dict[str, str]]:
    """The sponsor and employer typed at the counter, as the interview's first named persons
    (unless the interview already recorded them)."""
    recorded = {(contact.relation, contact.name) for contact in application.contacts.all()}
    named = [
        (ContactRelation.SPONSOR, application.sponsor_name, application.sponsor_phone),
        (ContactRelation.PEMBERI_KERJA, application.employer_name, ""),
    ]
    return [
        {"relation": relation, "name": name, "phone": phone}
        for relation, name, phone in named
        if (name or phone) and (relation, name) not in recorded
    ]


@login_required
@require_GET
def decision_oversight(request: HttpRequest) -> TemplateResponse:
    """Per office, how often officers let someone through over a warning (counts only)."""
    viewer = _viewer(request, purpose="pengawasan keputusan")
    _require(may_read_decision_oversight, viewer)
    rows = worklists.warning_override_counts(since=worklists.oversight_since())
    return TemplateResponse(
        request,
        "screening/decision_oversight.html",
        {"rows": rows, "days": worklists.OVERSIGHT_DAYS},
    )


# --- the TPI -------------------------------------------------------------------------------


def _departure_page(request: HttpRequest, viewer: Viewer, form: DepartureForm) -> TemplateResponse:
    """The check form, and below it the latest checks, or with ``?follow_up=hit`` every check
    with a hit still awaiting a decision."""
    hits_awaiting = request.GET.get("follow_up") == worklists.HITS_AWAITING
    if hits_awaiting:
        recent = worklists.departure_hits_awaiting(viewer=viewer)
    else:
        recent = worklists.departure_recent(viewer=viewer)
    if recent:
        audit_record_read(viewer=viewer, objects=recent, action=AuditAction.LIST)
    return TemplateResponse(
        request,
        "screening/departure_check.html",
        {"form": form, "recent": recent, "hits_awaiting": hits_awaiting},
    )


@login_required
@require_GET
def departure_list(request: HttpRequest) -> TemplateResponse:
    """The departure checks the viewer may see (an analyst: every TPI's), filtered, by page."""
    viewer = _viewer(request, purpose="daftar pemeriksaan keberangkatan")
    _require(may_open_departures, viewer)
    offices = worklists.list_offices(worklists.departure_list(viewer=viewer))
    form = DepartureFilterForm(request.GET or None, offices=offices)
    filters = form.filters()
    checks = worklists.departure_list(viewer=viewer, filters=filters)
    page = Paginator(checks, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    screening_list_audit(viewer=viewer, model=DepartureCheck, rows=shown, filters=filters)
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return TemplateResponse(
        request,
        "screening/departure_list.html",
        {"form": form, "checks": shown, "page": page, "query": query_string.urlencode()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def departure_check(request: HttpRequest) -> HttpResponseBase:
    """Passport number and name → the result page of the passenger."""
    viewer = _viewer(request)
    _require(may_screen_departures, viewer)
    if request.method == "POST":
        form = DepartureForm(request.POST)
        if form.is_valid():
            try:
                outcome = departure_screen(
                    viewer=viewer,
                    data=form.departure_input,
                    idempotency_key=form.cleaned_data.get("idempotency_key") or "",
                )
            except ScreeningInputInvalid as error:
                add_service_errors(form, error.errors)
            except IdempotencyKeyReused:
                form = _with_fresh_key(DepartureForm, request)
            else:
                return redirect("screening:departure_detail", pk=outcome.record.pk)
    else:
        form = DepartureForm(initial={"idempotency_key": uuid.uuid4().hex})
    return _departure_page(request, viewer, form)


def _departure_context(
    viewer: Viewer, check: DepartureCheck, form: DepartureDecisionForm
) -> dict[str, Any]:
    result = worklists.latest_screening(check)
    outcome = _result_view(viewer, check, result)
    flagged = bool(outcome and (outcome.hits or outcome.risk_band == "tinggi")) or any(
        event.status in ("ditunda", "ditolak", "tunda", "serahkan_polisi")
        for event in (outcome.earlier_events if outcome else [])
    )
    can_decide = may_decide_departures(viewer) and check.office_id == viewer.office_id
    decisions = list(
        DepartureDecision.objects.visible_to(viewer)
        .filter(departure_check=check)
        .select_related("decided_by")
        .order_by("-decided_at", "-pk")
    )
    audit_record_read(viewer=viewer, objects=decisions)
    return {
        **amendment_context(viewer, check, shown=result),
        "check": check,
        "outcome": outcome,
        "form": form,
        "flagged": flagged,
        "can_decide": can_decide and not is_void(check),
        "outcomes": DepartureOutcome,
        "decisions": decisions,
        "is_decided": check.outcome != DepartureOutcome.PENDING,
        "warnings": decision_warnings(viewer=viewer, record=check) if can_decide else None,
        "record_panels": record_panels(viewer, check),
        "screenings": list(check.screenings.all()),
    }


@login_required
@require_http_methods(["GET", "POST"])
def departure_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The passenger's result and the officer's allow / delay / hand-over."""
    viewer = _viewer(request)
    _require(may_open_departures, viewer)
    check = _check_or_404(viewer, pk)
    if request.method == "POST":
        form = DepartureDecisionForm(request.POST)
        if form.is_valid():
            try:
                departure_decide(
                    viewer=viewer.with_purpose("keputusan keberangkatan"),
                    check=check,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                    flight_number=form.cleaned_data["flight_number"],
                    change_reason=form.cleaned_data["change_reason"],
                    override=form.override_input,
                )
            except DecisionRefused:
                raise PermissionDenied from None
            except DecisionInvalid as error:
                add_service_errors(form, error.errors)
            else:
                messages.success(
                    request,
                    _("%(reference)s: %(outcome)s.")
                    % {"reference": check.reference, "outcome": check.get_outcome_display()},
                )
                return redirect(reverse("screening:departure_check"))
    else:
        form = DepartureDecisionForm(initial={"flight_number": check.flight_number})
    return TemplateResponse(
        request, "screening/departure_detail.html", _departure_context(viewer, check, form)
    )
