"""Every capability against every persona, compared with a table a reviewer can read.

The rows are the named predicates of the apps' ``access.py`` (what a viewer may do); the
columns are the personas of ``tests/conftest.py``, two client systems and Benteng itself.
``Y`` means the predicate allows, ``.`` that it refuses. When the code and the table disagree,
the test prints both tables and the rows that differ.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from django.utils import timezone

from benteng.access.viewer import Viewer, ViewerKind
from benteng.accounts import access as accounts_access
from benteng.accounts.models import AgencyKind, Office, Role, User
from benteng.api.models import ApiScope
from benteng.audit.models import AuditEntry
from benteng.cases import access as cases_access
from benteng.cases.models import Case, CaseKind, Modus
from benteng.cases.services import case_open
from benteng.cases.validation import ROMAN_MONTHS
from benteng.cooperation import access as cooperation_access
from benteng.cooperation.models import Facility, FacilityBooking, Operation, Training
from benteng.referrals import access as referrals_access
from benteng.referrals.models import Referral
from benteng.screening import access as screening_access
from benteng.screening.models import DepartureCheck, PassportApplication
from benteng.village_reports import access as village_reports_access
from benteng.village_reports.models import ReportStatus, VillageReport
from benteng.villages import access as villages_access
from benteng.villages.models import DesaBinaan
from benteng.watchlists import access as watchlists_access
from benteng.watchlists.models import Watchlist
from tests.screening.flow_factories import application_make, departure_make

# Columns: the personas of tests/conftest.py, then two client systems and Benteng itself.
PERSONA_COLUMNS = {
    "imi": "petugas_imigrasi",  # Kanim Tangerang
    "imi2": "petugas_imigrasi_other",  # Kanim Serang: the other office
    "tpi": "petugas_tpi",  # TPI Soekarno-Hatta
    "anI": "analis_imigrasi",  # Kanwil
    "pmp": "pimpasa",  # Kanim Tangerang, villages of Kronjo
    "pen": "penyidik",  # Polda
    "anP": "analis_polri",  # Polda
    "bha": "bhabinkamtibmas",  # Polsek Kronjo
    "pic": "pic_desa",  # a village of Kronjo
    "pic2": "pic_desa_other",  # a far village
    "pim": "pimpinan",  # leadership, Kanwil
    "adm": "admin",  # Kanwil
}
CLIENT_COLUMNS = {
    "kKan": ("kanim-tangerang", Role.PETUGAS_IMIGRASI),  # a Kanim's passport system
    "kTPI": ("tpi-bandara-soekarno-hatta", Role.PETUGAS_TPI),  # a TPI's departure system
}
SYSTEM_COLUMN = "sys"  # Benteng itself, a background task
COLUMNS = [*PERSONA_COLUMNS, *CLIENT_COLUMNS, SYSTEM_COLUMN]

EXPECTED = """
                                   imi imi2 tpi anI pmp pen anP bha pic pic2 pim adm kKan kTPI sys
may_screen_applications              Y    Y   .   .   .   .   .   .   .    .   .   .    Y    .   .
may_screen_departures                .    .   Y   .   .   .   .   .   .    .   .   .    .    Y   .
may_decide_applications              Y    Y   .   .   .   .   .   .   .    .   .   .    .    .   .
may_decide_departures                .    .   Y   .   .   .   .   .   .    .   .   .    .    .   .
may_amend_application(Tangerang)     Y    .   .   .   .   .   .   .   .    .   .   .    .    .   .
may_amend_departure(Soekarno-Hatta)  .    .   Y   .   .   .   .   .   .    .   .   .    .    .   .
may_read_applications                Y    Y   .   Y   .   .   .   .   .    .   .   .    Y    .   .
may_read_departures                  .    .   Y   Y   .   .   .   .   .    .   .   .    .    Y   .
may_read_referred                    .    .   .   .   .   Y   Y   .   .    .   .   .    .    .   .
may_open_applications                Y    Y   .   Y   .   Y   Y   .   .    .   .   .    Y    .   .
may_open_departures                  .    .   Y   Y   .   Y   Y   .   .    .   .   .    .    Y   .
may_read_rules                       Y    Y   Y   Y   Y   .   .   .   .    .   Y   Y    .    .   .
may_edit_rules                       .    .   .   Y   .   .   .   .   .    .   .   .    .    .   .
may_read_decision_oversight          .    .   .   Y   .   .   .   .   .    .   Y   .    .    .   .
may_read_watchlists                  .    .   .   Y   .   Y   Y   .   .    .   .   .    .    .   .
may_keep_watchlist(imigrasi list)    .    .   .   Y   .   .   .   .   .    .   .   .    .    .   Y
may_keep_watchlist(polri list)       .    .   .   .   .   Y   Y   .   .    .   .   .    .    .   Y
may_open_referrals                   Y    Y   Y   Y   Y   Y   Y   Y   Y    Y   Y   .    .    .   .
may_send_referrals                   Y    Y   Y   Y   Y   Y   Y   Y   Y    Y   .   .    .    .   .
may_send_referrals_as_client         .    .   .   .   .   .   .   .   .    .   .   .    Y    Y   .
may_acknowledge_referral(to Polda)   .    .   .   .   .   Y   Y   .   .    .   .   .    .    .   .
may_acknowledge_as_client(to Polda)  .    .   .   .   .   .   .   .   .    .   .   .    .    .   .
may_assign_referral(to Polda)        .    .   .   .   .   Y   Y   .   .    .   .   .    .    .   .
may_close_referral(to Polda)         .    .   .   .   .   Y   Y   .   .    .   .   .    .    .   .
may_return_referral(to Polda)        .    .   .   .   .   Y   Y   .   .    .   .   .    .    .   .
may_comment_on_referral(to Polda)    Y    .   .   .   Y   Y   Y   .   .    .   .   .    .    .   .
may_add_referral_files(to Polda)     Y    .   .   .   Y   Y   Y   .   .    .   .   .    .    .   .
may_add_referral_subjects(to Polda)  Y    .   .   .   Y   .   .   .   .    .   .   .    .    .   .
may_read_referral(to Polda)          Y    .   .   .   Y   Y   Y   .   .    .   Y   .    Y    .   Y
may_see_referral_outcome(to Polda)   Y    .   .   .   Y   Y   Y   .   .    .   Y   .    Y    .   Y
may_administer                       .    .   .   .   .   .   .   .   .    .   .   Y    .    .   .
may_read_aggregates_only             .    .   .   .   .   .   .   .   .    .   Y   .    .    .   .
may_manage_api_clients               .    .   .   .   .   .   .   .   .    .   .   Y    .    .   .
may_manage_webhooks                  .    .   .   .   .   .   .   .   .    .   .   Y    .    .   .
may_use_own_webhooks                 .    .   .   .   .   .   .   .   .    .   .   .    Y    Y   .
may_read_audit_trail                 .    .   .   .   .   .   .   .   .    .   .   Y    .    .   .
may_read_audit_search_terms(imi)     Y    .   .   .   .   .   .   .   .    .   .   .    .    .   Y
may_read_notifications               Y    Y   Y   Y   Y   Y   Y   Y   Y    Y   Y   Y    .    .   .
may_read_cases                       .    .   .   .   .   Y   Y   .   .    .   .   .    .    .   .
may_open_case                        .    .   .   .   .   Y   .   .   .    .   .   .    .    .   Y
may_edit_case(Polda case)            .    .   .   .   .   Y   .   .   .    .   .   .    .    .   Y
may_add_case_person(Polda case)      .    .   .   .   .   Y   .   .   .    .   .   .    .    .   Y
may_see_victim_identity(Polda case)  .    .   .   .   .   Y   .   .   .    .   .   .    .    .   Y
may_manage_case_team(Polda case)     .    .   .   .   .   Y   .   .   .    .   .   .    .    .   Y
may_record_case_outcome(Polda case)  .    .   .   .   .   Y   .   .   .    .   .   .    .    .   Y
may_read_joint_work                  Y    Y   Y   Y   .   Y   Y   .   .    .   Y   .    .    .   .
may_record_joint_work                .    .   .   Y   .   .   Y   .   .    .   Y   .    .    .   .
may_edit_training(Kanwil training)   .    .   .   Y   .   .   .   .   .    .   Y   .    .    .   .
may_edit_operation(Polda operation)  .    .   .   .   .   .   Y   .   .    .   .   .    .    .   .
may_keep_facilities                  .    .   .   Y   .   .   Y   .   .    .   Y   .    .    .   .
may_edit_facility(Kanim S-H room)    .    .   .   Y   .   .   .   .   .    .   Y   .    .    .   .
may_book_facility                    Y    Y   Y   Y   .   Y   Y   .   .    .   Y   .    .    .   .
may_cancel_booking(Polda's booking)  .    .   .   Y   .   Y   Y   .   .    .   Y   .    .    .   .
may_read_cooperation_report          .    .   .   Y   .   .   Y   .   .    .   Y   .    .    .   .
may_file_village_reports               .    .   .   .   Y   .   .   Y   Y    Y   .   .    .    .   .
may_name_reporter                      .    .   .   .   .   .   .   .   Y    Y   .   .    .    .   .
may_open_village_reports               Y    Y   .   Y   Y   Y   Y   Y   Y    Y   .   .    .    .   .
may_file_village_report_for(Kronjo)    .    .   .   .   Y   .   .   Y   Y    .   .   .    .    .   .
may_follow_up_village_report(Kronjo)   .    .   .   .   Y   .   .   Y   .    .   .   .    .    .   .
may_refer_village_report(Kronjo)       .    .   .   .   Y   .   .   Y   .    .   .   .    .    .   .
may_see_reporter(Kronjo)               .    .   .   .   .   .   .   .   Y    .   .   .    .    .   .
may_read_exchange_ledger             .    .   .   Y   .   .   Y   .   .    .   Y   .    .    .   .
may_read_person_exchanges            .    .   .   Y   .   .   Y   .   .    .   .   .    .    .   .
may_open_villages                    Y    Y   .   Y   Y   Y   Y   Y   Y    Y   Y   Y    .    .   .
may_manage_designations              .    .   .   .   .   .   .   .   .    .   .   Y    .    .   Y
may_read_village_activity            Y    Y   .   Y   Y   Y   Y   Y   Y    Y   Y   .    .    .   .
may_record_service_days              .    .   .   .   Y   .   .   .   .    .   .   .    .    .   Y
may_record_outreach                  .    .   .   .   Y   .   .   Y   Y    Y   .   .    .    .   Y
may_work_in_village(Kronjo)          .    .   .   .   Y   .   .   Y   Y    .   .   .    .    .   Y
may_keep_work_plans                  .    .   .   .   Y   .   .   .   .    .   .   .    .    .   .
may_read_outreach_list               .    .   .   .   Y   .   .   Y   .    .   Y   .    .    .   .
may_import_pmi_counts                .    .   .   Y   .   .   .   .   .    .   .   Y    .    .   .
"""
# The referral predicates asked of one referral, from Kanim Tangerang (imi's and pmp's office)
# to Polda Banten (pen's and anP's).
REFERRAL_PREDICATES = (
    "may_acknowledge_referral",
    "may_acknowledge_as_client",
    "may_assign_referral",
    "may_close_referral",
    "may_return_referral",
    "may_comment_on_referral",
    "may_add_referral_files",
    "may_add_referral_subjects",
    "may_read_referral",
    "may_see_referral_outcome",
)
# Predicates asked of one record, each given its rows in _capabilities.
RECORD_PREDICATES = (
    frozenset(
        {
            "may_keep_watchlist",
            "may_amend_application",
            "may_amend_departure",
            "may_read_audit_search_terms",
        }
        | set(REFERRAL_PREDICATES)
    )
    | frozenset(
        {
            "may_edit_case",
            "may_add_case_person",
            "may_see_victim_identity",
            "may_manage_case_team",
            "may_record_case_outcome",
        }
    )
    | frozenset(
        {
            "may_edit_training",
            "may_edit_operation",
            "may_edit_facility",
            "may_cancel_booking",
            "may_file_village_report_for",
            "may_follow_up_village_report",
            "may_refer_village_report",
            "may_see_reporter",
            "may_work_in_village",
        }
    )
)
PACKAGE = Path(__file__).resolve().parent.parent.parent / "benteng"


def _access_modules() -> list[ModuleType]:
    """Every app's access.py, including any added later."""
    return [
        importlib.import_module(f"benteng.{path.parent.name}.access")
        for path in sorted(PACKAGE.glob("*/access.py"))
    ]


def _watchlist_of(agency: AgencyKind) -> Watchlist:
    watchlist = Watchlist.objects.filter(owner_agency__kind=agency).select_related("owner_agency")
    found = watchlist.order_by("pk").first()
    assert found is not None, f"the reference data has no {agency} watchlist"
    return found


def _capabilities() -> dict[str, Callable[[Viewer], bool]]:
    """Each row of the table with the question it asks of a viewer."""
    immigration_list = _watchlist_of(AgencyKind.IMIGRASI)
    police_list = _watchlist_of(AgencyKind.POLRI)
    rows: dict[str, Callable[[Viewer], bool]] = {
        name: getattr(module, name)
        for module in _access_modules()
        for name in _predicate_names(module)
        if name not in RECORD_PREDICATES
    }
    rows["may_keep_watchlist(imigrasi list)"] = lambda viewer: watchlists_access.may_keep_watchlist(
        viewer, immigration_list
    )
    rows["may_keep_watchlist(polri list)"] = lambda viewer: watchlists_access.may_keep_watchlist(
        viewer, police_list
    )
    # Correcting or voiding a record: asked of an application of Kanim Tangerang and a check
    # of TPI Soekarno-Hatta (imi's and tpi's own offices).
    application = application_make()
    check = departure_make()
    rows["may_amend_application(Tangerang)"] = lambda viewer: (
        screening_access.may_amend_application(viewer, application)
    )
    rows["may_amend_departure(Soekarno-Hatta)"] = lambda viewer: (
        screening_access.may_amend_departure(viewer, check)
    )
    # An entry of the audit trail recording imi's search: its terms are imi's to read.
    search = AuditEntry(actor_id=User.objects.get(username="imigrasi").pk)
    rows["may_read_audit_search_terms(imi)"] = lambda viewer: (
        accounts_access.may_read_audit_search_terms(viewer, search)
    )
    referral = Referral(
        sender_office=Office.objects.get(code="kanim-tangerang"),
        receiving_office=Office.objects.get(code="polda-banten"),
    )
    for name in REFERRAL_PREDICATES:
        may = getattr(referrals_access, name)
        rows[f"{name}(to Polda)"] = lambda viewer, may=may: may(viewer, referral)
    # A case of Polda Banten led by its investigator (pen): the team is pen alone.
    case = _polda_case()
    for name in sorted(RECORD_PREDICATES):
        if hasattr(cases_access, name):
            predicate = getattr(cases_access, name)
            rows[f"{name}(Polda case)"] = lambda viewer, may=predicate: may(viewer, case)
    rows.update(_joint_work_rows())
    # A verified report of the focal person's Kronjo village (pmp, bha and pic work it).
    desa = sorted(User.objects.get(username="picdesa").villages.values_list("code", flat=True))[0]
    report = VillageReport(village_id=desa, status=ReportStatus.VERIFIED)
    rows["may_file_village_report_for(Kronjo)"] = lambda viewer: (
        village_reports_access.may_file_village_report_for(viewer, desa)
    )
    for name in ("may_follow_up_village_report", "may_refer_village_report", "may_see_reporter"):
        may = getattr(village_reports_access, name)
        rows[f"{name}(Kronjo)"] = lambda viewer, may=may: may(viewer, report)
    # The first Kronjo village of the PIMPASA, the Bhabinkamtibmas and the PIC desa.
    kronjo = DesaBinaan(region_id=User.objects.get(username="picdesa").villages.get().code)
    rows["may_work_in_village(Kronjo)"] = lambda viewer: villages_access.may_work_in_village(
        viewer, kronjo
    )
    return rows


def _joint_work_rows() -> dict[str, Callable[[Viewer], bool]]:
    """A training of the Kanwil, an operation led by Polda, an interview room of Kanim
    Soekarno-Hatta (below the Kanwil) and Polda's booking of it."""
    kanwil = Office.objects.get(code="kanwil-imigrasi-banten")
    polda = Office.objects.get(code="polda-banten")
    training = Training(organiser_office=kanwil)
    operation = Operation(lead_office=polda)
    room = Facility(owner_office=Office.objects.get(code="kanim-soekarno-hatta"))
    booking = FacilityBooking(facility=room, office=polda)
    return {
        "may_edit_training(Kanwil training)": lambda viewer: cooperation_access.may_edit_training(
            viewer, training
        ),
        "may_edit_operation(Polda operation)": lambda viewer: cooperation_access.may_edit_operation(
            viewer, operation
        ),
        "may_edit_facility(Kanim S-H room)": lambda viewer: cooperation_access.may_edit_facility(
            viewer, room
        ),
        "may_cancel_booking(Polda's booking)": lambda viewer: cooperation_access.may_cancel_booking(
            viewer, booking
        ),
    }


def _polda_case() -> Case:
    lp_date = timezone.localdate()
    return case_open(
        viewer=Viewer.system(purpose="uji tabel kemampuan"),
        kind=CaseKind.TPPO,
        lp_number=f"LP/B/1/{ROMAN_MONTHS[lp_date.month - 1]}/{lp_date.year}/SPKT/POLDA BANTEN",
        lp_date=lp_date,
        handling_office=Office.objects.get(code="polda-banten"),
        modus=Modus.ONLINE_SCAM,
        lead=User.objects.get(username="penyidik"),
    )


def _predicate_names(module: ModuleType) -> list[str]:
    return [
        name
        for name, value in inspect.getmembers(module, inspect.isfunction)
        if name.startswith("may_") and value.__module__ == module.__name__
    ]


def _viewers(personas, make_client) -> dict[str, Viewer]:  # type: ignore[no-untyped-def]
    people = personas.all()
    viewers = {column: Viewer.for_user(people[name]) for column, name in PERSONA_COLUMNS.items()}
    for column, (office_code, role) in CLIENT_COLUMNS.items():
        viewers[column] = Viewer.for_client(make_client(office_code, role))
    viewers[SYSTEM_COLUMN] = Viewer.system(purpose="uji tabel kemampuan")
    return viewers


def _table(cells: dict[str, dict[str, bool]]) -> list[str]:
    """The table as text: one line per capability, Y or . under each column's name."""
    label_width = max(len(row) for row in cells) + 2
    lines = [" " * label_width + " ".join(COLUMNS)]
    for row, allowed in cells.items():
        marks = [("Y" if allowed[column] else ".").rjust(len(column)) for column in COLUMNS]
        lines.append(row.ljust(label_width) + " ".join(marks))
    return lines


def _parse(text: str) -> dict[str, dict[str, bool]]:
    header, *rows = [line for line in text.strip("\n").splitlines() if line.strip()]
    columns = header.split()
    assert columns == COLUMNS, "the table's columns are COLUMNS, in that order"
    parsed = {}
    for line in rows:
        label, *marks = line.rsplit(maxsplit=len(columns))
        assert len(marks) == len(columns), line
        parsed[label] = {c: mark == "Y" for c, mark in zip(columns, marks, strict=True)}
    return parsed


@pytest.fixture
def make_client(reference_data):  # type: ignore[no-untyped-def]
    from benteng.api.services import api_client_create

    def make(office_code: str, role: Role):  # type: ignore[no-untyped-def]
        return api_client_create(
            name=f"Sistem {office_code}",
            office=Office.objects.get(code=office_code),
            role=role,
            scopes=(ApiScope.SCREENING_WRITE,),
            viewer=Viewer.system(purpose="uji tabel kemampuan"),
        ).client

    return make


@pytest.mark.django_db
def test_every_persona_may_do_what_the_table_says(personas, make_client):
    # given
    viewers = _viewers(personas, make_client)
    capabilities = _capabilities()
    expected = _parse(EXPECTED)
    # when
    computed = {
        row: {column: bool(may(viewers[column])) for column in COLUMNS}
        for row, may in capabilities.items()
    }
    # then: same rows, and the same cells, shown as a diff of the two tables
    ordered = {row: computed[row] for row in expected if row in computed}
    ordered.update({row: cells for row, cells in computed.items() if row not in expected})
    if ordered != expected:
        diff = difflib.unified_diff(
            _table(expected), _table(ordered), "the table", "the code", lineterm=""
        )
        pytest.fail("Capabilities differ from the table:\n" + "\n".join(diff))


@pytest.mark.django_db
def test_every_persona_has_a_column(personas):
    assert sorted(PERSONA_COLUMNS.values()) == sorted(personas.all())


def test_every_predicate_of_an_access_module_is_in_the_table():
    # given
    rows = {label.split("(")[0] for label in _parse(EXPECTED)}
    # when
    names = {name for module in _access_modules() for name in _predicate_names(module)}
    # then
    assert names == rows


@pytest.mark.parametrize(
    ("agency", "office_id"),
    [(AgencyKind.POLRI, 1), (AgencyKind.IMIGRASI, None)],
    ids=["police-agency", "no-office"],
)
def test_a_counter_role_outside_an_immigration_office_may_not_screen(agency, office_id):
    # given: what the old copies of the check let through (they looked at the role alone)
    # (a record of the same office, for the predicates asked of one record)
    records = {
        "may_amend_application": (PassportApplication(office_id=office_id),),
        "may_amend_departure": (DepartureCheck(office_id=office_id),),
    }
    for role in (Role.PETUGAS_IMIGRASI, Role.PETUGAS_TPI):
        viewer = Viewer(kind=ViewerKind.USER, role=role, agency_kind=agency, office_id=office_id)
        # when
        allowed = [
            name
            for name in _predicate_names(screening_access)
            if name != "may_read_rules"
            and getattr(screening_access, name)(viewer, *records.get(name, ()))
        ]
        # then
        assert allowed == [], (role, allowed)
