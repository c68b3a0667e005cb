"""Every country is a destination (ISO 3166-1, Indonesia aside); the analysts' list only marks
the countries that have rules."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from benteng.core.countries import HOME_COUNTRY, destination_countries, iso_countries
from benteng.people.index import screening_index_reset
from benteng.screening.cleaning import ApplicationInput, ScreeningInputInvalid
from benteng.screening.models import DestinationCountry, PassportApplication
from tests.conftest import verified_client
from tests.screening.test_views import APPLICANT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_index():  # type: ignore[no-untyped-def]
    screening_index_reset()
    yield
    screening_index_reset()


def test_the_country_list_is_iso_3166_with_indonesian_names() -> None:
    countries = iso_countries()
    assert len(countries) == 249
    assert countries["US"].name == "Amerika Serikat"
    assert countries["NL"].name == "Belanda"
    assert countries["NL"].name_en == "Netherlands"
    assert HOME_COUNTRY not in destination_countries()
    assert len(destination_countries()) == 248


def test_the_counter_offers_every_country_with_the_analysts_countries_first(personas) -> None:
    client = verified_client(personas.petugas_imigrasi)
    page = client.get(reverse("screening:counter")).content.decode()
    select = re.search(r'<select name="destination_country".*?</select>', page, re.S).group(0)
    codes = re.findall(r'<option value="([A-Z]{2})"', select)
    assert set(codes) == destination_countries()
    assert "ID" not in codes
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    assert [label for label, _options in groups] == [
        "Negara dengan aturan (daftar analis)",
        "Semua negara lain",
    ]
    with_rules = set(re.findall(r'value="([A-Z]{2})"', groups[0][1]))
    assert with_rules == set(DestinationCountry.objects.values_list("code", flat=True))
    assert '<option value="US">Amerika Serikat (US)</option>' in groups[1][1]


@pytest.mark.parametrize(("code", "name"), [("US", "Amerika Serikat"), ("NL", "Belanda")])
def test_an_applicant_to_a_country_without_rules_is_screened(personas, code, name) -> None:
    client = verified_client(personas.petugas_imigrasi)
    response = client.post(reverse("screening:counter"), {**APPLICANT, "destination_country": code})
    assert response.status_code == 302
    application = PassportApplication.objects.get(full_name="Nur Aini")
    assert application.destination_country == code
    detail = client.get(response["Location"]).content.decode()
    assert f"→ {name}" in detail


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ID", "di luar Indonesia"),
        ("ZZ", "bukan kode negara ISO 3166-1"),
    ],
)
def test_a_destination_that_is_no_country_abroad_is_refused(code, message) -> None:
    raw = {**APPLICANT, "destination_country": code, "kecamatan": ""}
    with pytest.raises(ScreeningInputInvalid) as raised:
        ApplicationInput.from_raw(raw)
    assert message in " ".join(raised.value.errors["destination_country"])


def test_the_analysts_list_marks_the_countries_with_rules(personas) -> None:
    client = verified_client(personas.petugas_imigrasi)
    page = client.get(reverse("risk_rules:destinations")).content.decode()
    rows = {
        code: row
        for row, code in re.findall(r"(<tr>.*?<code>([A-Z]{2})</code>.*?</tr>)", page, re.S)
    }
    assert "Moratorium PMI domestik" in rows["SA"]
    assert "Sindikat penipuan daring" in rows["KH"]
    assert "Moratorium" not in rows["MY"]
    assert "US" not in rows
    assert "Setiap negara (ISO 3166-1) dapat dipilih" in page


def test_an_analyst_adds_a_country_picked_from_the_iso_list(personas) -> None:
    client = verified_client(personas.analis_imigrasi)
    form = client.get(reverse("risk_rules:destination_create")).content.decode()
    assert '<option value="US">Amerika Serikat (US)</option>' in form
    assert '<option value="MY">' not in form  # already on the list: edited there
    response = client.post(
        reverse("risk_rules:destination_create"),
        {"code": "US", "name": "", "note": "Visa kerja H-2A", "change_note": "Tujuan baru"},
    )
    assert response.status_code == 302
    country = DestinationCountry.objects.get(code="US")
    assert (country.name, country.note) == ("Amerika Serikat", "Visa kerja H-2A")
