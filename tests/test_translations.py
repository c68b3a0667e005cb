"""The English catalogue is complete, compiled and used.

Msgids are Bahasa Indonesia (the default language); English lives in
``benteng/locale/en/LC_MESSAGES/django.po`` and its compiled ``django.mo`` is committed, so a
fresh machine needs no gettext tools. These tests read the ``.po`` with a small parser of
their own for the same reason.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

LC_MESSAGES = Path(settings.BASE_DIR) / "benteng" / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# Python-format and brace-format placeholders; a translation must keep every one of them.
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$")


@dataclass
class PoEntry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    def translations(self) -> list[str]:
        return [self.msgstr[index] for index in sorted(self.msgstr)]

    def catalog_items(self) -> dict[str | tuple[str, int], str]:
        """What ``gettext.GNUTranslations`` holds for this entry once compiled."""
        key = self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"
        if self.msgid_plural is None:
            return {key: self.msgstr[0]}
        return {(key, index): text for index, text in self.msgstr.items()}


def _unquote(literal: str) -> str:
    # A PO string is a C string literal; its escapes (\n, \t, \", \\) read as Python's do.
    text = ast.literal_eval(literal)
    assert isinstance(text, str)
    return text


def parse_po(path: Path) -> list[PoEntry]:
    """Every entry of a PO file, the header (msgid "") included."""
    entries: list[PoEntry] = []
    current: PoEntry | None = None
    target: tuple[str, int] | None = None
    flags: set[str] = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            current, target = None, None
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            assert current is not None and target is not None, f"{path}:{number}: stray string"
            _append(current, target, _unquote(line))
            continue
        match = _KEYWORD.match(line)
        assert match, f"{path}:{number}: cannot read {raw!r}"
        keyword, literal = match.groups()
        if current is None or (keyword in {"msgctxt", "msgid"} and _is_started(current, keyword)):
            current = PoEntry(flags=flags, obsolete=obsolete)
            entries.append(current)
            flags = set()
        target = _target(keyword)
        _append(current, target, _unquote(literal), start=True)
    return entries


def _is_started(entry: PoEntry, keyword: str) -> bool:
    # A new msgctxt or msgid after the previous entry's msgstr begins the next entry.
    return bool(entry.msgstr) or (keyword == "msgctxt" and entry.msgctxt is not None)


def _target(keyword: str) -> tuple[str, int]:
    if keyword == "msgstr":
        return ("msgstr", 0)
    if keyword.startswith("msgstr["):
        return ("msgstr", int(keyword[7:-1]))
    return (keyword, 0)


def _append(entry: PoEntry, target: tuple[str, int], text: str, *, start: bool = False) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] = ("" if start else entry.msgstr[index]) + text
    elif name == "msgctxt":
        entry.msgctxt = ("" if start else entry.msgctxt or "") + text
    elif name == "msgid_plural":
        entry.msgid_plural = ("" if start else entry.msgid_plural or "") + text
    else:
        entry.msgid = ("" if start else entry.msgid) + text


@pytest.fixture(scope="module")
def messages() -> list[PoEntry]:
    """The English catalogue's live messages (no header, no obsolete entries)."""
    entries = parse_po(PO_PATH)
    return [entry for entry in entries if entry.msgid and not entry.obsolete]


def test_parser_reads_plurals_context_continuations_and_flags(tmp_path: Path) -> None:
    # given
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgctxt "menu"\nmsgid ""\n"Buka "\n"%(n)s"\n'
        'msgstr "Open %(n)s"\n\n'
        'msgid "%(count)d baris"\nmsgid_plural "%(count)d baris"\n'
        'msgstr[0] "%(count)d row"\nmsgstr[1] "%(count)d rows"\n\n'
        '#~ msgid "Lama"\n#~ msgstr "Old"\n',
        encoding="utf-8",
    )
    # when
    header, fuzzy, plural, obsolete = parse_po(po)
    # then
    assert header.msgstr == {0: "Language: en\n"}
    assert (fuzzy.msgctxt, fuzzy.msgid, fuzzy.msgstr) == ("menu", "Buka %(n)s", {0: "Open %(n)s"})
    assert fuzzy.flags == {"fuzzy", "python-format"}
    assert plural.catalog_items() == {
        ("%(count)d baris", 0): "%(count)d row",
        ("%(count)d baris", 1): "%(count)d rows",
    }
    assert obsolete.obsolete
    assert obsolete.msgid == "Lama"


def test_english_catalogue_lives_where_locale_paths_points() -> None:
    assert Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po" == PO_PATH
    assert PO_PATH.is_file()
    assert MO_PATH.is_file()
    # Indonesian is the language of the msgids: it has no catalogue of its own.
    assert not (Path(settings.LOCALE_PATHS[0]) / "id").exists()


def test_english_catalogue_has_many_messages(messages: list[PoEntry]) -> None:
    assert len(messages) > 500


def test_every_english_message_is_translated_and_not_fuzzy(messages: list[PoEntry]) -> None:
    # when
    untranslated = [
        entry.msgid
        for entry in messages
        if not entry.msgstr or not all(text.strip() for text in entry.translations())
    ]
    fuzzy = [entry.msgid for entry in messages if "fuzzy" in entry.flags]
    # then
    assert untranslated == []
    assert fuzzy == []


def test_plural_messages_have_both_english_forms(messages: list[PoEntry]) -> None:
    plurals = [entry for entry in messages if entry.msgid_plural is not None]
    assert plurals
    assert [entry.msgid for entry in plurals if sorted(entry.msgstr) != [0, 1]] == []


def test_translations_keep_every_placeholder(messages: list[PoEntry]) -> None:
    # when
    broken = [
        (entry.msgid, text)
        for entry in messages
        for text in entry.translations()
        if set(_PLACEHOLDER.findall(text)) != set(_PLACEHOLDER.findall(entry.msgid))
    ]
    # then
    assert broken == []


def test_compiled_catalogue_matches_the_po_file(messages: list[PoEntry]) -> None:
    # given: what compiling the .po now would give
    expected: dict[str | tuple[str, int], str] = {}
    for entry in messages:
        expected.update(entry.catalog_items())
    # when: what the committed .mo holds
    with MO_PATH.open("rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    catalog = {key: text for key, text in compiled._catalog.items() if key != ""}
    # then
    stale = sorted(str(key) for key in expected.keys() ^ catalog.keys())
    assert stale == [], "django.mo is stale: run `manage.py compilemessages -l en`"
    changed = sorted(str(key) for key in expected if expected[key] != catalog[key])
    assert changed == [], "django.mo is stale: run `manage.py compilemessages -l en`"
    plural = next(entry for entry in messages if entry.msgid_plural is not None)
    assert compiled.ngettext(plural.msgid, plural.msgid_plural, 1) == plural.msgstr[0]
    assert compiled.ngettext(plural.msgid, plural.msgid_plural, 2) == plural.msgstr[1]


@pytest.mark.django_db
def test_login_page_is_indonesian_by_default(client: Client) -> None:
    # when
    response = client.get("/masuk/")
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert 'lang="id"' in page
    assert "Masuk ke Benteng" in page
    assert "Sign in to Benteng" not in page


@pytest.mark.django_db
def test_login_page_is_english_with_the_language_cookie(client: Client) -> None:
    # given
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # when
    response = client.get("/masuk/")
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert 'lang="en"' in page
    assert "Sign in to Benteng" in page
    assert "Masuk ke Benteng" not in page
