"""Pages of the risk rules: list, detail, an analyst's edit, the version history with what
changed, and the destination countries with their moratorium flag.

Everyone in immigration may read the rules (they teach officers what to look for); other
agencies get a 404, as for a page that does not exist. Only immigration analysts edit; another
immigration role gets a 403 on the edit pages. Rules are not personal data; every change is
audited by the service.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from benteng.access.viewer import Viewer
from benteng.accounts.models import User
from benteng.core.risk import SCORING_CODE
from benteng.screening import rules as rule_services
from benteng.screening.access import may_edit_rules, may_read_rules
from benteng.screening.forms_rules import DestinationForm, RuleForm, parameter_rows
from benteng.screening.models import DestinationCountry, RiskRule, RuleSetVersion

PURPOSE = "mengelola aturan risiko"


def _reader(request: HttpRequest) -> Viewer:
    user: User = request.user  # type: ignore[assignment]
    viewer = Viewer.for_user(user, purpose=PURPOSE)
    if not may_read_rules(viewer):
        raise Http404
    return viewer


def _editor(request: HttpRequest) -> Viewer:
    viewer = _reader(request)
    if not may_edit_rules(viewer):
        raise PermissionDenied(_("Hanya analis imigrasi yang dapat mengubah aturan risiko."))
    return viewer


def _apply_errors(form: Form, error: ValidationError) -> None:
    """Put a service's validation errors on the form's fields (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _pretty(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


@login_required
def rule_list(request: HttpRequest) -> TemplateResponse:
    viewer = _reader(request)
    version, _configs = rule_services.rules_current()
    rules = list(RiskRule.objects.order_by("order", "code"))
    return TemplateResponse(
        request,
        "screening/rules_list.html",
        {
            "rules": [rule for rule in rules if rule.code != SCORING_CODE],
            "scoring": next((rule for rule in rules if rule.code == SCORING_CODE), None),
            "version": version,
            "can_edit": may_edit_rules(viewer),
        },
    )


@login_required
def rule_detail(request: HttpRequest, code: str) -> TemplateResponse:
    viewer = _reader(request)
    rule = get_object_or_404(RiskRule, code=code)
    questions = [
        question if isinstance(question, dict) else {"id": question, "en": ""}
        for question in rule.questions or []
    ]
    return TemplateResponse(
        request,
        "screening/rules_detail.html",
        {
            "rule": rule,
            "is_scoring": rule.code == SCORING_CODE,
            "parameters": parameter_rows(rule),
            "questions": questions,
            "versions": RuleSetVersion.objects.filter(changed_rule=rule.code)
            .select_related("created_by")
            .order_by("-number")[:10],
            "can_edit": may_edit_rules(viewer),
        },
    )


@login_required
def rule_edit(request: HttpRequest, code: str) -> HttpResponseBase:
    viewer = _editor(request)
    rule = get_object_or_404(RiskRule, code=code)
    if request.method == "POST":
        form = RuleForm(request.POST, rule=rule)
        if form.is_valid():
            data = form.cleaned_data
            try:
                version = rule_services.rule_update(
                    viewer=viewer,
                    rule=rule,
                    weight=data["weight"],
                    is_enabled=data["is_enabled"],
                    parameters=data["parameters"],
                    questions=data["questions"],
                    name=data["name"],
                    description=data["description"],
                    change_note=data["change_note"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Aturan disimpan sebagai versi %(number)s.") % {"number": version.number},
                )
                return redirect("risk_rules:detail", code=rule.code)
    else:
        form = RuleForm(initial=RuleForm.initial_for(rule), rule=rule)
    return TemplateResponse(
        request,
        "screening/rules_edit.html",
        {
            "rule": rule,
            "form": form,
            "is_scoring": rule.code == SCORING_CODE,
        },
    )


@login_required
def version_list(request: HttpRequest) -> TemplateResponse:
    _reader(request)
    return TemplateResponse(
        request,
        "screening/rules_versions.html",
        {"versions": rule_services.rule_set_versions()},
    )


@login_required
def version_detail(request: HttpRequest, number: int) -> TemplateResponse:
    _reader(request)
    version = get_object_or_404(RuleSetVersion.objects.select_related("created_by"), number=number)
    diff = rule_services.rule_set_diff(version=version)
    names = dict(DestinationCountry.objects.values_list("code", "name"))
    return TemplateResponse(
        request,
        "screening/rules_version_detail.html",
        {
            "version": version,
            "diff": diff,
            "changes": [
                {
                    "change": change,
                    "fields": [
                        {
                            "field": getattr(
                                RiskRule._meta.get_field(field.field), "verbose_name", field.field
                            ),
                            "before": _pretty(field.before),
                            "after": _pretty(field.after),
                        }
                        for field in change.fields
                    ],
                }
                for change in diff.rules
            ],
            "moratorium_added": [names.get(code, code) for code in diff.moratorium_added],
            "moratorium_removed": [names.get(code, code) for code in diff.moratorium_removed],
        },
    )


@login_required
def destination_list(request: HttpRequest) -> TemplateResponse:
    viewer = _reader(request)
    return TemplateResponse(
        request,
        "screening/rules_destinations.html",
        {
            "countries": rule_services.destinations_with_rules(),
            "can_edit": may_edit_rules(viewer),
        },
    )


def _destination_form_page(
    request: HttpRequest, viewer: Viewer, country: DestinationCountry | None
) -> HttpResponseBase:
    if request.method == "POST":
        form = DestinationForm(request.POST, country=country)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = rule_services.destination_save(
                    viewer=viewer,
                    code=country.code if country else data["code"],
                    name=data["name"],
                    domestic_work_moratorium=data["domestic_work_moratorium"],
                    note=data["note"],
                    change_note=data["change_note"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Negara %(name)s disimpan.") % {"name": saved.name})
                return redirect("risk_rules:destinations")
    elif country is not None:
        form = DestinationForm(initial=DestinationForm.initial_for(country), country=country)
    else:
        form = DestinationForm()
    return TemplateResponse(
        request, "screening/rules_destination_edit.html", {"form": form, "country": country}
    )


@login_required
def destination_create(request: HttpRequest) -> HttpResponseBase:
    return _destination_form_page(request, _editor(request), None)


@login_required
def destination_edit(request: HttpRequest, code: str) -> HttpResponseBase:
    viewer = _editor(request)
    country = get_object_or_404(DestinationCountry, code=code.upper())
    return _destination_form_page(request, viewer, country)
