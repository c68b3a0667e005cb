"""One Indonesian display format for dates and times in every page; ISO 8601 in exports."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from benteng.screening.templatetags.screening_tags import iso_date

ROOT = Path(__file__).resolve().parents[2]
NAMED_FORMATS = {"DATE_FORMAT", "DATETIME_FORMAT", "TIME_FORMAT"}
MOMENT = datetime.datetime(2026, 12, 7, 11, 16, tzinfo=datetime.UTC) - datetime.timedelta(hours=7)


def test_a_moment_reads_7_des_2026_11_16():
    # when
    html = Template('{{ at|date:"DATETIME_FORMAT" }} · {{ at|date }}').render(
        Context({"at": timezone.localtime(MOMENT)})
    )
    # then
    assert html == "7 Des 2026, 11.16 · 7 Des 2026"


def test_a_date_stored_as_iso_text_is_shown_in_the_same_format():
    assert iso_date("2026-11-20") == "20 Nov 2026"
    assert iso_date(datetime.date(2026, 5, 1)) == "1 Mei 2026"


def test_english_pages_keep_englishs_own_format():
    with translation.override("en"):
        html = Template("{{ day|date }}").render(Context({"day": datetime.date(2026, 12, 7)}))
    assert html == "Dec. 7, 2026"


@pytest.mark.parametrize(
    "template", sorted(ROOT.glob("benteng/**/templates/**/*.html")), ids=lambda path: path.name
)
def test_no_template_spells_out_its_own_date_format(template):
    formats = re.findall(r'\|date:"([^"]*)"', template.read_text(encoding="utf-8"))
    assert set(formats) <= NAMED_FORMATS, formats
