"""The `benteng` command line without its optional packages: a message naming the extra to
install, not a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from benteng.core import cli


def _without(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    """Make these modules unimportable, and the modules importing them imported afresh."""
    for name in [*sys.modules]:
        if name.startswith("benteng.core.linkage"):
            monkeypatch.delitem(sys.modules, name)
    for module in modules:
        monkeypatch.setitem(sys.modules, module, None)


def test_link_without_the_linkage_extra_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    _without(monkeypatch, "splink")
    # when
    code = cli.main(["link", "--input", "a.csv", "--output", str(tmp_path / "p.csv")])
    # then
    err = capsys.readouterr().err
    assert code == cli.EXIT_EXTRA_MISSING
    assert "pip install 'benteng[linkage]'" in err
    assert "splink" in err
    assert "Traceback" not in err


def test_screen_without_the_cli_extra_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    watchlist, queries = tmp_path / "w.csv", tmp_path / "q.csv"
    watchlist.write_text("id,name\nW1,Siti Aminah\n", encoding="utf-8")
    queries.write_text("id,name\nQ1,Siti Aminah\n", encoding="utf-8")
    _without(monkeypatch, "tqdm")
    # when
    code = cli.main(
        [
            "screen",
            "--watchlist",
            str(watchlist),
            "--input",
            str(queries),
            "--output",
            str(tmp_path / "hits.csv"),
        ]
    )
    # then
    assert code == cli.EXIT_EXTRA_MISSING
    assert "pip install 'benteng[cli]'" in capsys.readouterr().err


def test_another_missing_module_is_a_fault_not_an_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a module no extra provides
    _without(monkeypatch, "benteng.core.linkage")
    # then
    with pytest.raises(ModuleNotFoundError):
        cli.main(["link", "--input", "a.csv", "--output", str(tmp_path / "p.csv")])
