"""Pages of the police case file: the list, one case, and the forms that keep it.

A case the viewer may not see answers 404, exactly like a missing one; an action the viewer
may not take answers 403. Every list and case page read is audited (the selectors and
``access_object``); the victims' identities reach the templates only for the case team.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from benteng.access import NotVisible, Viewer, access_object
from benteng.accounts.access import may_read_aggregates_only
from benteng.accounts.models import Office, User
from benteng.audit.services import audit_record_list
from benteng.cases.access import (
    CASE_WORKERS,
    case_team_user_ids,
    may_add_case_person,
    may_edit_case,
    may_manage_case_team,
    may_open_case,
    may_read_cases,
    may_record_case_outcome,
    may_see_victim_identity,
)
from benteng.cases.forms import (
    CaseFilterForm,
    CaseOpenForm,
    CaseUpdateForm,
    PersonForm,
    RouteLegForm,
    StageForm,
    TeamMemberForm,
    VictimServiceForm,
    VictimServiceStatusForm,
)
from benteng.cases.hooks import case_panels
from benteng.cases.models import Case, ControlMethod, ExploitationType, Stage
from benteng.cases.selectors import (
    CaseFilters,
    case_file,
    case_list,
    case_service,
    case_team,
    case_victims,
)
from benteng.cases.services import (
    POLICE_OFFICE_KINDS,
    CaseInvalid,
    CaseWriteRefused,
    case_open,
    case_outcome_record,
    case_person_add,
    case_route_leg_add,
    case_stage_advance,
    case_team_member_add,
    case_team_member_remove,
    case_update,
    next_stage,
    victim_service_add,
    victim_service_update,
)
from benteng.core.countries import country_name

PAGE_SIZE = 25
READ_PURPOSE = "penanganan kasus TPPO/TPPM"


def _viewer(request: HttpRequest, purpose: str = READ_PURPOSE) -> Viewer:
    user: User = request.user  # type: ignore[assignment]
    return Viewer.for_user(user, purpose=purpose)


def _reader(request: HttpRequest) -> Viewer:
    viewer = _viewer(request)
    if not may_read_cases(viewer):
        raise PermissionDenied
    return viewer


def _case_or_404(viewer: Viewer, pk: int) -> Case:
    try:
        return access_object(
            viewer, Case, pk, queryset=Case.objects.select_related("handling_office")
        )
    except NotVisible:
        raise Http404 from None


def _allowed(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
@require_GET
def case_index(request: HttpRequest) -> TemplateResponse:
    viewer = _reader(request)
    form = CaseFilterForm(request.GET or None)
    filters = CaseFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = CaseFilters(
            kind=data["kind"],
            stage=data["stage"],
            modus=data["modus"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            search=data["q"].strip(),
        )
    page = Paginator(case_list(viewer=viewer, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = list(page.object_list)
    audit_record_list(
        viewer=viewer,
        model=Case,
        objects=shown,
        search={
            "q": filters.search,
            "kind": filters.kind,
            "stage": filters.stage,
            "modus": filters.modus,
            "date_from": filters.date_from,
            "date_to": filters.date_to,
        },
    )
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "cases/index.html",
        {
            "form": form,
            "cases": shown,
            "page": page,
            "query": query.urlencode(),
            "may_open": may_open_case(viewer),
        },
    )


def _opening_offices(viewer: Viewer) -> list[tuple[str, str]]:
    """The viewer's police office and the offices below it (two levels), their own first."""
    below = (
        Q(pk=viewer.office_id)
        | Q(parent_id=viewer.office_id)
        | Q(parent__parent_id=viewer.office_id)
    )
    offices = Office.objects.filter(below, kind__in=POLICE_OFFICE_KINDS, is_active=True)
    ordered = sorted(offices, key=lambda office: (office.pk != viewer.office_id, office.name))
    return [(str(office.pk), office.name) for office in ordered]


@login_required
@require_http_methods(["GET", "POST"])
def case_open_page(request: HttpRequest) -> HttpResponseBase:
    viewer = _reader(request)
    _allowed(may_open_case(viewer))
    offices = _opening_offices(viewer)
    form = CaseOpenForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        office = Office.objects.get(pk=int(data["handling_office"]))
        try:
            case = case_open(
                viewer=viewer.with_purpose("membuka kasus"),
                kind=data["kind"],
                lp_number=data["lp_number"],
                lp_date=data["lp_date"],
                handling_office=office,
                modus=data["modus"],
                stage=data["stage"],
                summary=data["summary"],
                trafficking_status=data["trafficking_status"],
                status_decided_by=data["status_decided_by"],
                recruitment_method=data["recruitment_method"],
                control_methods=data["control_methods"],
                exploitation_types=data["exploitation_types"],
            )
        except CaseInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("Kasus dibuka."))
            return redirect("cases:detail", pk=case.pk)
    return TemplateResponse(request, "cases/open.html", {"form": form})


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    viewer = _reader(request)
    case = _case_or_404(viewer, pk)
    found = case_file(viewer=viewer, case=case)
    route = [
        {"leg": leg, "country_name": country_name(leg.country, language=request.LANGUAGE_CODE)}
        for leg in found.route
    ]
    return TemplateResponse(
        request,
        "cases/detail.html",
        {
            "case": case,
            "file": found,
            "route": route,
            "control_labels": [ControlMethod(value).label for value in case.control_methods],
            "exploitation_labels": [
                ExploitationType(value).label for value in case.exploitation_types
            ],
            "can_record_stage": _may_record_stage(viewer, case),
            "can_edit": may_edit_case(viewer, case),
            "can_add_person": may_add_case_person(viewer, case),
            "can_manage_team": may_manage_case_team(viewer, case),
            "sees_victims": may_see_victim_identity(viewer, case),
            # The team's names are personal data: leadership is told why the list is empty.
            "team_withheld": may_read_aggregates_only(viewer),
            "panels": case_panels(viewer, case),
        },
    )


# The case's fields the update form shows (what the team learns as the case goes on).
UPDATE_FIELDS = (
    "modus",
    "summary",
    "trafficking_status",
    "status_decided_by",
    "recruitment_method",
    "control_methods",
    "exploitation_types",
)


@login_required
@require_http_methods(["GET", "POST"])
def case_update_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _reader(request)
    case = _case_or_404(viewer, pk)
    _allowed(may_edit_case(viewer, case))
    initial = {name: getattr(case, name) for name in UPDATE_FIELDS}
    form = CaseUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case_update(
                viewer=viewer.with_purpose("mengubah data kasus"), case=case, **form.cleaned_data
            )
        except CaseInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("Data kasus disimpan."))
            return redirect("cases:detail", pk=case.pk)
    return _form_page(request, case, "cases/update.html", form)


def _may_record_stage(viewer: Viewer, case: Case) -> bool:
    """The next stage exists and the viewer may record it (the verdict is the lead's)."""
    upcoming = next_stage(case)
    if upcoming is None:
        return False
    if upcoming == Stage.PUTUSAN:
        return may_record_case_outcome(viewer, case)
    return may_edit_case(viewer, case)


def _form_page(
    request: HttpRequest, case: Case, template: str, form: Any, **extra: Any
) -> TemplateResponse:
    return TemplateResponse(request, template, {"case": case, "form": form, **extra})


@login_required
@require_http_methods(["GET", "POST"])
def case_stage_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _reader(request)
    case = _case_or_404(viewer, pk)
    _allowed(may_edit_case(viewer, case))
    upcoming = next_stage(case)
    if upcoming is None:
        raise Http404
    _allowed(_may_record_stage(viewer, case))
    form = StageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        writer = viewer.with_purpose("mencatat tahap kasus")
        try:
            if upcoming == Stage.PUTUSAN:
                case_outcome_record(
                    viewer=writer,
                    case=case,
                    verdict=data["verdict"],
                    decided_on=data["on"],
                    note=data["note"],
                )
            else:
                case_stage_advance(
                    viewer=writer, case=case, stage=upcoming, on=data["on"], note=data["note"]
                )
        except CaseInvalid as error:
            form.add_service_errors(
                {("on" if k == "stage" else k): v for k, v in error.errors.items()}
            )
        else:
            messages.success(request, _("Tahap kasus dicatat."))
            return redirect("cases:detail", pk=case.pk)
    return _form_page(
        request,
        case,
        "cases/stage.html",
        form,
        upcoming=upcoming,
        upcoming_label=Stage(upcoming).label,
        is_verdict=upcoming == Stage.PUTUSAN,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_person_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _reader(request)
    case = _case_or_404(viewer, pk)
    _allowed(may_add_case_person(viewer, case))
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case_person_add(
                viewer=viewer.with_purpose("mencatat orang dalam kasus"),
                case=case,
                role=data["role"],
                data=data,
            )
        except CaseInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("Orang ditambahkan ke kasus."))
            return redirect("cases:detail", pk=case.pk)
    return _form_page(request, case, "cases/person.html", form)


@login_required
@require_http_methods(["GET", "POST"])
def case_route_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _reader(request)
    case = _case_or_404(viewer, pk)
    _allowed(may_edit_case(viewer, case))
    form = RouteLegForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case_route_leg_add(
                viewer=viewer.with_purpose("mencatat rute kasus"),
                case=case,
                kind=data["kind"],
                desa_code=data["desa_code"],
                country=data["country"],
                city=data["city"],
                note=data["note"],
            )
        except CaseInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("Titik rute ditambahkan."))
            return redirect("cases:detail", pk=case.pk)
    return _form_page(request, case, "cases/route.html", form)


@login_required
@require_http_methods(["GET", "POST"])
def case_service_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _reader(request)
    case = _case_or_404(viewer, pk)
    _allowed(may_edit_case(viewer, case))
    victims = [(view.pk, view.label) for view in case_victims(viewer=viewer, case=case)]
    form = VictimServiceForm(request.POST or None, victims=victims)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            victim_service_add(
                viewer=viewer.with_purpose("mencatat layanan korban"),
                case=case,
                victim_id=int(data["victim"]),
                kind=data["kind"],
                status=data["status"],
                started_on=data["started_on"],
                completed_on=data["completed_on"],
                provider=data["provider"],
                note=data["note"],
            )
        except CaseInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("Layanan korban dicatat."))
            return redirect("cases:detail", pk=case.pk)
    return _form_page(request, case, "cases/service.html", form, has_victims=bool(victims))


@login_required
@require_http_methods(["GET", "POST"])
def case_service_status_page(request: HttpRequest, pk: int, service_id: int) -> HttpResponseBase:
    viewer = _reader(request)
    case = _case_or_404(viewer, pk)
    _allowed(may_edit_case(viewer, case))
    try:
        service, victim_label = case_service(viewer=viewer, case=case, service_id=service_id)
    except NotVisible:
        raise Http404 from None
    initial = {
        "status": service.status,
        "completed_on": service.completed_on.strftime("%d-%m-%Y") if service.completed_on else "",
        "note": service.note,
    }
    form = VictimServiceStatusForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            victim_service_update(
                viewer=viewer.with_purpose("mencatat layanan korban"),
                case=case,
                service_id=service.pk,
                status=data["status"],
                completed_on=data["completed_on"],
                note=data["note"],
            )
        except CaseInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("Status layanan dicatat."))
            return redirect("cases:detail", pk=case.pk)
    return _form_page(
        request,
        case,
        "cases/service_status.html",
        form,
        service=service,
        victim_label=victim_label,
    )


def _team_candidates(viewer: Viewer, case: Case) -> list[tuple[int, str]]:
    """Investigators and police analysts the viewer may see (the staff directory's rule) who
    are not on the team yet."""
    members = case_team_user_ids(case)
    users = (
        User.objects.visible_to(viewer)
        .filter(role__in=CASE_WORKERS, is_active=True)
        .exclude(pk__in=members)
        .select_related("office")
        .order_by("full_name")
    )
    return [
        (user.pk, f"{user.full_name} ({user.office.name if user.office else '—'})")
        for user in users
    ]


@login_required
@require_http_methods(["GET", "POST"])
def case_team_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _reader(request)
    case = _case_or_404(viewer, pk)
    _allowed(may_manage_case_team(viewer, case))
    form = TeamMemberForm(request.POST or None, candidates=_team_candidates(viewer, case))
    if request.method == "POST" and form.is_valid():
        user = User.objects.visible_to(viewer).filter(pk=int(form.cleaned_data["user"])).first()
        try:
            case_team_member_add(
                viewer=viewer.with_purpose("menyusun tim kasus"), case=case, user=user
            )
        except CaseInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("Anggota tim ditambahkan."))
            return redirect("cases:team", pk=case.pk)
    return _form_page(
        request, case, "cases/team.html", form, team=case_team(viewer=viewer, case=case)
    )


@login_required
@require_POST
def case_team_remove(request: HttpRequest, pk: int, member_id: int) -> HttpResponseBase:
    viewer = _reader(request)
    case = _case_or_404(viewer, pk)
    _allowed(may_manage_case_team(viewer, case))
    try:
        case_team_member_remove(
            viewer=viewer.with_purpose("menyusun tim kasus"), case=case, member_id=member_id
        )
    except CaseInvalid as error:
        messages.error(request, " ".join(error.errors["member"]))
    except CaseWriteRefused:
        raise PermissionDenied from None
    else:
        messages.success(request, _("Anggota dikeluarkan dari tim."))
    return redirect("cases:team", pk=case.pk)
