"""The dependencies in ``pyproject.toml`` are the ones the code uses: every third-party module
imported under ``benteng/`` is provided by a declared dependency (main or an extra), and
every main dependency is imported or named below with the reason it is needed."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Main dependencies the code never imports, and why they are needed all the same.
NOT_IMPORTED = {
    "argon2-cffi": "the password hasher named in settings (Argon2PasswordHasher)",
    "django-csp": "an app and a middleware named in settings ('csp')",
    "django-htmx": "an app and a middleware named in settings ('django_htmx')",
    "django-template-partials": "an app named in settings ('template_partials')",
    "gunicorn": "the production server (gunicorn benteng.wsgi:application)",
    "psycopg": "the PostgreSQL driver Django loads by name from DATABASE_URL",
    "whitenoise": "a middleware and the static files storage named in settings",
}
# Extras of tools, not of the code: what only tests, type checks and linting need.
TOOL_EXTRAS = {"dev"}


def _normalised(name: str) -> str:
    """A distribution's name as PEP 503 compares them: "RapidFuzz" → "rapidfuzz"."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    return _normalised(re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0])


def _project() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        project: dict[str, object] = tomllib.load(file)["project"]
    return project


def _main_dependencies() -> set[str]:
    return {_requirement_name(item) for item in _project()["dependencies"]}  # type: ignore[attr-defined]


def _declared() -> set[str]:
    """The main dependencies and those of every extra but the tools'."""
    extras: dict[str, list[str]] = _project()["optional-dependencies"]  # type: ignore[assignment]
    declared = _main_dependencies()
    for extra, requirements in extras.items():
        if extra not in TOOL_EXTRAS:
            declared |= {_requirement_name(item) for item in requirements}
    return declared


@cache
def _installed_distributions_of_module() -> dict[str, set[str]]:
    return {
        module: {_normalised(name) for name in names}
        for module, names in packages_distributions().items()
    }


def _distributions_of(module: str) -> set[str]:
    """The distributions providing this top-level module; one not installed here (an
    optional extra such as ``spark``) is taken to be the distribution of the same name."""
    return _installed_distributions_of_module().get(module) or {_normalised(module)}


def _imported_distributions() -> set[str]:
    imported: set[str] = set()
    for module in _third_party(_imported_top_modules()):
        imported |= _distributions_of(module)
    return imported


def _imported_top_modules() -> dict[str, set[str]]:
    """Each top-level module imported under ``benteng/`` (absolute imports, wherever in a
    file), with the files importing it."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "benteng").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.partition(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def _third_party(modules: dict[str, set[str]]) -> dict[str, set[str]]:
    return {
        module: files
        for module, files in modules.items()
        if module not in sys.stdlib_module_names and module != "benteng"
    }


def test_every_imported_package_is_declared() -> None:
    # given
    declared = _declared()
    # when
    undeclared = {
        module: sorted(files)
        for module, files in _third_party(_imported_top_modules()).items()
        if not _distributions_of(module) & declared
    }
    # then
    assert undeclared == {}, "imported but provided by no declared dependency"


def test_every_main_dependency_is_imported_or_explained() -> None:
    # when
    unused = _main_dependencies() - _imported_distributions() - set(NOT_IMPORTED)
    # then
    assert unused == set(), "declared but never imported, and not explained in NOT_IMPORTED"


def test_the_explained_ones_are_main_dependencies_not_imported() -> None:
    assert set(NOT_IMPORTED) <= _main_dependencies()
    assert not set(NOT_IMPORTED) & _imported_distributions(), "imported: take it off the list"
