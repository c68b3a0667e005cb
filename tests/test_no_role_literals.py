"""No role or agency is spelled as a string outside the enums of ``benteng/accounts/models.py``.

Who may do what is written once, in each app's ``access.py``, with ``Role`` and ``AgencyKind``;
a ``"petugas_imigrasi"`` typed anywhere else is a second, drifting copy of a rule. The scan reads
every module with ``ast`` (so comments and docstrings are not code) and every template's tags.
A few strings equal a role or agency value without being one; they are named below, each with
the reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from benteng.accounts.models import AgencyKind, Role
from benteng.core import risk

PACKAGE = Path(__file__).resolve().parent.parent / "benteng"
ENUMS_MODULE = "accounts/models.py"
ROLE_AND_AGENCY_VALUES = frozenset(Role.values) | frozenset(AgencyKind.values)

# (module, value): why that string there is not a role or an agency.
NOT_A_ROLE = {
    ("regions/models.py", "desa"): "RegionLevel.DESA, the level of a region",
    ("core/compare.py", "desa"): "an address word: the abbreviation 'ds' written out",
    ("core/linkage.py", "desa"): "an address word: the abbreviation 'ds' written out",
    ("accounts/demo.py", "admin"): "the demo administrator's username",
    # The core may not import accounts (import-linter); it names the police agency once, and
    # test_the_core_names_the_police_agency_as_the_enum_does holds it to the enum.
    ("core/risk.py", "polri"): "the core's own constant POLICE_AGENCY",
}
# A keyword argument whose value is free text, not a role: the stated purpose of an audited
# read or write ("admin" there says the admin site was the purpose).
FREE_TEXT_KEYWORDS = frozenset({"purpose"})
# A role or agency compared in a template tag: {% if user.role == "pimpasa" %}.
TEMPLATE_LITERAL = re.compile(r"\{%[^%]*[\"'](?P<value>[a-z_0-9]+)[\"'][^%]*%\}")


def _modules() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and path.relative_to(PACKAGE).as_posix() != ENUMS_MODULE
    )


def _free_text_constants(tree: ast.AST) -> set[int]:
    """The ids of the string constants passed as a free-text keyword argument."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.keyword) and node.arg in FREE_TEXT_KEYWORDS
    }


def role_literals_in(source: str, name: str) -> list[str]:
    """Each string constant of a module that equals a role or an agency, as "file:line value"."""
    tree = ast.parse(source, filename=name)
    free_text = _free_text_constants(tree)
    return [
        f"benteng/{name}:{node.lineno} {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value in ROLE_AND_AGENCY_VALUES
        and (name, node.value) not in NOT_A_ROLE
        and id(node) not in free_text
    ]


def _literals_of_module(path: Path) -> list[str]:
    return role_literals_in(path.read_text(encoding="utf-8"), path.relative_to(PACKAGE).as_posix())


def role_literals_in_template(path: Path, name: str) -> list[str]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for match in TEMPLATE_LITERAL.finditer(line):
            if match["value"] in ROLE_AND_AGENCY_VALUES:
                found.append(f"benteng/{name}:{number} {match['value']!r}")
    return found


def test_no_module_spells_a_role_or_an_agency():
    found = [literal for path in _modules() for literal in _literals_of_module(path)]
    assert not found, "Use Role / AgencyKind instead of:\n" + "\n".join(found)


def test_no_template_compares_with_a_role_or_an_agency():
    templates = sorted(PACKAGE.rglob("templates/**/*.html"))
    found = [
        literal
        for path in templates
        for literal in role_literals_in_template(path, path.relative_to(PACKAGE).as_posix())
    ]
    assert not found, "Decide in the view with a predicate of access.py:\n" + "\n".join(found)


def test_every_exception_still_exists():
    # given: an exception that no longer matches anything would hide a future literal
    for module, value in NOT_A_ROLE:
        # when
        tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
        # then
        assert any(
            isinstance(node, ast.Constant) and node.value == value for node in ast.walk(tree)
        ), (module, value)


def test_the_scan_finds_a_role_compared_in_code():
    # given
    source = 'def f(user):\n    return user.role == "petugas_tpi"\n'
    # when
    found = role_literals_in(source, "screening/probe.py")
    # then
    assert found == ["benteng/screening/probe.py:2 'petugas_tpi'"]


def test_the_scan_passes_a_stated_purpose_but_not_a_role_argument():
    # given
    source = 'audit(viewer=v, purpose="admin")\nuser_create(role="admin")\n'
    # when
    found = role_literals_in(source, "web/probe.py")
    # then
    assert found == ["benteng/web/probe.py:2 'admin'"]


def test_the_scan_finds_a_role_in_a_template_tag(tmp_path):
    # given
    template = tmp_path / "home.html"
    template.write_text('<p>{% if user.role == "pimpasa" %}x{% endif %} pimpasa</p>\n')
    # when
    found = role_literals_in_template(template, "home.html")
    # then
    assert found == ["benteng/home.html:1 'pimpasa'"]


def test_the_core_names_the_police_agency_as_the_enum_does():
    assert risk.POLICE_AGENCY == AgencyKind.POLRI
