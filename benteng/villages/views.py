"""Pages of the Desa Binaan: the list, one village and its profile, the forms of the three
pillars, the work plans, the totals, the outreach list, the PMI import and the designations.

A village the viewer may not see answers 404 exactly like a missing one; a page or action the
viewer may not use answers 403. Every read of personal data is audited by the selectors.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from benteng.access import NotVisible, Viewer
from benteng.accounts.access import may_read_aggregates_only
from benteng.accounts.models import Office, User
from benteng.downloads import private_file_response
from benteng.villages import selectors
from benteng.villages.access import (
    may_import_pmi_counts,
    may_keep_work_plans,
    may_manage_designations,
    may_open_villages,
    may_read_outreach_list,
    may_read_village_activity,
    may_record_outreach,
    may_record_service_days,
    may_work_in_village,
)
from benteng.villages.contributions import village_profile
from benteng.villages.forms import (
    DesignationForm,
    FocalPersonForm,
    OutreachForm,
    PmiImportForm,
    ServiceDayForm,
    TotalsFilterForm,
    WorkPlanForm,
)
from benteng.villages.imports import pmi_counts_import
from benteng.villages.models import DesaBinaan, OutreachKind
from benteng.villages.selectors import LEVEL_DESA
from benteng.villages.services import (
    VillageInvalid,
    designation_save,
    focal_person_save,
    outreach_record,
    service_day_record,
    work_plan_save,
)
from benteng.watchlists.imports import MAX_FILE_BYTES

READ_PURPOSE = "pembinaan Desa Binaan"


def _viewer(request: HttpRequest, purpose: str = READ_PURPOSE) -> Viewer:
    user: User = request.user  # type: ignore[assignment]
    return Viewer.for_user(user, purpose=purpose)


def _allowed(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _village_or_404(viewer: Viewer, pk: int) -> DesaBinaan:
    try:
        return selectors.village_get(viewer=viewer, pk=pk)
    except NotVisible:
        raise Http404 from None


@login_required
@require_GET
def village_index(request: HttpRequest) -> TemplateResponse:
    viewer = _viewer(request)
    _allowed(may_open_villages(viewer))
    search = request.GET.get("q", "")[:60]
    villages = selectors.village_list(viewer=viewer, search=search)
    return TemplateResponse(
        request,
        "villages/index.html",
        {
            "villages": villages,
            "search": search,
            "may_designate": may_manage_designations(viewer),
            "may_read_activity": may_read_village_activity(viewer),
            "may_plan": may_keep_work_plans(viewer),
            "may_visit_list": may_read_outreach_list(viewer),
            "may_import": may_import_pmi_counts(viewer),
        },
    )


@login_required
@require_GET
def village_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    viewer = _viewer(request)
    _allowed(may_open_villages(viewer))
    village = _village_or_404(viewer, pk)
    reads_activity = may_read_village_activity(viewer)
    return TemplateResponse(
        request,
        "villages/detail.html",
        {
            "village": village,
            "team": selectors.village_team(viewer=viewer, village=village),
            "activities": selectors.recent_activities(viewer=viewer, village=village)
            if reads_activity
            else None,
            "focal_persons": selectors.focal_persons(viewer=viewer, village=village)
            if may_manage_designations(viewer)
            else None,
            "may_read_activity": reads_activity,
            "may_record_service": may_record_service_days(viewer)
            and may_work_in_village(viewer, village),
            "may_record_outreach": may_record_outreach(viewer)
            and may_work_in_village(viewer, village),
            "may_manage": may_manage_designations(viewer),
        },
    )


@login_required
@require_GET
def village_profile_page(request: HttpRequest, pk: int) -> TemplateResponse:
    viewer = _viewer(request, purpose="profil Desa Binaan")
    _allowed(may_read_village_activity(viewer))
    village = _village_or_404(viewer, pk)
    profile = village_profile(viewer=viewer, village=village, today=timezone.localdate())
    return TemplateResponse(
        request, "villages/profile.html", {"village": village, "profile": profile}
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_day_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _viewer(request, purpose="mencatat hari layanan desa")
    _allowed(may_record_service_days(viewer))
    village = _village_or_404(viewer, pk)
    _allowed(may_work_in_village(viewer, village))
    form = ServiceDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service_day_record(
                viewer=viewer,
                village=village,
                held_on=data["held_on"],
                place=data["place"],
                services=data["services"],
                served_male=data["served_male"],
                served_female=data["served_female"],
                notes=data["notes"],
            )
        except VillageInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("Hari layanan dicatat."))
            return redirect("villages:detail", pk=village.pk)
    return TemplateResponse(
        request, "villages/service_day.html", {"village": village, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def outreach_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _viewer(request, purpose="mencatat penyuluhan desa")
    _allowed(may_record_outreach(viewer))
    village = _village_or_404(viewer, pk)
    _allowed(may_work_in_village(viewer, village))
    form = OutreachForm(request.POST or None, request.FILES or None)
    files_refused = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outreach_record(
                viewer=viewer,
                village=village,
                kind=data["kind"],
                held_on=data["held_on"],
                place=data["place"],
                topic=data["topic"],
                facilitators=data["facilitators"],
                participants_male=data["participants_male"],
                participants_female=data["participants_female"],
                participants_youth=data["participants_youth"],
                notes=data["notes"],
                photos=request.FILES.getlist("photos"),
                attendance=request.FILES.getlist("attendance"),
            )
        except VillageInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("Kegiatan penyuluhan dicatat."))
            return redirect("villages:detail", pk=village.pk)
    if request.method == "POST" and request.FILES and form.errors:
        files_refused = True
    return TemplateResponse(
        request,
        "villages/outreach.html",
        {"village": village, "form": form, "files_refused": files_refused},
    )


@login_required
@require_GET
def outreach_file_download(request: HttpRequest, pk: int) -> FileResponse:
    viewer = _viewer(request, purpose="unduh berkas kegiatan desa")
    _allowed(may_read_village_activity(viewer))
    try:
        stored = selectors.outreach_file_get(viewer=viewer, pk=pk)
    except NotVisible:
        raise Http404 from None
    return private_file_response(
        stored.content,
        filename=stored.original_name or f"berkas-{stored.pk}",
        content_type=stored.content_type,
    )


@login_required
@require_GET
def designation_document(request: HttpRequest, pk: int) -> FileResponse:
    viewer = _viewer(request, purpose="unduh dokumen kerja sama desa")
    _allowed(may_open_villages(viewer))
    village = _village_or_404(viewer, pk)
    if not village.cooperation_document:
        raise Http404
    return private_file_response(
        village.cooperation_document,
        filename=village.cooperation_document.name or "dokumen",
        content_type=village.cooperation_document_type,
    )


@login_required
@require_http_methods(["GET", "POST"])
def work_plan_page(request: HttpRequest) -> HttpResponseBase:
    viewer = _viewer(request, purpose="rencana kerja PIMPASA")
    _allowed(may_read_village_activity(viewer))
    form = None
    if may_keep_work_plans(viewer):
        villages = [
            (village.pk, village.region.name)
            for village in selectors.village_list(viewer=viewer)
            if may_work_in_village(viewer, village)
        ]
        form = WorkPlanForm(request.POST or None, villages=villages)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                village = selectors.village_get(viewer=viewer, pk=data["village"])
                work_plan_save(
                    viewer=viewer,
                    village=village,
                    year=data["year"],
                    quarter=data["quarter"],
                    planned=form.planned(),
                )
            except NotVisible:
                form.add_error("village", _("Desa tidak ditemukan."))
            except VillageInvalid as error:
                form.add_service_errors(
                    {f"plan_{k}" if k in form.planned() else k: v for k, v in error.errors.items()}
                )
            else:
                messages.success(request, _("Rencana kerja disimpan."))
                return redirect("villages:work_plans")
    elif request.method == "POST":
        raise PermissionDenied
    return TemplateResponse(
        request,
        "villages/work_plans.html",
        {"form": form, "plans": selectors.work_plans(viewer=viewer)},
    )


@login_required
@require_GET
def totals_page(request: HttpRequest) -> TemplateResponse:
    viewer = _viewer(request, purpose="rekap kegiatan Desa Binaan")
    _allowed(may_read_village_activity(viewer))
    per_year = may_read_aggregates_only(viewer)
    form = TotalsFilterForm(request.GET or None, per_year=per_year)
    level, within, date_from, date_to, year = LEVEL_DESA, "", None, None, None
    if form.is_bound and form.is_valid():
        level = form.cleaned_data["level"] or LEVEL_DESA
        within = form.cleaned_data["within"]
        date_from = form.cleaned_data.get("date_from")
        date_to = form.cleaned_data.get("date_to")
        year = form.cleaned_data.get("year")
    today = timezone.localdate()
    totals = selectors.activity_totals(
        viewer=viewer,
        level=level,
        within=within,
        date_from=date_from,
        date_to=date_to,
        year=year,
        today=today,
    )
    return TemplateResponse(
        request,
        "villages/totals.html",
        {
            "form": form,
            "totals": totals,
            "kinds": OutreachKind.choices,
            "level": level,
            "per_year": per_year,
            "year": year or today.year,
        },
    )


@login_required
@require_GET
def outreach_list_page(request: HttpRequest) -> TemplateResponse:
    viewer = _viewer(request, purpose="daftar kunjungan desa")
    _allowed(may_read_outreach_list(viewer))
    suggestions = selectors.outreach_list(viewer=viewer, today=timezone.localdate())
    return TemplateResponse(request, "villages/outreach_list.html", {"suggestions": suggestions})


@login_required
@require_http_methods(["GET", "POST"])
def pmi_import_page(request: HttpRequest) -> HttpResponseBase:
    viewer = _viewer(request, purpose="impor jumlah PMI prosedural")
    _allowed(may_import_pmi_counts(viewer))
    form = PmiImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = pmi_counts_import(
            viewer=viewer,
            filename=upload.name,
            # The form refused anything over MAX_FILE_BYTES from its size; read no more.
            content=upload.read(MAX_FILE_BYTES + 1),
            source=form.cleaned_data["source"],
        )
    return TemplateResponse(request, "villages/pmi_import.html", {"form": form, "report": report})


@login_required
@require_http_methods(["GET", "POST"])
def designation_page(request: HttpRequest, pk: int | None = None) -> HttpResponseBase:
    viewer = _viewer(request, purpose="penetapan Desa Binaan")
    _allowed(may_manage_designations(viewer))
    village = _village_or_404(viewer, pk) if pk is not None else None
    initial = (
        {
            "desa_code": village.region_id,
            "designated_on": village.designated_on.strftime("%d-%m-%Y"),
            "kanim": village.kanim_id,
            "is_active": village.is_active,
            "note": village.note,
        }
        if village
        else {}
    )
    form = DesignationForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = designation_save(
                viewer=viewer,
                desa_code=village.region_id if village else data["desa_code"].strip(),
                designated_on=data["designated_on"],
                kanim=Office.objects.filter(pk=data["kanim"]).first(),
                is_active=data["is_active"],
                note=data["note"],
                document=data["document"],
            )
        except VillageInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("Penetapan Desa Binaan disimpan."))
            return redirect("villages:detail", pk=saved.pk)
    return TemplateResponse(
        request, "villages/designation.html", {"form": form, "village": village}
    )


@login_required
@require_http_methods(["GET", "POST"])
def focal_person_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _viewer(request, purpose="PIC Desa Binaan")
    _allowed(may_manage_designations(viewer))
    village = _village_or_404(viewer, pk)
    form = FocalPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            focal_person_save(
                viewer=viewer,
                village=village,
                full_name=data["full_name"],
                position=data["position"],
                phone=data["phone"],
            )
        except VillageInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("PIC desa ditambahkan."))
            return redirect("villages:detail", pk=village.pk)
    return TemplateResponse(
        request, "villages/focal_person.html", {"form": form, "village": village}
    )
