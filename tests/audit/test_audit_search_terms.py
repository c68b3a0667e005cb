"""The terms of a search are personal data (a name, a NIK): the audit trail keeps them, and
shows them only to whoever may see them (``may_read_audit_search_terms``), masked for
the trail's other readers, administrators included; the stored entry is never changed."""

from __future__ import annotations

import re

import pytest

from benteng.access.policy import visible_fields
from benteng.access.viewer import Viewer
from benteng.accounts.access import may_read_audit_search_terms
from benteng.accounts.models import Role
from benteng.audit.models import AuditAction, AuditEntry
from benteng.audit.services import actor_for_viewer, audit_chain_verify, audit_record
from tests.conftest import make_user, verified_client

pytestmark = pytest.mark.django_db

SEARCHED_NAME = "Noer Hayati"
SEARCHED_NIK = "3603124107900001"


def _text(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _search_entry(user, terms) -> AuditEntry:  # type: ignore[no-untyped-def]
    return audit_record(
        actor=actor_for_viewer(Viewer.for_user(user)),
        action=AuditAction.LIST,
        object_type="screening.passportapplication",
        detail={"search": terms},
    )


@pytest.mark.parametrize(
    "role_name",
    [
        "petugas_imigrasi",
        "petugas_tpi",
        "analis_imigrasi",
        "pimpasa",
        "penyidik",
        "analis_polri",
        "bhabinkamtibmas",
        "pic_desa",
        "pimpinan",
        "admin",
    ],
)
def test_only_the_searcher_and_benteng_read_a_search_s_terms(personas, role_name):
    # given: an officer's search for a name
    entry = _search_entry(personas.petugas_imigrasi_other, {"q": SEARCHED_NAME})
    viewer = Viewer.for_user(getattr(personas, role_name))
    # then: no other role reads its terms, administrators included
    assert not may_read_audit_search_terms(viewer, entry)
    assert "detail" not in visible_fields(viewer, entry)
    # and the searcher does, as does Benteng itself
    searcher = Viewer.for_user(personas.petugas_imigrasi_other)
    assert may_read_audit_search_terms(searcher, entry)
    assert may_read_audit_search_terms(Viewer.system(purpose="verifikasi"), entry)


def test_an_administrator_reads_that_a_search_was_made_but_not_its_terms(personas):
    # given: an officer searches by name and NIK, filtered by a status
    entry = _search_entry(
        personas.petugas_imigrasi, {"q": SEARCHED_NAME, "nik": SEARCHED_NIK, "status": "delayed"}
    )
    stored = dict(entry.detail)
    auditor = verified_client(personas.admin)
    # when: the administrator lists the trail and opens the entry
    listing = _text(auditor.get("/admin/audit/auditentry/"))
    page = _text(auditor.get(f"/admin/audit/auditentry/{entry.pk}/change/"))
    # then: the search and its filter are there, what was typed is not
    for shown in (listing, page):
        assert "pencarian: kata dicari = (disamarkan), nik = (disamarkan)" in shown
        assert "status = «delayed»" in shown
        assert SEARCHED_NAME not in shown
        assert SEARCHED_NIK not in shown
    # and the entry is kept as written, the chain intact
    entry.refresh_from_db()
    assert entry.detail == stored
    assert audit_chain_verify()[1] is None


def test_an_administrator_reads_the_terms_of_their_own_searches(personas):
    # given: an administrator's own search of the accounts, and an officer's search
    admin = personas.admin
    own = _search_entry(admin, {"q": "imigrasi2"})
    _search_entry(personas.petugas_imigrasi, {"q": SEARCHED_NAME})
    # when
    listing = _text(verified_client(admin).get("/admin/audit/auditentry/"))
    # then: they typed their own terms; the officer's stay masked
    assert "kata dicari = «imigrasi2»" in listing
    assert SEARCHED_NAME not in listing
    assert own.detail == {"search": {"q": "imigrasi2"}}


def test_a_second_administrator_does_not_read_the_first_one_s_terms(personas):
    # given: one administrator's search
    _search_entry(personas.admin, {"q": SEARCHED_NAME})
    other = make_user("admin2", Role.ADMIN, "kanwil-imigrasi-banten")
    # when
    listing = _text(verified_client(other).get("/admin/audit/auditentry/"))
    # then
    assert SEARCHED_NAME not in listing
    assert "kata dicari = (disamarkan)" in listing


def test_searching_the_trail_does_not_find_entries_by_their_masked_terms(personas):
    # given: an officer searched for a word that is also an account's username
    searched = _search_entry(personas.petugas_imigrasi, {"q": personas.penyidik.username})
    # when: the administrator searches the trail for that username
    page = verified_client(personas.admin).get(
        "/admin/audit/auditentry/", {"q": personas.penyidik.username}
    )
    # then: the entries naming that account may be listed, the search for it is not
    assert searched.pk not in {entry.pk for entry in page.context["cl"].result_list}


def test_the_trail_s_other_readers_are_refused(personas):
    # given: an officer's search
    _search_entry(personas.petugas_imigrasi, {"q": SEARCHED_NAME})
    # when: a role that does not read the trail asks for it
    page = verified_client(personas.analis_imigrasi).get("/admin/audit/auditentry/")
    # then
    assert page.status_code in (302, 403)
    assert SEARCHED_NAME not in page.content.decode()
