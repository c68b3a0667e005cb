"""Keeping watchlist entries: who may write, what is checked, what is audited and indexed, and
what a hit shows to another agency."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from benteng.access import Viewer
from benteng.audit.models import AuditAction, AuditEntry
from benteng.watchlists.access import HIT_FIELDS
from benteng.watchlists.models import EntrySource, Watchlist, WatchlistEntry
from benteng.watchlists.reference_data import STANDARD_LISTS, load_reference
from benteng.watchlists.services import (
    WatchlistEntryInvalid,
    WatchlistWriteRefused,
    hit_view,
    immigration_decision_watchlist,
    watchlist_entry_create,
    watchlist_entry_expire,
    watchlist_entry_remove,
    watchlist_entry_update,
)
from tests.watchlists.conftest import NIK_MAN, NIK_WOMAN, make_entry, person_data, viewer_of

pytestmark = pytest.mark.django_db


def _audits(entry: WatchlistEntry, action: str) -> list[AuditEntry]:
    return [
        audit
        for audit in AuditEntry.objects.filter(
            object_type="watchlists.watchlistentry", action=action
        ).order_by("sequence")
        if str(entry.pk) in audit.object_ids
    ]


# --- reference lists ---------------------------------------------------------------------


def test_standard_lists_exist_with_owner_and_instruction(personas):
    # when
    lists = {watchlist.code: watchlist for watchlist in Watchlist.objects.all()}
    # then
    assert {item.code for item in STANDARD_LISTS} <= set(lists)
    assert lists["polri-perekrut"].owner_office.code == "polda-banten"
    assert lists["polri-perekrut"].owner_agency.kind == "polri"
    assert lists["imigrasi-deportasi"].owner_office.code == "kanwil-imigrasi-banten"
    assert lists["imigrasi-penundaan-paspor"].is_automatic
    assert all(watchlist.default_instruction for watchlist in lists.values())
    assert "Ditreskrimum" in lists["polri-dpo"].default_contact


def test_loading_the_reference_twice_creates_nothing_and_keeps_changes(personas):
    # given
    Watchlist.objects.filter(code="polri-sponsor").update(default_contact="Kanit 2 Renakta")
    count = Watchlist.objects.count()
    # when
    summary = load_reference()
    # then
    assert summary == "0 watchlists created"
    assert Watchlist.objects.count() == count
    assert Watchlist.objects.get(code="polri-sponsor").default_contact == "Kanit 2 Renakta"


def test_the_automatic_decision_list_is_the_immigration_delay_list(personas):
    watchlist = immigration_decision_watchlist()
    assert watchlist.code == "imigrasi-penundaan-paspor"
    assert watchlist.owner_agency.kind == "imigrasi"
    assert watchlist.is_automatic


# --- who may write -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["analis_polri", "penyidik"])
def test_police_keepers_add_to_police_lists(personas, police_list, persona):
    # when
    entry = make_entry(getattr(personas, persona), police_list)
    # then
    assert entry.pk is not None
    assert entry.owner_office.code == "polda-banten"
    assert entry.created_by == getattr(personas, persona)
    assert entry.source == EntrySource.MANUAL


@pytest.mark.parametrize(
    "persona",
    ["analis_imigrasi", "petugas_imigrasi", "bhabinkamtibmas", "pic_desa", "pimpinan", "admin"],
)
def test_nobody_else_writes_police_lists(personas, police_list, persona):
    with pytest.raises(WatchlistWriteRefused):
        make_entry(getattr(personas, persona), police_list)
    assert not WatchlistEntry.objects.filter(watchlist=police_list).exists()


@pytest.mark.parametrize(
    "persona", ["petugas_imigrasi", "petugas_tpi", "penyidik", "analis_polri", "admin"]
)
def test_only_immigration_analysts_write_immigration_lists(personas, immigration_list, persona):
    with pytest.raises(WatchlistWriteRefused):
        make_entry(getattr(personas, persona), immigration_list)
    assert make_entry(personas.analis_imigrasi, immigration_list).pk


def test_the_automatic_list_is_written_by_the_system_not_by_hand(personas):
    # given
    watchlist = immigration_decision_watchlist()
    system = Viewer.system(purpose="keputusan penundaan paspor")
    # when
    with pytest.raises(WatchlistWriteRefused):
        make_entry(personas.analis_imigrasi, watchlist)
    entry = watchlist_entry_create(
        viewer=system,
        watchlist=watchlist,
        data=person_data(category="Penundaan permohonan paspor", internal_notes=""),
        source=EntrySource.DECISION,
        source_reference="keputusan:17",
    )
    # then
    assert entry.source == EntrySource.DECISION
    assert entry.created_by is None
    assert entry.instruction == watchlist.default_instruction
    # and its keepers may still end it
    watchlist_entry_expire(viewer=viewer_of(personas.analis_imigrasi), entry=entry)
    assert not entry.in_force()


def test_readers_may_not_edit_expire_or_remove(personas, immigration_list):
    # given
    entry = make_entry(personas.analis_imigrasi, immigration_list)
    officer = viewer_of(personas.petugas_imigrasi)
    # then
    with pytest.raises(WatchlistWriteRefused):
        watchlist_entry_update(viewer=officer, entry=entry, data=person_data(full_name="X Y"))
    with pytest.raises(WatchlistWriteRefused):
        watchlist_entry_expire(viewer=officer, entry=entry)
    with pytest.raises(WatchlistWriteRefused):
        watchlist_entry_remove(viewer=officer, entry=entry, reason="coba")
    entry.refresh_from_db()
    assert entry.in_force()
    assert entry.full_name == "Siti Rahmawati"


# --- values ------------------------------------------------------------------------------


def test_values_are_normalised_and_defaults_filled(personas, police_list):
    # when
    entry = make_entry(
        personas.analis_polri,
        police_list,
        nik="3603.0754.0890.0003",
        birth_date="",
        sex="",
        phone="+62 (0) 812 3456 7890",
        desa_code="",
    )
    # then
    assert entry.nik == NIK_WOMAN
    assert entry.birth_date == datetime.date(1990, 8, 14)
    assert entry.sex == "P"
    assert entry.phone == "6281234567890"
    assert entry.passport_no == "C1234567"
    assert entry.region_id == "36.03.07"
    assert entry.instruction == police_list.default_instruction
    assert entry.contact == police_list.default_contact
    assert entry.legal_basis == police_list.default_legal_basis


def test_a_desa_code_sets_the_region(personas, police_list):
    from benteng.regions.models import Region

    desa = Region.objects.filter(parent_id="36.03.07").villages().first()
    entry = make_entry(personas.analis_polri, police_list, desa_code=desa.code)
    assert entry.region_id == desa.code


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nik", "36030754089", "NIK harus 16 digit angka; yang tertulis 11 digit."),
        ("nik", "3603075408900000", "Nomor urut pada NIK (digit 13-16) tidak boleh 0000."),
        ("nik", "3603077308900003", "bukan tanggal yang mungkin"),
        ("birth_date", "31-02-1990", "tidak ada di kalender"),
        ("birth_date", "1990/31/31", "harus ditulis HH-BB-TTTT"),
        ("birth_date", "01-01-2999", "Tanggal lahir ada di masa depan."),
        ("passport_no", "C-12#45", "Nomor paspor “C-12#45” tidak sah"),
        ("phone", "12345", "bukan nomor Indonesia yang sah"),
        ("expires_on", "01-01-2001", "sudah lewat"),
        ("expires_on", "30-02-2030", "tidak ada di kalender"),
        ("sex", "X", "Jenis kelamin harus L (laki-laki) atau P (perempuan)"),
        ("desa_code", "99.99.99.9999", "tidak dikenal"),
        ("full_name", "", "Nama lengkap wajib diisi."),
        ("category", "", "Kategori alasan wajib diisi."),
    ],
    ids=[
        "nik-short",
        "nik-serial",
        "nik-date",
        "date-impossible",
        "date-format",
        "date-future",
        "passport",
        "phone",
        "expiry-past",
        "expiry-impossible",
        "sex",
        "desa",
        "name",
        "category",
    ],
)
def test_bad_values_get_a_clear_indonesian_message(personas, police_list, field, value, message):
    # when
    with pytest.raises(WatchlistEntryInvalid) as raised:
        make_entry(personas.analis_polri, police_list, **{field: value})
    # then
    assert any(message in text for text in raised.value.errors[field]), raised.value.errors
    assert not WatchlistEntry.objects.exists()


def test_a_nik_contradicting_the_stated_birth_date_and_sex_is_refused(personas, police_list):
    with pytest.raises(WatchlistEntryInvalid) as raised:
        make_entry(personas.analis_polri, police_list, nik=NIK_MAN)
    messages = " ".join(raised.value.errors["nik"])
    assert "berbeda dengan tanggal lahir" in messages
    assert "jenis kelamin laki-laki" in messages


def test_every_problem_is_reported_at_once(personas, police_list):
    with pytest.raises(WatchlistEntryInvalid) as raised:
        make_entry(
            personas.analis_polri, police_list, nik="123", passport_no="!", phone="abc", category=""
        )
    assert set(raised.value.errors) == {"nik", "passport_no", "phone", "category"}


def test_a_company_needs_a_name_and_has_no_nik(personas):
    watchlist = Watchlist.objects.get(code="polri-perusahaan")
    with pytest.raises(WatchlistEntryInvalid) as raised:
        make_entry(
            personas.analis_polri, watchlist, subject_type="perusahaan", full_name="", nik=NIK_MAN
        )
    assert "Nama perusahaan wajib diisi." in raised.value.errors["full_name"]
    assert "Perusahaan tidak memiliki NIK" in raised.value.errors["nik"][0]


def test_a_phone_entry_needs_only_the_number(personas):
    watchlist = Watchlist.objects.get(code="polri-nomor-telepon")
    entry = watchlist_entry_create(
        viewer=viewer_of(personas.analis_polri),
        watchlist=watchlist,
        data={"subject_type": "telepon", "phone": "0857 1111 2222", "category": "Nomor perekrut"},
    )
    assert entry.phone == "6285711112222"
    assert entry.full_name == ""
    with pytest.raises(WatchlistEntryInvalid) as raised:
        watchlist_entry_create(
            viewer=viewer_of(personas.analis_polri),
            watchlist=watchlist,
            data={"subject_type": "telepon", "category": "Nomor perekrut"},
        )
    assert "wajib diisi" in raised.value.errors["phone"][0]


# --- audit and index ---------------------------------------------------------------------


def test_every_write_is_audited_with_the_fields_changed(personas, police_list):
    # given
    keeper = viewer_of(personas.analis_polri)
    entry = make_entry(personas.analis_polri, police_list)
    # when
    watchlist_entry_update(
        viewer=keeper, entry=entry, data=person_data(category="Penampung calon PMI")
    )
    watchlist_entry_expire(viewer=keeper, entry=entry)
    watchlist_entry_remove(viewer=keeper, entry=entry, reason="Putusan bebas")
    # then
    created = _audits(entry, AuditAction.CREATE)
    updated = _audits(entry, AuditAction.UPDATE)
    removed = _audits(entry, AuditAction.DELETE)
    assert len(created) == 1
    assert "nik" in created[0].detail["fields"]
    assert [audit.detail["fields"] for audit in updated] == [["category"], ["expires_on"]]
    assert removed[0].detail["fields"] == ["removal_reason", "removed_at"]
    assert all(audit.actor_id == personas.analis_polri.pk for audit in created + updated + removed)
    # values never enter the trail
    assert "Penampung" not in str(updated[0].detail)


def test_an_update_without_changes_writes_nothing(personas, police_list):
    entry = make_entry(personas.analis_polri, police_list)
    watchlist_entry_update(viewer=viewer_of(personas.analis_polri), entry=entry, data=person_data())
    assert _audits(entry, AuditAction.UPDATE) == []


def test_writes_reach_the_screening_index_on_commit(
    personas, police_list, recording_index, django_capture_on_commit_callbacks
):
    # given
    keeper = viewer_of(personas.penyidik)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        entry = make_entry(personas.penyidik, police_list)
    with django_capture_on_commit_callbacks(execute=True):
        watchlist_entry_expire(viewer=keeper, entry=entry)
    with django_capture_on_commit_callbacks(execute=True):
        watchlist_entry_remove(viewer=keeper, entry=entry, reason="salah input")
    # then
    assert recording_index.indexed == [(entry.pk, True), (entry.pk, False), (entry.pk, False)]


def test_nothing_is_indexed_before_the_transaction_commits(
    personas, police_list, recording_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_entry(personas.penyidik, police_list)
    assert len(callbacks) == 1
    assert recording_index.indexed == []


# --- in force ----------------------------------------------------------------------------


def test_expired_and_removed_entries_are_not_in_force(personas, police_list):
    # given
    keeper = viewer_of(personas.analis_polri)
    today = timezone.localdate()
    kept = make_entry(personas.analis_polri, police_list, nik="", passport_no="A1111111")
    ending_today = make_entry(
        personas.analis_polri,
        police_list,
        nik="",
        passport_no="A2222222",
        expires_on=today.isoformat(),
    )
    expired = make_entry(personas.analis_polri, police_list, nik="", passport_no="A3333333")
    removed = make_entry(personas.analis_polri, police_list, nik="", passport_no="A4444444")
    # when
    watchlist_entry_expire(viewer=keeper, entry=expired)
    watchlist_entry_remove(viewer=keeper, entry=removed, reason="salah input")
    # then
    in_force = set(WatchlistEntry.objects.in_force().values_list("pk", flat=True))
    assert in_force == {kept.pk, ending_today.pk}
    assert expired.expires_on == today - datetime.timedelta(days=1)
    assert not expired.in_force()
    assert not removed.in_force()
    assert not ending_today.in_force(on=today + datetime.timedelta(days=1))


def test_a_removed_entry_cannot_be_edited(personas, police_list):
    keeper = viewer_of(personas.analis_polri)
    entry = make_entry(personas.analis_polri, police_list)
    watchlist_entry_remove(viewer=keeper, entry=entry, reason="salah input")
    with pytest.raises(WatchlistWriteRefused):
        watchlist_entry_update(viewer=keeper, entry=entry, data=person_data(full_name="Lain"))


def test_an_expired_entry_keeps_its_past_date_when_edited(personas, police_list):
    keeper = viewer_of(personas.analis_polri)
    entry = make_entry(personas.analis_polri, police_list)
    watchlist_entry_expire(viewer=keeper, entry=entry)
    data = person_data(expires_on=entry.expires_on.isoformat(), category="Penampung calon PMI")
    watchlist_entry_update(viewer=keeper, entry=entry, data=data)
    entry.refresh_from_db()
    assert entry.category == "Penampung calon PMI"
    assert not entry.in_force()


# --- the hit view ------------------------------------------------------------------------


def test_another_agency_sees_a_hit_never_the_internal_notes(personas, police_list):
    # given
    entry = make_entry(personas.analis_polri, police_list)
    officer = viewer_of(personas.petugas_imigrasi)
    # when
    view = hit_view(viewer=officer, entry=entry)
    # then
    assert "internal_notes" not in view
    assert "legal_basis" not in view
    assert "address" not in view
    assert "Informan" not in str(view)
    assert set(view) >= HIT_FIELDS
    assert view["full_name"] == "Siti Rahmawati"
    assert view["instruction"] == police_list.default_instruction
    assert view["watchlist_kind"] == "perekrut"
    assert view["watchlist_kind_label"] == "Terduga perekrut/calo"
    assert view["owner_office_name"] == "Kepolisian Daerah Banten"
    assert view["owner_agency"] == "polri"
    assert view["is_owner"] is False
    assert view["index_id"] == f"w{entry.pk}"


@pytest.mark.parametrize("persona", ["analis_polri", "penyidik"])
def test_the_owning_agency_sees_everything(personas, police_list, persona):
    entry = make_entry(personas.analis_polri, police_list)
    view = hit_view(viewer=viewer_of(getattr(personas, persona)), entry=entry)
    assert view["internal_notes"] == "Informan: kepala dusun. Jangan dibagikan."
    assert view["legal_basis"] == police_list.default_legal_basis
    assert view["is_owner"] is True
    assert view["owner_office_name"] == "Kepolisian Daerah Banten"


def test_the_system_sees_everything(personas, police_list):
    entry = make_entry(personas.analis_polri, police_list)
    view = hit_view(viewer=Viewer.system(purpose="penyaringan"), entry=entry)
    assert "internal_notes" in view


# --- the real screening index --------------------------------------------------------------


@pytest.fixture
def fresh_screening_index():  # type: ignore[no-untyped-def]
    from benteng.people.index import screening_index_reset

    screening_index_reset()
    yield
    screening_index_reset()


def test_changes_reach_the_real_screening_index_at_once(
    personas, police_list, fresh_screening_index, django_capture_on_commit_callbacks
):
    # given: a differently written name of the same person, as a counter officer types it
    from benteng.core.records import IdentityRecord
    from benteng.people.index import screening_index
    from benteng.people.sources import SourceRef

    keeper = viewer_of(personas.analis_polri)
    probe = IdentityRecord(
        id="probe", name="SITI RAHMAWATY", birth_date=datetime.date(1990, 8, 14), nik=NIK_WOMAN
    )
    screening_index().search_watchlist(probe)  # built now, before the entry exists
    # when
    with django_capture_on_commit_callbacks(execute=True):
        entry = make_entry(personas.analis_polri, police_list)
    found = [c.ref for c in screening_index().search_watchlist(probe)]
    with django_capture_on_commit_callbacks(execute=True):
        watchlist_entry_expire(viewer=keeper, entry=entry)
    after_expiry = [c.ref for c in screening_index().search_watchlist(probe)]
    # then
    assert SourceRef("watchlists.watchlistentry", entry.pk) in found
    assert SourceRef("watchlists.watchlistentry", entry.pk) not in after_expiry


def test_a_decision_keeps_the_applicants_nik_even_when_it_is_the_problem(personas):
    # given: an applicant whose NIK contradicts the stated birth date and sex
    watchlist = immigration_decision_watchlist()
    system = Viewer.system(purpose="keputusan penundaan paspor")
    data = person_data(
        nik=NIK_MAN, category="Penundaan permohonan paspor", internal_notes="", passport_no=""
    )
    # when
    entry = watchlist_entry_create(
        viewer=system, watchlist=watchlist, data=data, source=EntrySource.DECISION
    )
    short = watchlist_entry_create(
        viewer=system,
        watchlist=watchlist,
        data={**data, "nik": "3603-0702"},
        source=EntrySource.DECISION,
    )
    # then
    assert entry.nik == NIK_MAN
    assert entry.birth_date == datetime.date(1990, 8, 14)
    assert short.nik == "36030702"
    # while a keeper typing the same values is told
    with pytest.raises(WatchlistEntryInvalid):
        make_entry(
            personas.analis_imigrasi, Watchlist.objects.get(code="imigrasi-deportasi"), nik=NIK_MAN
        )


def test_hits_are_loaded_by_entry_id_in_one_query(personas, police_list, django_assert_num_queries):
    # given
    from benteng.watchlists.selectors import watchlist_entries_for_hits

    first = make_entry(personas.analis_polri, police_list)
    second = make_entry(personas.analis_polri, police_list, nik=NIK_MAN, birth_date="", sex="")
    removed = make_entry(personas.analis_polri, police_list, nik="", passport_no="A9999999")
    watchlist_entry_remove(viewer=viewer_of(personas.analis_polri), entry=removed, reason="x")
    officer = viewer_of(personas.petugas_tpi)
    ids = [first.pk, second.pk, removed.pk, removed.pk + 1000]
    # when
    with django_assert_num_queries(1):
        entries = watchlist_entries_for_hits(entry_ids=ids)
        views = [hit_view(viewer=officer, entry=entry) for entry in entries.values()]
    # then
    assert set(entries) == {first.pk, second.pk}
    assert all("internal_notes" not in view for view in views)


@pytest.mark.parametrize(
    "persona", ["petugas_imigrasi", "petugas_imigrasi_other", "petugas_tpi", "bhabinkamtibmas"]
)
def test_officers_outside_the_list_readers_get_hits_only_even_of_their_own_agency(
    personas, persona
):
    # given: an entry of an immigration list and one of a police list, with internal notes
    immigration = make_entry(
        personas.analis_imigrasi, Watchlist.objects.get(code="imigrasi-deportasi")
    )
    police = make_entry(personas.analis_polri, Watchlist.objects.get(code="polri-perekrut"))
    viewer = viewer_of(getattr(personas, persona))
    # then: no rows of any list, and a hit shows only the hit fields
    assert not WatchlistEntry.objects.visible_to(viewer).exists()
    for entry in (immigration, police):
        view = hit_view(viewer=viewer, entry=entry)
        assert "internal_notes" not in view
        assert "legal_basis" not in view
        assert "Informan" not in str(view)
        assert "watchlist_code" not in view
        # "owner" still says whose list it is
        assert view["is_owner"] is (viewer.agency_kind == entry.watchlist.owner_agency.kind)


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("analis_imigrasi", "imigrasi-deportasi"),
        ("penyidik", "polri-perekrut"),
        ("analis_polri", "polri-perekrut"),
    ],
)
def test_the_list_readers_read_their_agencys_entries_in_full(personas, persona, code):
    keeper = personas.analis_imigrasi if code.startswith("imigrasi") else personas.analis_polri
    entry = make_entry(keeper, Watchlist.objects.get(code=code))
    viewer = viewer_of(getattr(personas, persona))
    assert list(WatchlistEntry.objects.visible_to(viewer)) == [entry]
    assert hit_view(viewer=viewer, entry=entry)["internal_notes"].startswith("Informan")
