"""Pages of the watchlists: the lists of one's agency, their entries, and keeping them.

The owning agency's analysts (immigration analysts; police investigators and analysts) read
and write its lists; counter and TPI officers get 403 here and see entries only as hits.
Another agency's list or entry answers 404, exactly like a missing one: other agencies learn
of an entry only as a hit on a screening. Every read of entries is audited.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from benteng.access import NotVisible, Viewer, access_object
from benteng.accounts.models import User
from benteng.audit.services import audit_record_list
from benteng.downloads import private_file_response
from benteng.watchlists.access import (
    access_watchlist_by_code,
    may_keep_watchlist,
    may_read_watchlists,
)
from benteng.watchlists.forms import (
    EntryFilterForm,
    ExportForm,
    ImportUploadForm,
    RemoveEntryForm,
    WatchlistEntryForm,
)
from benteng.watchlists.imports import (
    COLUMN_NAMES,
    EXPORT_CONTENT_TYPES,
    MAX_FILE_BYTES,
    pending_import_store,
    pending_import_take,
    watchlist_export,
    watchlist_import_apply,
    watchlist_import_preview,
    watchlist_import_template,
)
from benteng.watchlists.models import Watchlist, WatchlistEntry
from benteng.watchlists.selectors import (
    EntryStatus,
    watchlist_categories,
    watchlist_entry_list,
    watchlist_list,
)
from benteng.watchlists.services import (
    WatchlistEntryInvalid,
    WatchlistWriteRefused,
    watchlist_entry_create,
    watchlist_entry_expire,
    watchlist_entry_remove,
    watchlist_entry_update,
)
from benteng.watchlists.validation import ENTRY_INPUT_FIELDS, entry_input_values

PAGE_SIZE = 50
READ_PURPOSE = "pengelolaan daftar pantauan"
# The entry fields a detail page shows, in display order (internal notes last).
DETAIL_FIELDS = (
    "subject_type",
    "full_name",
    "nik",
    "birth_date",
    "sex",
    "birth_place",
    "passport_no",
    "address",
    "region",
    "phone",
    "licence_number",
    "category",
    "legal_basis",
    "owner_office",
    "expires_on",
    "sharing_level",
    "instruction",
    "contact",
    "source",
    "source_reference",
    "created_at",
    "updated_at",
    "internal_notes",
)


# --- helpers -----------------------------------------------------------------------------


def _viewer(request: HttpRequest, purpose: str = READ_PURPOSE) -> Viewer:
    user: User = request.user  # type: ignore[assignment]
    return Viewer.for_user(user, purpose=purpose)


def _reader(request: HttpRequest) -> Viewer:
    viewer = _viewer(request)
    if not may_read_watchlists(viewer):
        raise PermissionDenied
    return viewer


def _watchlist_or_404(viewer: Viewer, code: str) -> Watchlist:
    try:
        return access_watchlist_by_code(viewer, code)
    except NotVisible:
        raise Http404 from None


def _entry_or_404(viewer: Viewer, pk: int) -> WatchlistEntry:
    try:
        return access_object(
            viewer,
            WatchlistEntry,
            pk,
            queryset=WatchlistEntry.objects.select_related(
                "watchlist__owner_agency",
                "watchlist__owner_office",
                "owner_office",
                "region",
                "created_by",
            ),
        )
    except NotVisible:
        raise Http404 from None


def _require_keeper(viewer: Viewer, watchlist: Watchlist) -> None:
    if not may_keep_watchlist(viewer, watchlist):
        raise PermissionDenied


def _entry_status(entry: WatchlistEntry) -> str:
    if entry.removed_at is not None:
        return EntryStatus.REMOVED
    if entry.in_force():
        return EntryStatus.IN_FORCE
    return EntryStatus.EXPIRED


def _form_initial(entry: WatchlistEntry) -> dict[str, Any]:
    """Stored values as the form shows them (dates as HH-BB-TTTT)."""
    initial = entry_input_values(entry)
    for name in ("birth_date", "expires_on"):
        value = initial.get(name)
        initial[name] = value.strftime("%d-%m-%Y") if isinstance(value, datetime.date) else ""
    return initial


def _detail_rows(entry: WatchlistEntry) -> list[dict[str, Any]]:
    rows = []
    for name in DETAIL_FIELDS:
        model_field = WatchlistEntry._meta.get_field(name)
        display = getattr(entry, f"get_{name}_display", None)
        value = display() if callable(display) and getattr(entry, name) else getattr(entry, name)
        kind = "text"
        if isinstance(value, datetime.datetime):
            kind = "datetime"
        elif isinstance(value, datetime.date):
            kind = "date"
        elif name in {"instruction", "internal_notes"}:
            kind = "multiline"
        rows.append(
            {
                "name": name,
                "label": getattr(model_field, "verbose_name", name),
                "value": value,
                "kind": kind,
            }
        )
    return rows


# --- lists and entries -------------------------------------------------------------------


@login_required
@require_GET
def watchlist_index(request: HttpRequest) -> TemplateResponse:
    viewer = _reader(request)
    watchlists = list(watchlist_list(viewer=viewer))
    rows = [
        {"watchlist": item, "is_keeper": may_keep_watchlist(viewer, item)} for item in watchlists
    ]
    return TemplateResponse(request, "watchlists/index.html", {"rows": rows})


@login_required
@require_GET
def watchlist_entries(request: HttpRequest, code: str) -> TemplateResponse:
    viewer = _reader(request)
    watchlist = _watchlist_or_404(viewer, code)
    form = EntryFilterForm(
        request.GET or None, categories=watchlist_categories(watchlist=watchlist)
    )
    status, category, query = EntryStatus.IN_FORCE, "", ""
    if form.is_bound and form.is_valid():
        status = form.cleaned_data["status"] or EntryStatus.IN_FORCE
        category = form.cleaned_data["category"]
        query = form.cleaned_data["q"].strip()
    entries = watchlist_entry_list(
        viewer=viewer, watchlist=watchlist, status=status, category=category, query=query
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    audit_record_list(
        viewer=viewer,
        model=WatchlistEntry,
        objects=shown,
        search={"q": query, "category": category},
    )
    today = timezone.localdate()
    rows = [
        {
            "entry": entry,
            "in_force": entry.removed_at is None
            and (entry.expires_on is None or entry.expires_on >= today),
        }
        for entry in shown
    ]
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return TemplateResponse(
        request,
        "watchlists/entries.html",
        {
            "watchlist": watchlist,
            "form": form,
            "rows": rows,
            "page": page,
            "query": query_string.urlencode(),
            "status": status,
            "is_keeper": may_keep_watchlist(viewer, watchlist),
            "export_form": ExportForm(),
        },
    )


@login_required
@require_GET
def entry_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    viewer = _reader(request)
    entry = _entry_or_404(viewer, pk)
    status = _entry_status(entry)
    return TemplateResponse(
        request,
        "watchlists/entry_detail.html",
        {
            "entry": entry,
            "watchlist": entry.watchlist,
            "rows": _detail_rows(entry),
            "status": status,
            "can_change": may_keep_watchlist(viewer, entry.watchlist)
            and status != EntryStatus.REMOVED,
        },
    )


# --- keeping entries ---------------------------------------------------------------------


def _form_page(
    request: HttpRequest, watchlist: Watchlist, form: WatchlistEntryForm, entry: Any = None
) -> TemplateResponse:
    return TemplateResponse(
        request,
        "watchlists/entry_form.html",
        {
            "watchlist": watchlist,
            "form": form,
            "entry": entry,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest, code: str) -> HttpResponseBase:
    viewer = _reader(request)
    watchlist = _watchlist_or_404(viewer, code)
    _require_keeper(viewer, watchlist)
    if watchlist.is_automatic:
        messages.error(request, _("Daftar ini diisi otomatis dari keputusan petugas imigrasi."))
        return redirect("watchlists:entries", code=watchlist.code)
    form = WatchlistEntryForm(request.POST or None, watchlist=watchlist)
    if request.method == "POST" and form.is_valid():
        try:
            entry = watchlist_entry_create(
                viewer=viewer.with_purpose("menambah entri daftar pantauan"),
                watchlist=watchlist,
                data=form.cleaned_data,
            )
        except WatchlistEntryInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("Entri ditambahkan ke daftar pantauan."))
            return redirect("watchlists:entry_detail", pk=entry.pk)
    return _form_page(request, watchlist, form)


@login_required
@require_http_methods(["GET", "POST"])
def entry_update(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _reader(request)
    entry = _entry_or_404(viewer, pk)
    _require_keeper(viewer, entry.watchlist)
    if entry.removed_at is not None:
        raise Http404
    form = WatchlistEntryForm(
        request.POST or None,
        watchlist=entry.watchlist,
        initial=_form_initial(entry),
        current_category=entry.category,
    )
    if request.method == "POST" and form.is_valid():
        try:
            watchlist_entry_update(
                viewer=viewer.with_purpose("mengubah entri daftar pantauan"),
                entry=entry,
                data=form.cleaned_data,
            )
        except WatchlistEntryInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("Perubahan entri disimpan."))
            return redirect("watchlists:entry_detail", pk=entry.pk)
    return _form_page(request, entry.watchlist, form, entry)


@login_required
@require_http_methods(["GET", "POST"])
def entry_expire(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _reader(request)
    entry = _entry_or_404(viewer, pk)
    _require_keeper(viewer, entry.watchlist)
    if request.method == "POST":
        try:
            watchlist_entry_expire(
                viewer=viewer.with_purpose("mengakhiri entri daftar pantauan"), entry=entry
            )
        except WatchlistWriteRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Entri tidak berlaku lagi mulai hari ini."))
        return redirect("watchlists:entry_detail", pk=entry.pk)
    return TemplateResponse(
        request,
        "watchlists/entry_confirm.html",
        {"entry": entry, "watchlist": entry.watchlist, "action": "expire"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_remove(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _reader(request)
    entry = _entry_or_404(viewer, pk)
    _require_keeper(viewer, entry.watchlist)
    form = RemoveEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        watchlist_entry_remove(
            viewer=viewer.with_purpose("mencabut entri daftar pantauan"),
            entry=entry,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Entri dicabut dan tidak lagi memicu hit."))
        return redirect("watchlists:entry_detail", pk=entry.pk)
    return TemplateResponse(
        request,
        "watchlists/entry_confirm.html",
        {"entry": entry, "watchlist": entry.watchlist, "action": "remove", "form": form},
    )


# --- import and export -------------------------------------------------------------------


def _import_page(request: HttpRequest, watchlist: Watchlist, **context: Any) -> TemplateResponse:
    columns = [
        {
            "name": aliases[0],
            "label": getattr(WatchlistEntry._meta.get_field(name), "verbose_name", name)
            if name != "desa_code"
            else _("kode desa/kelurahan"),
        }
        for name, aliases in COLUMN_NAMES.items()
        if name in ENTRY_INPUT_FIELDS
    ]
    return TemplateResponse(
        request,
        "watchlists/import.html",
        {"watchlist": watchlist, "columns": columns, **context},
    )


@login_required
@require_http_methods(["GET", "POST"])
def watchlist_import(request: HttpRequest, code: str) -> HttpResponseBase:
    """Upload → preview with the row-by-row report → confirm → valid rows written."""
    viewer = _reader(request)
    watchlist = _watchlist_or_404(viewer, code)
    _require_keeper(viewer, watchlist)
    if watchlist.is_automatic:
        messages.error(request, _("Daftar ini diisi otomatis dari keputusan petugas imigrasi."))
        return redirect("watchlists:entries", code=watchlist.code)
    if request.method == "POST" and "confirm" in request.POST:
        return _import_confirm(request, viewer, watchlist)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        # The form refused anything over MAX_FILE_BYTES from its size; read no more than that.
        content = uploaded.read(MAX_FILE_BYTES + 1)
        preview = watchlist_import_preview(
            watchlist=watchlist, filename=uploaded.name, content=content
        )
        token = ""
        if preview.can_import:
            token = pending_import_store(
                viewer=viewer, watchlist=watchlist, filename=uploaded.name, content=content
            )
        return _import_page(
            request, watchlist, form=ImportUploadForm(), preview=preview, token=token
        )
    return _import_page(request, watchlist, form=form)


def _import_confirm(request: HttpRequest, viewer: Viewer, watchlist: Watchlist) -> HttpResponse:
    pending = pending_import_take(
        viewer=viewer, watchlist=watchlist, token=request.POST.get("token", "")
    )
    if pending is None:
        messages.error(
            request, _("Pratinjau impor ini sudah tidak berlaku. Unggah berkasnya sekali lagi.")
        )
        return redirect("watchlists:import", code=watchlist.code)
    filename, content = pending
    result = watchlist_import_apply(
        viewer=viewer.with_purpose("impor daftar pantauan"),
        watchlist=watchlist,
        filename=filename,
        content=content,
    )
    return _import_page(
        request,
        watchlist,
        form=ImportUploadForm(),
        preview=result.preview,
        imported=len(result.entries),
        done=True,
    )


@login_required
@require_POST
def watchlist_export_file(request: HttpRequest, code: str) -> HttpResponseBase:
    viewer = _reader(request)
    watchlist = _watchlist_or_404(viewer, code)
    _require_keeper(viewer, watchlist)
    form = ExportForm(request.POST)
    if not form.is_valid():
        return redirect("watchlists:entries", code=watchlist.code)
    file_format = form.cleaned_data["file_format"]
    status = request.POST.get("status") or EntryStatus.IN_FORCE
    if status not in EntryStatus.__members__.values():
        status = EntryStatus.IN_FORCE
    entries = watchlist_entry_list(
        viewer=viewer.with_purpose("ekspor daftar pantauan"), watchlist=watchlist, status=status
    ).select_related("region")
    data = watchlist_export(
        viewer=viewer.with_purpose("ekspor daftar pantauan"),
        watchlist=watchlist,
        file_format=file_format,
        entries=entries,
    )
    stamp = timezone.localdate().isoformat()
    return private_file_response(
        data,
        filename=f"{watchlist.code}-{status}-{stamp}.{file_format}",
        content_type=EXPORT_CONTENT_TYPES[file_format],
    )


@login_required
@require_GET
def watchlist_import_template_file(request: HttpRequest, code: str) -> HttpResponseBase:
    viewer = _reader(request)
    watchlist = _watchlist_or_404(viewer, code)
    _require_keeper(viewer, watchlist)
    file_format = request.GET.get("format", "xlsx")
    if file_format not in EXPORT_CONTENT_TYPES:
        raise Http404
    return private_file_response(
        watchlist_import_template(file_format=file_format),
        filename=f"templat-{watchlist.code}.{file_format}",
        content_type=EXPORT_CONTENT_TYPES[file_format],
    )
