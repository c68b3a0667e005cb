"""Risk rules as data: versions, the cached current rule set, analysts' edits, reference
loading that keeps analysts' edits, the document checklist, destination policy, and the
rule pages (with their no-access cases)."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from benteng.access.viewer import Viewer
from benteng.audit.models import AuditEntry
from benteng.core.risk import RiskFacts, assess
from benteng.screening import rules as rule_services
from benteng.screening.models import (
    DestinationCountry,
    RiskRule,
    RuleSetVersion,
    TravelDocument,
    TravelPurpose,
)
from benteng.screening.reference_data import load_reference
from tests.conftest import Personas, verified_client

pytestmark = pytest.mark.django_db


def _analyst(personas: Personas) -> Viewer:
    return Viewer.for_user(personas.analis_imigrasi, purpose="uji aturan")


def _edit(viewer: Viewer, rule: RiskRule, **changes: object) -> RuleSetVersion:
    values: dict[str, object] = {
        "weight": rule.weight,
        "is_enabled": rule.is_enabled,
        "parameters": dict(rule.parameters),
        "questions": list(rule.questions),
        "name": rule.name,
        "description": rule.description,
        "change_note": "Penyesuaian hasil evaluasi triwulan",
    }
    values.update(changes)
    return rule_services.rule_update(viewer=viewer, rule=rule, **values)  # type: ignore[arg-type]


def _group_rule() -> RiskRule:
    return RiskRule.objects.get(code="group_pattern")


# --- reference data -------------------------------------------------------------------------


def test_reference_data_loads_every_rule_country_and_a_first_version() -> None:
    assert RiskRule.objects.count() == len(rule_services.default_rules())
    assert DestinationCountry.objects.filter(domestic_work_moratorium=True).count() == 19
    first = RuleSetVersion.objects.get(number=1)
    assert len(first.snapshot["rules"]) == RiskRule.objects.count()
    assert "SA" in first.snapshot["moratorium_countries"]
    assert "MY" not in first.snapshot["moratorium_countries"]


def test_reference_loading_is_idempotent_and_keeps_analysts_edits(personas: Personas) -> None:
    # given an analyst changed a rule and a country, and another rule was deleted
    _edit(_analyst(personas), _group_rule(), weight=60)
    rule_services.destination_save(
        viewer=_analyst(personas),
        code="MY",
        name="Malaysia",
        domestic_work_moratorium=True,
        note="Uji",
        change_note="Uji",
    )
    RiskRule.objects.filter(code="age_focus_band").delete()
    versions_before = RuleSetVersion.objects.count()
    # when the reference data is loaded again
    summary = load_reference()
    # then the edits stay, the missing rule comes back and a version records it
    assert _group_rule().weight == 60
    assert DestinationCountry.objects.get(code="MY").domestic_work_moratorium is True
    assert RiskRule.objects.filter(code="age_focus_band").exists()
    assert "1 risk rules" in summary
    assert RuleSetVersion.objects.count() == versions_before + 1
    # and a second load changes nothing
    assert load_reference().startswith("0 risk rules and 0 destination countries created")
    assert RuleSetVersion.objects.count() == versions_before + 1


# --- versions and the current rule set --------------------------------------------------------


def test_edit_creates_version_n_plus_one_with_snapshot_and_rules_current_follows(
    personas: Personas,
) -> None:
    # given
    version_before, configs_before = rule_services.rules_current()
    rule = _group_rule()
    assert next(c for c in configs_before if c.code == "group_pattern").weight == 25
    # when
    version = _edit(
        _analyst(personas),
        rule,
        weight=40,
        parameters={"window_days": 7, "min_others": 3},
        change_note="Rombongan kecil kini lebih sering",
    )
    # then
    assert version.number == version_before.number + 1
    assert version.created_by == personas.analis_imigrasi
    assert version.changed_rule == "group_pattern"
    assert version.change_note == "Rombongan kecil kini lebih sering"
    snapshot_rule = next(r for r in version.snapshot["rules"] if r["code"] == "group_pattern")
    assert snapshot_rule["weight"] == 40
    assert snapshot_rule["parameters"] == {"window_days": 7, "min_others": 3}
    current, configs = rule_services.rules_current()
    assert current.pk == version.pk
    config = next(c for c in configs if c.code == "group_pattern")
    assert config.weight == 40
    assert config.parameters["min_others"] == 3
    # the new rules score differently: two others no longer make a group
    facts = RiskFacts("wisata", "JP", same_sponsor_recent=2, has_return_ticket=True)
    assert assess(facts, configs).indicators == []
    assert [i.code for i in assess(facts, configs_before).indicators] == ["group_pattern"]
    # and the old version still holds the old rules
    version_before.refresh_from_db()
    old = next(r for r in version_before.snapshot["rules"] if r["code"] == "group_pattern")
    assert old["weight"] == 25


def test_rules_current_is_cached_per_version(personas: Personas, django_assert_num_queries) -> None:
    rule_services.rules_current()
    with django_assert_num_queries(0):
        version, configs = rule_services.rules_current()
    assert configs
    # A save in this process takes effect at the next screening: the version and its rules are
    # read again (destinations are every ISO country, not read from the database).
    _edit(_analyst(personas), _group_rule(), weight=30)
    with django_assert_num_queries(2):
        newer, _configs = rule_services.rules_current()
    assert newer.number == version.number + 1


def test_rules_current_sees_another_process_version_after_the_recheck_time(
    personas: Personas, django_assert_num_queries, monkeypatch
) -> None:
    version, _configs = rule_services.rules_current()
    # Another process saves a version: this process does not hear of it...
    RuleSetVersion.objects.create(
        number=version.number + 1, change_note="elsewhere", snapshot=version.snapshot
    )
    assert rule_services.rules_current()[0].number == version.number
    # ...until the time it trusts its copy has passed: then one query tells it is stale.
    monkeypatch.setattr(rule_services, "RULES_RECHECK_SECONDS", 0.0)
    assert rule_services.rules_current()[0].number == version.number + 1
    with django_assert_num_queries(1):
        assert rule_services.rules_current()[0].number == version.number + 1


def test_any_iso_country_joins_the_analysts_list_and_the_moratorium(personas: Personas) -> None:
    assert "US" not in rule_services.destination_moratorium_codes()
    country = rule_services.destination_save(
        viewer=_analyst(personas),
        code="us",
        name="",
        domestic_work_moratorium=True,
        note="",
        change_note="uji",
    )
    assert (country.code, country.name) == ("US", "Amerika Serikat")
    assert "US" in rule_services.destination_moratorium_codes()


@pytest.mark.parametrize("code", ["ZZ", "ID", "USA"])
def test_the_analysts_list_takes_only_iso_countries_abroad(personas: Personas, code: str) -> None:
    with pytest.raises(ValidationError) as raised:
        rule_services.destination_save(
            viewer=_analyst(personas),
            code=code,
            name="Negeri Uji",
            domestic_work_moratorium=False,
            note="",
            change_note="uji",
        )
    assert "code" in raised.value.message_dict
    assert not DestinationCountry.objects.filter(code=code).exists()


def test_rules_current_loads_defaults_when_no_version_exists() -> None:
    RuleSetVersion.objects.all().delete()
    RiskRule.objects.all().delete()
    version, configs = rule_services.rules_current()
    assert version.number == 1
    assert {config.code for config in configs} >= {"group_pattern", "person_on_watchlist"}


def test_edit_is_audited(personas: Personas) -> None:
    rule = _group_rule()
    _edit(_analyst(personas), rule, weight=33, is_enabled=False)
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert entry.object_type == "screening.riskrule"
    assert entry.object_ids == [str(rule.pk)]
    assert entry.detail == {"fields": ["is_enabled", "weight"]}
    assert entry.actor_id == personas.analis_imigrasi.pk


@pytest.mark.parametrize(
    "persona",
    ["petugas_imigrasi", "petugas_tpi", "pimpasa", "analis_polri", "penyidik", "admin", "pimpinan"],
)
def test_only_immigration_analysts_edit_rules(personas: Personas, persona: str) -> None:
    viewer = Viewer.for_user(getattr(personas, persona))
    versions = RuleSetVersion.objects.count()
    with pytest.raises(PermissionDenied):
        _edit(viewer, _group_rule(), weight=99)
    assert _group_rule().weight == 25
    assert RuleSetVersion.objects.count() == versions


def test_client_systems_and_background_tasks_do_not_edit_rules(personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        _edit(Viewer.system(purpose="uji"), _group_rule(), weight=99)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"weight": 101}, "weight", id="weight-too-high"),
        pytest.param({"weight": -1}, "weight", id="weight-negative"),
        pytest.param({"weight": "20"}, "weight", id="weight-text"),
        pytest.param({"parameters": {"window_days": "tujuh"}}, "parameters", id="param-type"),
        pytest.param({"parameters": {"hari": 7}}, "parameters", id="param-unknown"),
        pytest.param({"parameters": ["window_days"]}, "parameters", id="param-not-object"),
        pytest.param({"name": " "}, "name", id="name-empty"),
        pytest.param({"change_note": ""}, "change_note", id="note-empty"),
    ],
)
def test_invalid_edits_are_refused_and_change_nothing(
    personas: Personas, changes: dict[str, object], field: str
) -> None:
    versions = RuleSetVersion.objects.count()
    with pytest.raises(ValidationError) as error:
        _edit(_analyst(personas), _group_rule(), **changes)
    assert field in error.value.message_dict
    assert _group_rule().weight == 25
    assert RuleSetVersion.objects.count() == versions


def test_an_edit_that_changes_nothing_is_refused(personas: Personas) -> None:
    with pytest.raises(ValidationError):
        _edit(_analyst(personas), _group_rule())


def test_destination_change_is_versioned_and_feeds_moratorium_codes(personas: Personas) -> None:
    assert "MY" not in rule_services.destination_moratorium_codes()
    assert "SA" in rule_services.destination_moratorium_codes()
    rule_services.destination_save(
        viewer=_analyst(personas),
        code="sa",
        name="Arab Saudi",
        domestic_work_moratorium=False,
        note="Uji coba SPSK diperlakukan sebagai pengecualian",
        change_note="SPSK",
    )
    assert "SA" not in rule_services.destination_moratorium_codes()
    version = RuleSetVersion.objects.order_by("-number").first()
    assert version is not None
    diff = rule_services.rule_set_diff(version=version)
    assert diff.moratorium_removed == ("SA",)
    assert diff.rules == ()
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert entry.object_type == "screening.destinationcountry"


def test_destination_save_refused_for_officers(personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        rule_services.destination_save(
            viewer=Viewer.for_user(personas.petugas_imigrasi),
            code="MY",
            name="Malaysia",
            domestic_work_moratorium=True,
            note="",
            change_note="x",
        )


def test_version_diff_names_the_changed_fields(personas: Personas) -> None:
    version = _edit(_analyst(personas), _group_rule(), weight=31, is_enabled=False)
    diff = rule_services.rule_set_diff(version=version)
    assert [change.code for change in diff.rules] == ["group_pattern"]
    fields = {field.field: (field.before, field.after) for field in diff.rules[0].fields}
    assert fields == {"weight": (25, 31), "is_enabled": (True, False)}


# --- the document checklist and destination policy ---------------------------------------------


@pytest.mark.parametrize(
    ("purpose", "required"),
    [
        pytest.param(
            TravelPurpose.BEKERJA,
            {
                TravelDocument.REKOMENDASI_DISNAKER,
                TravelDocument.SURAT_SEHAT,
                TravelDocument.VISA_KERJA,
                TravelDocument.KONTRAK_KERJA,
                TravelDocument.PERJANJIAN_PENEMPATAN,
                TravelDocument.STATUS_PERKAWINAN,
                TravelDocument.IZIN_KELUARGA,
                TravelDocument.SERTIFIKAT_KOMPETENSI,
                TravelDocument.SERTIFIKAT_PSIKOLOGI,
                TravelDocument.EPMI,
            },
            id="work",
        ),
        pytest.param(TravelPurpose.UMRAH_HAJI, {TravelDocument.REKOMENDASI_KEMENAG}, id="umrah"),
        pytest.param(
            TravelPurpose.KUNJUNGAN_KELUARGA,
            {TravelDocument.SURAT_JAMINAN, TravelDocument.PASPOR_KERABAT},
            id="family-visit",
        ),
        pytest.param(TravelPurpose.WISATA, {TravelDocument.TIKET_PULANG}, id="tourism"),
        pytest.param(TravelPurpose.STUDI, {TravelDocument.SURAT_PENERIMAAN_STUDI}, id="study"),
    ],
)
def test_document_checklist_fits_the_purpose(purpose: str, required: set[str]) -> None:
    items = rule_services.document_checklist(purpose)
    assert {item.document for item in items if item.required} == required
    assert all(item.label and item.basis for item in items)


def test_tourism_checklist_offers_travel_agent_letter_where_relevant() -> None:
    items = {item.document: item for item in rule_services.document_checklist("wisata")}
    assert items[TravelDocument.SURAT_BIRO_PERJALANAN].required is False


def test_destination_policy_checks() -> None:
    saudi = rule_services.destination_policy_checks(destination_country="sa", purpose="wisata")
    assert [check.code for check in saudi] == ["domestic_work_moratorium", "analyst_note"]
    assert "Kepmenaker 260/2015" in saudi[0].message
    cambodia = rule_services.destination_policy_checks(destination_country="KH", purpose="wisata")
    assert "scam_compound_country" in [check.code for check in cambodia]
    japan = rule_services.destination_policy_checks(destination_country="JP", purpose="wisata")
    assert japan == []
    # A country without rules is an ordinary destination: nothing to say.
    usa = rule_services.destination_policy_checks(destination_country="US", purpose="bekerja")
    assert usa == []


# --- pages -------------------------------------------------------------------------------------


READERS = ["petugas_imigrasi", "petugas_tpi", "pimpasa", "analis_imigrasi"]
NON_IMMIGRATION = ["penyidik", "analis_polri", "bhabinkamtibmas", "pic_desa"]


@pytest.mark.parametrize("persona", READERS)
def test_immigration_staff_read_the_rules(personas: Personas, persona: str) -> None:
    client = verified_client(getattr(personas, persona))
    page = client.get("/aturan-risiko/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Pola kelompok" in body
    assert "hanya pendukung keputusan" in body
    for url in [
        "/aturan-risiko/group_pattern/",
        "/aturan-risiko/versi/",
        "/aturan-risiko/versi/1/",
        "/aturan-risiko/negara-tujuan/",
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", NON_IMMIGRATION)
def test_other_agencies_do_not_see_the_rule_pages(personas: Personas, persona: str) -> None:
    client = verified_client(getattr(personas, persona))
    for url in [
        "/aturan-risiko/",
        "/aturan-risiko/group_pattern/",
        "/aturan-risiko/group_pattern/ubah/",
        "/aturan-risiko/versi/",
        "/aturan-risiko/negara-tujuan/",
        "/aturan-risiko/negara-tujuan/MY/ubah/",
    ]:
        assert client.get(url).status_code == 404, url
    assert "/aturan-risiko/" not in client.get("/").content.decode()


def test_anonymous_visitor_is_sent_to_sign_in() -> None:
    from django.test import Client

    response = Client().get("/aturan-risiko/")
    assert response.status_code == 302
    assert "/masuk/" in response["Location"]


@pytest.mark.parametrize("persona", ["petugas_imigrasi", "petugas_tpi", "pimpasa"])
def test_immigration_officers_may_not_edit(personas: Personas, persona: str) -> None:
    client = verified_client(getattr(personas, persona))
    assert client.get("/aturan-risiko/group_pattern/ubah/").status_code == 403
    response = client.post(
        "/aturan-risiko/group_pattern/ubah/",
        {"name": "x", "weight": "99", "parameters": "{}", "change_note": "x"},
    )
    assert response.status_code == 403
    assert _group_rule().weight == 25
    assert client.get("/aturan-risiko/negara-tujuan/MY/ubah/").status_code == 403
    assert "/ubah/" not in client.get("/aturan-risiko/").content.decode()


def _form_data(**changes: str) -> dict[str, str]:
    data = {
        "name": "Pola kelompok",
        "description": "Uraian",
        "weight": "25",
        "is_enabled": "on",
        "param_window_days": "14",
        "param_min_others": "2",
        "questions_id": "Siapa yang mengatur rombongan?",
        "questions_en": "Who arranges the group?",
        "change_note": "Uji halaman",
    }
    data.update(changes)
    return data


def test_analyst_edits_a_rule_through_the_page(personas: Personas) -> None:
    client = verified_client(personas.analis_imigrasi)
    page = client.get("/aturan-risiko/group_pattern/ubah/")
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'<label for="id_param_window_days">Jangka waktu \(hari\)</label>', html)
    assert 'name="param_window_days" value="14"' in html
    assert "Parameter (JSON)" not in html
    response = client.post(
        "/aturan-risiko/group_pattern/ubah/",
        _form_data(weight="45", param_window_days="5", param_min_others="4"),
    )
    assert response.status_code == 302
    rule = _group_rule()
    assert rule.weight == 45
    assert rule.parameters == {"window_days": 5, "min_others": 4}
    assert rule.questions == [
        {"id": "Siapa yang mengatur rombongan?", "en": "Who arranges the group?"}
    ]
    latest = RuleSetVersion.objects.order_by("-number").first()
    assert latest is not None
    history = client.get(f"/aturan-risiko/versi/{latest.number}/").content.decode()
    assert "Persona analisimi" in history
    assert "Uji halaman" in history
    assert "window_days" in history


def test_the_scoring_bands_are_labelled_fields_and_checked_next_to_the_field(
    personas: Personas,
) -> None:
    # given
    client = verified_client(personas.analis_imigrasi)
    # when
    page = client.get("/aturan-risiko/score_bands/ubah/").content.decode()
    listing = client.get("/aturan-risiko/").content.decode()
    response = client.post(
        "/aturan-risiko/score_bands/ubah/",
        {
            "name": "Skor",
            "weight": "0",
            "param_saturation": "100",
            "param_medium_from": "60",
            "param_high_from": "40",
            "change_note": "uji",
        },
    )
    # then
    assert '<label for="id_param_saturation">Jumlah bobot untuk skor 100</label>' in page
    assert "Parameter (JSON)" not in page
    assert "(saturation)" not in listing
    body = response.content.decode()
    assert response.status_code == 200
    field = body.split('id="id_param_high_from"')[1].split("</div>")[0]
    assert "Harus lebih besar dari awal risiko sedang (60)" in field
    assert 'value="40"' in body.split('id="id_param_high_from"')[0][-200:] + field


@pytest.mark.parametrize(
    ("changes", "message", "kept"),
    [
        pytest.param({"weight": "250"}, "Bobot paling besar 100", "250", id="weight"),
        pytest.param({"param_window_days": "lima"}, "Harus bilangan bulat", "lima", id="type"),
        pytest.param({"param_window_days": "0"}, "Paling kecil 1", 'value="0"', id="range"),
        pytest.param({"param_min_others": ""}, "Wajib diisi", "Uraian", id="missing"),
        pytest.param({"change_note": ""}, "Tuliskan alasan perubahan", "Uraian", id="note"),
        pytest.param({"questions_en": "One\nTwo"}, "harus sama", "Two", id="question-count"),
    ],
)
def test_edit_form_keeps_input_on_error(
    personas: Personas, changes: dict[str, str], message: str, kept: str
) -> None:
    client = verified_client(personas.analis_imigrasi)
    versions = RuleSetVersion.objects.count()
    response = client.post("/aturan-risiko/group_pattern/ubah/", _form_data(**changes))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert kept in body
    assert RuleSetVersion.objects.count() == versions
    assert _group_rule().weight == 25


def test_analyst_edits_a_destination_through_the_page(personas: Personas) -> None:
    client = verified_client(personas.analis_imigrasi)
    response = client.post(
        "/aturan-risiko/negara-tujuan/MY/ubah/",
        {"name": "Malaysia", "domestic_work_moratorium": "on", "note": "", "change_note": "Uji"},
    )
    assert response.status_code == 302
    assert DestinationCountry.objects.get(code="MY").domestic_work_moratorium is True
    added = client.post(
        "/aturan-risiko/negara-tujuan/tambah/",
        {"code": "NZ", "name": "Selandia Baru", "note": "", "change_note": "Negara baru"},
    )
    assert added.status_code == 302
    assert DestinationCountry.objects.get(code="NZ").name == "Selandia Baru"
    duplicate = client.post(
        "/aturan-risiko/negara-tujuan/tambah/",
        {"code": "MY", "name": "Malaysia lagi", "note": "", "change_note": "x"},
    )
    assert duplicate.status_code == 200
    assert "sudah ada" in duplicate.content.decode()
    assert "Malaysia lagi" in duplicate.content.decode()


def test_navigation_shows_rules_to_immigration_only(personas: Personas) -> None:
    officer_home = verified_client(personas.petugas_imigrasi).get("/").content.decode()
    assert 'href="/aturan-risiko/"' in officer_home


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_get_consecutive_versions() -> None:
    import threading
    import time

    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time: there is no race to test")
    load_reference()
    start = RuleSetVersion.objects.order_by("-number").first().number  # type: ignore[union-attr]
    numbers: list[int] = []
    errors: list[BaseException] = []
    first_saved = threading.Event()

    def save(hold: float, wait_for_first: bool) -> None:
        try:
            if wait_for_first:
                first_saved.wait(5)
            with transaction.atomic():
                version = rule_services.rule_set_version_create(
                    created_by_id=None, change_note="serentak"
                )
                first_saved.set()
                time.sleep(hold)  # still uncommitted while the other save arrives
            numbers.append(version.number)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(0.5, False)),
        threading.Thread(target=save, args=(0.0, True)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert errors == []
    assert sorted(numbers) == [start + 1, start + 2]


def test_the_migration_drops_pending_from_the_other_office_rule_once() -> None:
    # given: a deployment whose rule still counts applications in progress elsewhere
    migration = importlib.import_module(
        "benteng.screening.migrations.0010_other_office_rule_without_pending"
    )
    rule = RiskRule.objects.get(code="earlier_decision_other_office")
    rule.parameters = {**rule.parameters, "outcomes": [*rule.parameters["outcomes"], "disaring"]}
    rule.description = migration.OLD_WORDING + " — sumber."
    rule.save()
    rule_services.rule_set_version_create(created_by_id=None, change_note="keadaan sebelum migrasi")
    before = RuleSetVersion.objects.order_by("-number").first()
    assert before is not None
    # when: run twice
    migration.drop_pending_outcome(apps, None)
    migration.drop_pending_outcome(apps, None)
    # then: one new version, without "disaring", the other rules as they were
    versions = list(RuleSetVersion.objects.filter(number__gt=before.number))
    assert len(versions) == 1
    rows = {row["code"]: row for row in versions[0].snapshot["rules"]}
    assert "disaring" not in rows["earlier_decision_other_office"]["parameters"]["outcomes"]
    assert "tunda" in rows["earlier_decision_other_office"]["parameters"]["outcomes"]
    before_rows = {row["code"]: row for row in before.snapshot["rules"]}
    assert (
        rows["duplicate_application_same_office"]
        == before_rows["duplicate_application_same_office"]
    )
    rule.refresh_from_db()
    assert "disaring" not in rule.parameters["outcomes"]
    assert rule.description == migration.NEW_WORDING + " — sumber."
    assert rows["earlier_decision_other_office"]["description"] == rule.description
