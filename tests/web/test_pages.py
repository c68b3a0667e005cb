"""The pages of the shell: who may open them, what each role sees, and how they are served."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from benteng.accounts.models import Role, User
from benteng.audit.models import AuditAction, AuditEntry
from tests.conftest import make_user, verified_client

pytestmark = pytest.mark.django_db

ALL_PERSONAS = [
    "petugas_imigrasi",
    "petugas_imigrasi_other",
    "petugas_tpi",
    "analis_imigrasi",
    "pimpasa",
    "penyidik",
    "analis_polri",
    "bhabinkamtibmas",
    "pic_desa",
    "pic_desa_other",
    "pimpinan",
    "admin",
]
SIGNED_IN_PAGES = [
    "/",
    "/profil/",
    "/rekan/",
    "/wilayah/",
    "/wilayah/?q=kronjo",
    "/wilayah/36.03.07/",
    "/kantor/",
    "/kantor/kanim-tangerang/",
]


def _nav_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="main-nav"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "the page has the main navigation"
    return re.findall(r'href="([^"]+)"', nav.group(1))


# --- no access without signing in --------------------------------------------------------


@pytest.mark.parametrize("path", [*SIGNED_IN_PAGES, "/rekan/1/"])
def test_anonymous_visitor_is_sent_to_the_login_page(anonymous_client, path):
    # when
    response = anonymous_client.get(path)
    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/?next=")


# --- served safely -----------------------------------------------------------------------


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_pages_carry_a_strict_csp_and_no_inline_script_or_style(personas, path):
    # given
    client = verified_client(personas.admin)
    # when
    response = client.get(path)
    # then
    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert response.status_code == 200
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "no inline <script>"
    assert " style=" not in html
    assert "<style" not in html
    assert not re.search(r"<[^>]+\son[a-z]+=", html), "no inline event handler"
    assert not re.search(r'(src|href)="(https?:)?//', html), "no asset from another origin"


def test_login_page_also_carries_the_csp(anonymous_client):
    response = anonymous_client.get("/masuk/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_forms_carry_a_csrf_token(anonymous_client):
    html = anonymous_client.get("/masuk/").content.decode()
    assert html.count('name="csrfmiddlewaretoken"') == 2  # sign-in and language switch


# --- Indonesian first, English selectable ------------------------------------------------


def test_language_switch_to_english_changes_the_page(anonymous_client):
    # given
    indonesian = anonymous_client.post("/masuk/", {"username": "", "password": ""})
    # when
    switched = anonymous_client.post("/i18n/setlang/", {"language": "en", "next": "/masuk/"})
    english = anonymous_client.post("/masuk/", {"username": "", "password": ""})
    # then
    assert switched.status_code == 302
    assert switched["Location"] == "/masuk/"
    assert '<html lang="id">' in indonesian.content.decode()
    assert "Bidang ini tidak boleh kosong." in indonesian.content.decode()
    html = english.content.decode()
    assert '<html lang="en">' in html
    assert "This field is required." in html
    assert "Bidang ini tidak boleh kosong." not in html
    assert '<strong lang="en">English</strong>' in html


def test_language_switch_is_a_post_form_on_every_page(personas):
    html = verified_client(personas.pic_desa).get("/").content.decode()
    assert '<form class="language-switch" method="post" action="/i18n/setlang/">' in html
    assert 'name="language" value="en"' in html


def test_numbers_use_the_indonesian_thousands_separator(personas):
    # when: Banten has more than a thousand desa/kelurahan, written 1.xxx in Indonesian
    html = verified_client(personas.petugas_imigrasi).get("/wilayah/36/").content.decode()
    # then
    assert re.search(r"<dd>1\.\d{3}</dd>", html)


# --- navigation per role -----------------------------------------------------------------


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_navigation_shows_only_what_the_role_may_use(personas, persona):
    # given
    user = getattr(personas, persona)
    # when
    links = _nav_links(verified_client(user).get("/").content.decode())
    # then
    common = ["/", "/profil/", "/rekan/", "/wilayah/", "/kantor/"]
    assert links[: len(common)] == common
    admin_links = [link for link in links if link.startswith("/admin/")]
    if user.role == Role.ADMIN:
        assert admin_links == [
            "/admin/",
            "/admin/audit/auditentry/",
            "/admin/api/webhookdelivery/",
        ]
    else:
        assert admin_links == []


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_every_navigation_link_opens_for_the_role(personas, persona):
    # given
    client = verified_client(getattr(personas, persona))
    # when
    links = _nav_links(client.get("/").content.decode())
    # then
    for link in links:
        assert client.get(link).status_code == 200, link


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/audit/auditentry/", "/admin/api/webhookdelivery/"]
)
def test_administration_links_are_real_pages_for_the_admin(personas, path):
    assert verified_client(personas.admin).get(path).status_code == 200


def test_current_page_is_marked_in_the_navigation(personas):
    html = verified_client(personas.penyidik).get("/wilayah/36.03/").content.decode()
    assert '<a href="/wilayah/" aria-current="page">' in html


@pytest.mark.parametrize(
    ("persona", "path", "current"),
    [
        ("petugas_tpi", "/penyaringan/tpi/", "/penyaringan/tpi/"),
        ("petugas_tpi", "/penyaringan/keberangkatan/", "/penyaringan/keberangkatan/"),
        ("analis_imigrasi", "/penyaringan/permohonan/", "/penyaringan/permohonan/"),
        ("analis_imigrasi", "/penyaringan/keberangkatan/", "/penyaringan/keberangkatan/"),
        ("petugas_imigrasi", "/penyaringan/loket/", "/penyaringan/loket/"),
        ("petugas_imigrasi", "/", "/"),
        ("admin", "/admin/audit/auditentry/", "/admin/audit/auditentry/"),
    ],
)
def test_one_navigation_link_is_current(personas, persona, path, current):
    # given a page several screening links share a section with
    html = verified_client(getattr(personas, persona)).get(path).content.decode()
    # then exactly one link is marked, the page's own
    marked = re.findall(r'<a href="([^"]+)" aria-current="page">', html)
    assert marked == [current]


# --- home per role -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_home_says_what_the_role_is_for_in_indonesian(personas, persona):
    # given
    from benteng.web.roles import ROLE_PURPOSES

    user = getattr(personas, persona)
    # when
    response = verified_client(user).get("/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="id">' in html
    assert "Tugas peran Anda" in html
    assert str(ROLE_PURPOSES[user.role]) in html.replace("&quot;", '"')
    assert str(Role(user.role).label) in html


@pytest.mark.parametrize("persona", ["pimpasa", "bhabinkamtibmas", "pic_desa"])
def test_village_roles_see_their_villages_with_kecamatan(personas, persona):
    # given
    user = getattr(personas, persona)
    # when
    html = verified_client(user).get("/").content.decode()
    # then
    for village in user.villages.select_related("parent"):
        assert f'<a href="/wilayah/{village.code}/">{village.name}</a>' in html
        assert f"<td>{village.parent.name}<br>" in html


def test_office_staff_see_their_office_and_its_coverage(personas):
    # given
    officer = personas.petugas_imigrasi
    # when
    html = verified_client(officer).get("/").content.decode()
    # then
    assert officer.office.name in html
    coverage = officer.office.coverage.select_related("region").first()
    assert coverage is not None
    assert f'<a href="/wilayah/{coverage.region.code}/">{coverage.region.name}</a>' in html
    # two accounts at Kanim Tangerang: the officer and the PIMPASA
    assert re.search(r"Pegawai aktif</dt><dd>2</dd>", html)


def test_leadership_home_has_aggregates_and_no_names(personas):
    # when
    html = verified_client(personas.pimpinan).get("/").content.decode()
    # then
    assert "Desa per kabupaten/kota" in html
    assert "Pengguna aktif per instansi" in html
    others = [u for name, u in personas.all().items() if name != "pimpinan"]
    for user in others:
        assert user.full_name not in html
        assert user.username not in re.sub(r'name="[^"]*"', "", html)
    # the PIMPASA's two Kronjo villages are counted as Desa Binaan of Kabupaten Tangerang
    row = re.search(r"<th scope=\"row\">Kabupaten Tangerang</th>(.*?)</tr>", html, re.S)
    assert row
    figures = re.findall(r'<td class="number">([\d.]+)</td>', row.group(1))
    assert figures[1:] == ["2", "2", "1"]


def test_admin_home_reports_locks_audit_and_chain(personas, anonymous_client, settings):
    # given
    settings.AXES_FAILURE_LIMIT = 2
    for attempt in range(2):
        anonymous_client.post(
            "/masuk/", {"username": personas.penyidik.username, "password": f"x{attempt}"}
        )
    # when
    html = verified_client(personas.admin).get("/").content.decode()
    # then
    assert '<dd data-testid="locked-out">1</dd>' in html
    today = AuditEntry.objects.count()
    assert f'<dd data-testid="audit-today">{today}</dd>' in html
    assert "Utuh:" in html
    assert "Pengguna aktif per peran" in html


def test_admin_home_reports_a_broken_audit_chain(personas):
    # given
    client = verified_client(personas.admin)
    client.get("/profil/")  # writes at least one audit entry
    entry = AuditEntry.objects.order_by("sequence").first()
    AuditEntry.objects.filter(pk=entry.pk).update(purpose="diubah diam-diam")
    # when
    html = client.get("/").content.decode()
    # then
    assert f"Rantai putus pada catatan nomor {entry.sequence}" in html


# --- own profile and the staff directory -------------------------------------------------


def test_profile_shows_own_contact_details_and_is_audited(personas):
    # given
    officer = personas.petugas_imigrasi
    # when
    html = verified_client(officer).get("/profil/").content.decode()
    # then
    assert officer.email in html
    assert officer.phone in html
    assert "Verifikasi dua langkah aktif." in html
    entry = AuditEntry.objects.filter(action=AuditAction.READ).latest("sequence")
    assert entry.actor_id == officer.pk
    assert entry.object_ids == [str(officer.pk)]


def test_directory_lists_visible_colleagues_with_name_role_office_and_audits_the_list(
    personas,
):
    # given
    officer = personas.petugas_imigrasi
    # when
    html = verified_client(officer).get("/rekan/").content.decode()
    # then
    assert personas.pimpasa.full_name in html  # same office
    assert personas.petugas_imigrasi_other.full_name not in html  # another Kanim
    assert personas.penyidik.full_name not in html
    assert personas.pimpasa.email not in html
    assert personas.pimpasa.phone not in html
    entry = AuditEntry.objects.filter(action=AuditAction.LIST).latest("sequence")
    assert entry.actor_id == officer.pk
    assert set(entry.object_ids) == {str(officer.pk), str(personas.pimpasa.pk)}


def test_directory_search_by_name_and_role(personas):
    client = verified_client(personas.pimpasa)
    by_role = client.get("/rekan/", {"role": Role.BHABINKAMTIBMAS}).content.decode()
    assert personas.bhabinkamtibmas.full_name in by_role
    assert personas.pic_desa.full_name not in by_role
    by_name = client.get("/rekan/", {"q": "picdesa"}).content.decode()
    assert personas.pic_desa.full_name in by_name
    assert personas.bhabinkamtibmas.full_name not in by_name


@pytest.mark.parametrize(
    ("viewer", "partner"),
    [
        pytest.param("petugas_imigrasi", "pimpasa", id="same-office"),
        pytest.param("pic_desa", "bhabinkamtibmas", id="same-village-police"),
        pytest.param("bhabinkamtibmas", "pimpasa", id="same-village-immigration"),
    ],
)
def test_a_working_partner_shows_name_office_and_work_contacts(personas, viewer, partner):
    # given
    colleague = getattr(personas, partner)
    colleague.phone = "081311112222"
    colleague.save(update_fields=["phone"])
    # when
    response = verified_client(getattr(personas, viewer)).get(f"/rekan/{colleague.pk}/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert colleague.full_name in html
    assert colleague.office.name in html
    assert colleague.email in html
    assert "081311112222" in html
    entry = AuditEntry.objects.filter(action=AuditAction.READ).latest("sequence")
    assert entry.object_ids == [str(colleague.pk)]


def test_admin_sees_contact_details_of_anyone(personas):
    html = verified_client(personas.admin).get(f"/rekan/{personas.penyidik.pk}/").content
    assert personas.penyidik.email in html.decode()


@pytest.mark.parametrize(
    ("viewer", "subject"),
    [
        pytest.param("petugas_imigrasi", "petugas_imigrasi_other", id="other-kanim"),
        pytest.param("petugas_imigrasi", "penyidik", id="other-agency"),
        pytest.param("pic_desa", "pic_desa_other", id="other-village"),
        pytest.param("pimpinan", "penyidik", id="leadership-other-office"),
    ],
)
def test_a_colleague_of_another_office_is_not_found(personas, viewer, subject):
    # when
    response = verified_client(getattr(personas, viewer)).get(
        f"/rekan/{getattr(personas, subject).pk}/"
    )
    # then
    assert response.status_code == 404


def test_a_missing_account_is_not_found_like_a_forbidden_one(personas):
    client = verified_client(personas.admin)
    missing = User.objects.order_by("-pk").first().pk + 1000
    assert client.get(f"/rekan/{missing}/").status_code == 404
    assert client.get(f"/rekan/{2**64}/").status_code == 404


def test_own_directory_entry_leads_to_the_profile(personas):
    officer = personas.penyidik
    response = verified_client(officer).get(f"/rekan/{officer.pk}/")
    assert response["Location"] == "/profil/"


def test_directory_list_queries_do_not_grow_with_the_staff(personas, django_assert_max_num_queries):
    # given
    client = verified_client(personas.petugas_imigrasi)
    client.get("/rekan/")  # warm the session and caches
    for number in range(40):
        make_user(f"staf{number}", Role.PETUGAS_IMIGRASI, "kanim-tangerang")
    # when / then
    with django_assert_max_num_queries(20):
        response = client.get("/rekan/")
    assert response.content.decode().count('href="/rekan/') >= 42


# --- regions and offices (reference data) ------------------------------------------------


def test_region_search_by_name_lists_places_with_their_parents(personas):
    html = verified_client(personas.pic_desa).get("/wilayah/", {"q": "kronjo"}).content
    text = html.decode()
    assert 'href="/wilayah/36.03.07/">Kronjo</a>' in text
    assert "Kabupaten Tangerang" in text


def test_region_code_lookup_goes_to_the_region(personas):
    client = verified_client(personas.pic_desa)
    found = client.get("/wilayah/", {"q": "36.03.07"})
    missing = client.get("/wilayah/", {"q": "36.99.99"})
    assert found["Location"] == "/wilayah/36.03.07/"
    assert missing.status_code == 200
    assert "Tidak ada wilayah dengan nama atau kode itu." in missing.content.decode()


def test_part_of_a_code_lists_the_regions_it_starts(personas):
    html = verified_client(personas.pic_desa).get("/wilayah/", {"q": "36.03.07.20"}).content
    text = html.decode()
    assert "36.03.07.2001" in text
    assert "36.03.06." not in text


def test_region_search_answers_htmx_with_the_results_fragment_only(personas):
    response = verified_client(personas.pic_desa).get(
        "/wilayah/", {"q": "kronjo"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="region-results"')
    assert "<html" not in html
    assert "Kronjo" in html


def test_region_detail_shows_parent_chain_children_and_covering_offices(personas):
    html = verified_client(personas.penyidik).get("/wilayah/36.03.07/").content.decode()
    assert '<a href="/wilayah/36/">Banten</a>' in html
    assert '<a href="/wilayah/36.03/">Kabupaten Tangerang</a>' in html
    assert "Kantor yang mencakup wilayah ini" in html
    assert "polsek-kronjo" in html


def test_unknown_region_and_office_are_not_found(personas):
    client = verified_client(personas.penyidik)
    assert client.get("/wilayah/99.99/").status_code == 404
    assert client.get("/kantor/tidak-ada/").status_code == 404


def test_offices_list_groups_by_agency_and_detail_shows_coverage(personas):
    client = verified_client(personas.penyidik)
    listing = client.get("/kantor/").content.decode()
    assert 'href="/kantor/kanim-tangerang/"' in listing
    assert 'href="/kantor/polda-banten/"' in listing
    detail = client.get(reverse("web:offices_detail", args=["polsek-kronjo"])).content.decode()
    assert '<a href="/wilayah/36.03.07/">Kronjo</a>' in detail


def _with_chosen_language_middleware(settings) -> None:  # type: ignore[no-untyped-def]
    settings.MIDDLEWARE = [
        "benteng.web.locale.ChosenLanguageMiddleware"
        if name == "django.middleware.locale.LocaleMiddleware"
        else name
        for name in settings.MIDDLEWARE
    ]


def test_an_english_browser_still_gets_indonesian_until_english_is_chosen(settings):
    # given
    from django.test import Client

    _with_chosen_language_middleware(settings)
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    # when
    before = client.get("/masuk/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/masuk/"})
    after = client.get("/masuk/").content.decode()
    # then
    assert '<html lang="id">' in before
    assert '<html lang="en">' in after
