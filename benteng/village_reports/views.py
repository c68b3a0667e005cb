"""Pages of village reports: the list (per role, with filters and what became of each report),
one report with the follow-up steps, the phone form (offline: its service worker and script),
and a photo. A role that does not work with village reports gets a 403; a report the viewer
may not see answers 404, like a missing one. Every read is audited by the selectors.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from benteng.access import NotVisible, Viewer
from benteng.accounts.models import User
from benteng.downloads import private_file_response
from benteng.problems import FieldProblems
from benteng.regions.models import Region
from benteng.village_reports import selectors, services
from benteng.village_reports.access import (
    may_file_village_reports,
    may_follow_up_village_report,
    may_name_reporter,
    may_open_village_reports,
    may_refer_village_report,
)
from benteng.village_reports.forms import (
    PERSON_FORMS,
    CloseForm,
    FilterForm,
    NoteForm,
    PersonForm,
    ReferForm,
    ReportForm,
)
from benteng.village_reports.models import ReportStatus, VillageReport

PURPOSE = selectors.PURPOSE


def _viewer(request: HttpRequest) -> Viewer:
    user: User = request.user  # type: ignore[assignment]
    return Viewer.for_user(user, purpose=PURPOSE)


def _villages(viewer: Viewer) -> list[tuple[str, str]]:
    return [
        (region.code, f"{region.name} ({region.parent.name if region.parent else ''})")
        for region in Region.objects.filter(code__in=viewer.village_codes)
        .select_related("parent")
        .order_by("name")
    ]


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponseBase:
    viewer = _viewer(request)
    if not may_open_village_reports(viewer):
        raise PermissionDenied
    villages = _villages(viewer)
    form = FilterForm(request.GET or None, villages=villages)
    filters = selectors.ReportFilters()
    if form.is_valid():
        filters = selectors.ReportFilters(
            status=form.cleaned_data["status"],
            kind=form.cleaned_data["kind"],
            village=form.cleaned_data["village"],
        )
    listing = selectors.reports_for(viewer, filters, page=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "village_reports/list.html",
        {
            "reports": listing.rows,
            "page": listing.page,
            "query": query.urlencode(),
            "form": form,
            "can_file": may_file_village_reports(viewer),
            "show_desa_filter": bool(villages),
        },
    )


def _report_input(form: ReportForm) -> services.ReportInput:
    data = form.data
    return services.ReportInput(
        desa_code=str(data.get("desa_code", "")),
        kind=str(data.get("kind", "")),
        summary=str(data.get("summary", "")),
        seen_on=str(data.get("seen_on", "")),
        vehicle=str(data.get("vehicle", "")),
        approached=str(data.get("approached", "")),
        reporter_name=str(data.get("reporter_name", "")),
        reporter_phone=str(data.get("reporter_phone", "")),
        reporter_named=str(data.get("reporter_named", "")) in ("on", "true", "1"),
        draft_uuid=str(data.get("draft_uuid", "")),
    )


def _people_input(forms: list[PersonForm]) -> list[services.PersonInput]:
    return [
        services.PersonInput(
            **{name: str(form.data.get(form.add_prefix(name), "")) for name in form.fields}
        )
        for form in forms
    ]


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _errors_on_forms(errors: FieldProblems, form: ReportForm, people: list[PersonForm]) -> None:
    for name, messages_ in errors.items():
        if name is not None and name.startswith("people."):
            _people, index, field = name.split(".", 2)
            people[int(index)].add_service_errors({field: messages_})
        else:
            form.add_service_errors({name: messages_})


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponseBase:
    """The phone form. With its script it keeps a draft on the phone and sends it (JSON
    answers); without, it posts like any form and comes back with what was typed."""
    viewer = _viewer(request)
    if not may_file_village_reports(viewer):
        raise PermissionDenied
    villages = _villages(viewer)
    show_reporter = may_name_reporter(viewer)
    posted = request.method == "POST"
    form = ReportForm(
        request.POST if posted else None, villages=villages, show_reporter=show_reporter
    )
    people = [
        PersonForm(request.POST if posted else None, prefix=f"people-{index}")
        for index in range(PERSON_FORMS)
    ]
    if posted:
        photos = [
            services.photo_from_upload(upload)
            for upload in request.FILES.getlist("photos")
            if upload.size
        ]
        try:
            report, created = services.report_file(
                viewer=viewer,
                data=_report_input(form),
                people=_people_input(people),
                photos=photos,
            )
        except services.VillageReportRefused as error:
            raise PermissionDenied from error
        except services.VillageReportInvalid as error:
            if _wants_json(request):
                return JsonResponse({"errors": error.errors}, status=400)
            form.is_valid()
            for person in people:
                person.is_valid()
            _errors_on_forms(error.errors, form, people)
        else:
            if _wants_json(request):
                return JsonResponse(
                    {"number": report.number, "url": report.get_absolute_url(), "created": created},
                    status=201 if created else 200,
                )
            messages.success(request, _("Laporan %(number)s terkirim.") % {"number": report.number})
            return redirect(report.get_absolute_url())
    response = TemplateResponse(
        request,
        "village_reports/new.html",
        {
            "form": form,
            "people": people,
            "worker_url": reverse("village_reports:worker"),
            "token_url": reverse("village_reports:token"),
            "max_photo_kb": services.MAX_PHOTO_BYTES // 1024,
        },
    )
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_GET
@never_cache
def report_token(request: HttpRequest) -> HttpResponseBase:
    """A fresh CSRF token for a draft sent from a page kept offline (its token may be stale)."""
    if not may_file_village_reports(_viewer(request)):
        raise PermissionDenied
    return JsonResponse({"csrf": get_token(request)})


@require_GET
def report_worker(request: HttpRequest) -> HttpResponse:
    """The form's service worker (scoped to the form's path): the form, its script and the
    site CSS from the cache first, refreshed from the network when there is one."""
    response = TemplateResponse(
        request,
        "village_reports/worker.js",
        {
            "form_url": reverse("village_reports:new"),
            "assets": [static("village_reports/form.js"), static("web/css/benteng.css")],
        },
        content_type="application/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response.render()


def _detail_context(viewer: Viewer, detail: selectors.ReportDetail) -> dict[str, Any]:
    report = detail.report
    may_follow = may_follow_up_village_report(viewer, report)
    return {
        "detail": detail,
        "report": report,
        "may_verify": may_follow and report.status == ReportStatus.NEW,
        "may_refer": may_refer_village_report(viewer, report),
        "may_close": may_follow and report.status != ReportStatus.CLOSED,
        "verify_form": NoteForm(),
        "close_form": CloseForm(),
        "refer_form": ReferForm(offices=services.referral_offices(report, viewer)),
    }


def _detail_or_404(viewer: Viewer, pk: int) -> selectors.ReportDetail:
    try:
        return selectors.report_detail(viewer, pk)
    except NotVisible as error:
        raise Http404 from error


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _viewer(request)
    if not may_open_village_reports(viewer):
        raise PermissionDenied
    detail = _detail_or_404(viewer, pk)
    return TemplateResponse(request, "village_reports/detail.html", _detail_context(viewer, detail))


def _report_to_follow_up(viewer: Viewer, pk: int) -> VillageReport:
    try:
        report = selectors.report_to_follow_up(viewer, pk)
    except NotVisible as error:
        raise Http404 from error
    if not may_follow_up_village_report(viewer, report):
        raise PermissionDenied
    return report


def _step_failed(
    request: HttpRequest,
    viewer: Viewer,
    pk: int,
    name: str,
    form: Any,
    error: services.VillageReportInvalid,
) -> HttpResponseBase:
    """The report's page again (read, and audited, as a page), the step's form with what was
    typed and the reasons."""
    form.add_service_errors(error.errors)
    context = _detail_context(viewer, _detail_or_404(viewer, pk))
    context[name] = form
    return TemplateResponse(request, "village_reports/detail.html", context, status=400)


@login_required
@require_POST
def report_verify(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _viewer(request)
    report = _report_to_follow_up(viewer, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        services.report_verify(viewer=viewer, report=report, note=request.POST.get("note", ""))
    except services.VillageReportInvalid as error:
        return _step_failed(request, viewer, pk, "verify_form", form, error)
    messages.success(request, _("Laporan diverifikasi."))
    return redirect(report.get_absolute_url())


@login_required
@require_POST
def report_refer(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _viewer(request)
    report = _report_to_follow_up(viewer, pk)
    form = ReferForm(request.POST, offices=services.referral_offices(report, viewer))
    office_id = form.cleaned_data["receiving_office"] if form.is_valid() else None
    try:
        referral = services.report_refer(
            viewer=viewer,
            report=report,
            receiving_office_id=office_id,
            urgency=request.POST.get("urgency", ""),
        )
    except services.VillageReportInvalid as error:
        return _step_failed(request, viewer, pk, "refer_form", form, error)
    messages.success(request, _("Rujukan %(number)s dikirim.") % {"number": referral.number})
    return redirect(report.get_absolute_url())


@login_required
@require_POST
def report_close(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _viewer(request)
    report = _report_to_follow_up(viewer, pk)
    form = CloseForm(request.POST)
    form.is_valid()
    try:
        services.report_close(
            viewer=viewer,
            report=report,
            note=request.POST.get("note", ""),
            unfounded=bool(form.cleaned_data.get("unfounded")),
        )
    except services.VillageReportInvalid as error:
        return _step_failed(request, viewer, pk, "close_form", form, error)
    messages.success(request, _("Laporan ditutup."))
    return redirect(report.get_absolute_url())


@login_required
@require_GET
def report_photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponseBase:
    viewer = _viewer(request)
    if not may_open_village_reports(viewer):
        raise PermissionDenied
    try:
        photo = selectors.report_photo(viewer, pk, photo_pk)
    except NotVisible as error:
        raise Http404 from error
    return private_file_response(
        photo.content,
        filename=f"foto-{photo.pk}{mimetypes.guess_extension(photo.content_type) or ''}",
        content_type=photo.content_type,
        inline=True,
    )
