"""The one collector of input problems per field: every app raises its own error with it."""

from __future__ import annotations

import pytest

from benteng.cases.services import CaseInvalid
from benteng.cooperation.errors import CooperationInvalid
from benteng.problems import FieldProblems, Problems
from benteng.referrals.errors import ReferralInvalid
from benteng.village_reports.services import VillageReportInvalid
from benteng.villages.services import VillageInvalid


@pytest.mark.parametrize(
    "error",
    [CaseInvalid, CooperationInvalid, ReferralInvalid, VillageInvalid, VillageReportInvalid],
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
