"""The one collector of input problems per field: every app raises its own error with it."""

from __future__ import annotations

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from benteng.cases.services import CaseInvalid
from benteng.cooperation.errors import CooperationInvalid
from benteng.problems import FieldProblems, InputInvalid, Problems
from benteng.referrals.errors import ReferralInvalid
from benteng.screening.amendments import AmendmentInvalid
from benteng.screening.cleaning import ScreeningInputInvalid
from benteng.screening.decisions import DecisionInvalid
from benteng.village_reports.services import VillageReportInvalid
from benteng.villages.services import VillageInvalid
from benteng.watchlists.services import WatchlistEntryInvalid


@pytest.mark.parametrize(
    "error",
    [
        CaseInvalid,
        CooperationInvalid,
        ReferralInvalid,
        VillageInvalid,
        VillageReportInvalid,
        ScreeningInputInvalid,
        DecisionInvalid,
        AmendmentInvalid,
        WatchlistEntryInvalid,
        InputInvalid,
    ],
    ids=lambda error: error.__name__,
)
def test_every_problem_is_raised_together_as_the_app_s_own_error(
    error: type[Exception],
) -> None:
    # given
    problems = Problems(error)
    problems.add("full_name", "Nama lengkap wajib diisi.")
    problems.add("nik", "NIK harus 16 angka.")
    problems.add("full_name", "Nama terlalu panjang.")
    problems.add(None, "Formulir tidak lengkap.")

    # when
    with pytest.raises(error) as raised:
        problems.raise_if_any()

    # then
    errors: FieldProblems = raised.value.errors  # type: ignore[attr-defined]
    assert errors == {
        "full_name": ["Nama lengkap wajib diisi.", "Nama terlalu panjang."],
        "nik": ["NIK harus 16 angka."],
        None: ["Formulir tidak lengkap."],
    }
    assert list(errors) == ["full_name", "nik", None]


def test_no_problem_raises_nothing_and_a_cleaner_s_none_is_not_a_problem() -> None:
    # given
    problems = Problems(ReferralInvalid)

    # when
    problems.add("phone", None)
    problems.add("phone", "")

    # then
    assert not problems
    assert "phone" not in problems
    problems.raise_if_any()


def test_a_field_with_a_problem_is_known() -> None:
    problems = Problems(CaseInvalid)

    problems.add("desa_code", "Kode desa/kelurahan tidak dikenal.")

    assert problems
    assert "desa_code" in problems
    assert "lp_number" not in problems


@pytest.mark.parametrize(
    "error",
    [ScreeningInputInvalid, DecisionInvalid, AmendmentInvalid, WatchlistEntryInvalid],
    ids=lambda error: error.__name__,
)
def test_an_error_callers_catch_as_a_validation_error_is_an_input_invalid(
    error: type[Exception],
) -> None:
    assert issubclass(error, InputInvalid)
    assert issubclass(error, ValidationError)


def test_an_input_invalid_keeps_the_problems_and_gives_django_the_whole_form_s_under_all() -> None:
    # given
    problems = Problems(InputInvalid)
    problems.add("weight", "Bobot harus bilangan bulat.")
    problems.add(None, "Tidak ada yang berubah.")
    problems.add(NON_FIELD_ERRORS, "Data ini sudah dibatalkan.")

    # when
    with pytest.raises(ValidationError) as raised:
        problems.raise_if_any()

    # then
    assert isinstance(raised.value, InputInvalid)
    assert raised.value.errors == {
        "weight": ["Bobot harus bilangan bulat."],
        None: ["Tidak ada yang berubah."],
        NON_FIELD_ERRORS: ["Data ini sudah dibatalkan."],
    }
    assert raised.value.message_dict == {
        "weight": ["Bobot harus bilangan bulat."],
        NON_FIELD_ERRORS: ["Tidak ada yang berubah.", "Data ini sudah dibatalkan."],
    }
