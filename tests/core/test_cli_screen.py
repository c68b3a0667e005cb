"""`benteng screen` and the `benteng link` dispatch: output, row problems, every error path."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from benteng.core import cli

WATCHLIST = """id,name,birth_date,sex,nik,birth_place,passport_no,address,phone
W1,Hj. Siti Nurhayati S.Pd.,1990-05-07,P,3603054705900001,Tangerang,C1234567,,0812-3456-7890
W2,Muhammad Joko Susilo,1985-12-03,L,,Serang,,Kp. Melati RT 002/RW 003,
W3,Ujang bin Karta,1979-02-11,L,,Lebak,,,
W4,Siti Aminah,1990-05-08,P,,,,,
"""

QUERIES = """id,name,birth_date,sex,nik,phone
Q1,SITI NUR HAYATI,1990-07-05,P,,+62 812 3456 7890
Q2,Moch. Djoko Soesilo,1985-12-03,L,,
Q3,Bambang Pamungkas,1970-01-01,L,,
"""


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    return (
        _write(tmp_path / "watchlist.csv", WATCHLIST),
        _write(tmp_path / "queries.csv", QUERIES),
        tmp_path / "hits.csv",
    )


def _screen(watchlist: Path, queries: Path, output: Path, *extra: str) -> int:
    return cli.main(
        [
            "screen",
            "--watchlist",
            str(watchlist),
            "--input",
            str(queries),
            "--output",
            str(output),
            "--no-progress",
            *extra,
        ]
    )


def test_screen_writes_hits_best_first_per_query(files: tuple[Path, Path, Path]) -> None:
    # given
    watchlist, queries, output = files

    # when
    code = _screen(watchlist, queries, output, "--threshold", "0.5")

    # then
    assert code == 0
    rows = _rows(output)
    assert list(rows[0]) == ["query_id", "entry_id", "score", "reasons"]
    by_query: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_query.setdefault(row["query_id"], []).append(row)
    assert by_query["Q1"][0]["entry_id"] == "W1"
    assert by_query["Q2"][0]["entry_id"] == "W2"
    assert "Q3" not in by_query  # a stranger has no hit at the threshold
    for hits in by_query.values():
        scores = [float(hit["score"]) for hit in hits]
        assert scores == sorted(scores, reverse=True)
        assert all(score >= 0.5 for score in scores)
    assert "Nomor telepon sama" in by_query["Q1"][0]["reasons"]
    assert "tertukar" in by_query["Q1"][0]["reasons"]  # day and month swapped


def test_screen_top_and_threshold_zero_list_more_candidates(
    files: tuple[Path, Path, Path],
) -> None:
    watchlist, queries, output = files
    assert _screen(watchlist, queries, output, "--threshold", "0", "--top", "2") == 0
    rows = _rows(output)
    counts = {query: sum(row["query_id"] == query for row in rows) for query in ("Q1", "Q2")}
    assert counts["Q1"] == 2  # W1 and W4 (another Siti born the same year)
    assert 1 <= counts["Q2"] <= 2


def test_screen_reasons_in_english(files: tuple[Path, Path, Path]) -> None:
    watchlist, queries, output = files
    assert _screen(watchlist, queries, output, "--language", "en") == 0
    assert "Phone number same" in _rows(output)[0]["reasons"]


def test_row_problems_are_reported_and_the_run_goes_on(
    tmp_path: Path, files: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # given: row 3 has an impossible date, row 4 a malformed NIK, row 5 no name
    watchlist, _queries, output = files
    queries = _write(
        tmp_path / "bad.csv",
        "id,name,birth_date,nik\n"
        "Q1,Siti Nurhayati,1990-05-07,\n"
        "Q2,Joko Susilo,1985-02-30,\n"
        "Q3,Ujang,,12345\n"
        "Q4,,1990-01-01,\n",
    )

    # when
    code = _screen(watchlist, queries, output)

    # then
    assert code == 0
    err = capsys.readouterr().err
    assert "bad.csv baris 3, kolom birth_date" in err
    assert "bad.csv baris 4, kolom nik" in err
    assert "bad.csv baris 5, kolom name" in err
    queried = {row["query_id"] for row in _rows(output)}
    assert "Q1" in queried
    assert "Q4" not in queried


@pytest.mark.parametrize("role", ["--watchlist", "--input"])
def test_missing_required_column_stops_with_exit_code_2(
    tmp_path: Path,
    files: tuple[Path, Path, Path],
    role: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given
    watchlist, queries, output = files
    broken = _write(tmp_path / "broken.csv", "id,nama\n1,Siti\n")
    if role == "--watchlist":
        watchlist = broken
    else:
        queries = broken

    # when
    code = _screen(watchlist, queries, output)

    # then
    assert code == 2
    err = capsys.readouterr().err
    assert f"galat ({role})" in err
    assert "name" in err
    assert not output.exists()


def test_file_that_is_not_utf8_stops(
    tmp_path: Path, files: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _watchlist, queries, output = files
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,name\n1,Désirée\n".encode("latin-1"))
    assert _screen(latin, queries, output) == 2
    assert "UTF-8" in capsys.readouterr().err


def test_missing_file_stops(
    tmp_path: Path, files: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _watchlist, queries, output = files
    assert _screen(tmp_path / "nowhere.csv", queries, output) == 2
    assert "tidak ditemukan" in capsys.readouterr().err


def test_empty_watchlist_stops(
    tmp_path: Path, files: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _watchlist, queries, output = files
    empty = _write(tmp_path / "empty.csv", "id,name\n")
    assert _screen(empty, queries, output) == 2
    assert "tidak berisi" in capsys.readouterr().err


def test_empty_query_file_writes_only_the_header(
    tmp_path: Path, files: tuple[Path, Path, Path]
) -> None:
    watchlist, _queries, output = files
    empty = _write(tmp_path / "empty.csv", "id,name\n")
    assert _screen(watchlist, empty, output) == 0
    assert output.read_text(encoding="utf-8").strip() == "query_id,entry_id,score,reasons"


def test_output_folder_must_exist(
    tmp_path: Path, files: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    watchlist, queries, _output = files
    assert _screen(watchlist, queries, tmp_path / "missing" / "hits.csv") == 2
    assert "folder" in capsys.readouterr().err


def test_output_that_cannot_be_written_stops(
    tmp_path: Path, files: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    watchlist, queries, _output = files
    directory = tmp_path / "a-directory"
    directory.mkdir()
    assert _screen(watchlist, queries, directory) == 2
    assert "tidak dapat ditulis" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param(["--threshold", "1.5"], "--threshold", id="threshold-above-one"),
        pytest.param(["--threshold", "-0.1"], "--threshold", id="threshold-negative"),
        pytest.param(["--top", "0"], "--top", id="top-zero"),
        pytest.param(["--top", "dua"], "invalid int", id="top-not-a-number"),
        pytest.param(["--language", "fr"], "invalid choice", id="unknown-language"),
    ],
)
def test_bad_options_stop_with_exit_code_2(
    files: tuple[Path, Path, Path],
    extra: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    watchlist, queries, output = files
    assert _screen(watchlist, queries, output, *extra) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param([], id="no-command"),
        pytest.param(["scan"], id="unknown-command"),
        pytest.param(["screen", "--input", "q.csv", "--output", "o.csv"], id="no-watchlist"),
        pytest.param(["screen", "--watchlist", "w.csv", "--output", "o.csv"], id="no-input"),
        pytest.param(["screen", "--watchlist", "w.csv", "--input", "q.csv"], id="no-output"),
        pytest.param(["link", "--output", "pairs.csv"], id="link-no-input"),
        pytest.param(["link", "--input", "a.csv"], id="link-no-output"),
    ],
)
def test_usage_errors_exit_with_code_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "usage: benteng" in err
    assert "galat:" in err


def test_help_exits_with_code_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["screen", "--help"]) == 0
    assert "--watchlist" in capsys.readouterr().out


def test_link_is_parsed_here_and_delegated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    from benteng.core import linkage_cli

    calls: list[tuple[tuple[object, ...], dict[str, object]]] = []

    def fake_run_link(*args: object, **kwargs: object) -> int:
        calls.append((args, kwargs))
        return 0

    monkeypatch.setattr(linkage_cli, "run_link", fake_run_link)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"

    # when
    code = cli.main(
        [
            "link",
            "--input",
            str(a),
            "--input",
            str(b),
            "--output",
            str(tmp_path / "pairs.csv"),
            "--clusters",
            str(tmp_path / "clusters.csv"),
            "--threshold",
            "0.8",
            "--no-progress",
        ]
    )

    # then
    assert code == 0
    args, kwargs = calls[0]
    assert args == ([a, b], tmp_path / "pairs.csv", tmp_path / "clusters.csv", 0.8)
    assert kwargs["show_progress"] is False


def test_link_without_threshold_uses_the_linkage_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benteng.core import linkage_cli

    calls: list[tuple[object, ...]] = []

    def fake_run_link(*args: object, **kwargs: object) -> int:
        calls.append(args)
        return 2

    monkeypatch.setattr(linkage_cli, "run_link", fake_run_link)
    code = cli.main(["link", "--input", "a.csv", "--output", str(tmp_path / "p.csv")])
    assert code == 2  # the linkage's own exit code is passed on
    assert calls[0] == ([Path("a.csv")], tmp_path / "p.csv", None)


def test_runs_as_a_module(files: tuple[Path, Path, Path]) -> None:
    # given
    watchlist, queries, output = files

    # when
    finished = subprocess.run(  # noqa: S603 - our own interpreter with fixed arguments
        [
            sys.executable,
            "-m",
            "benteng.core.cli",
            "screen",
            "--watchlist",
            str(watchlist),
            "--input",
            str(queries),
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )

    # then
    assert finished.returncode == 0, finished.stderr
    assert _rows(output)[0]["query_id"] == "Q1"
    assert "orang disaring" in finished.stderr


def test_module_exit_code_for_a_missing_column(
    tmp_path: Path, files: tuple[Path, Path, Path]
) -> None:
    _watchlist, queries, output = files
    broken = _write(tmp_path / "broken.csv", "nomor,nama\n1,Siti\n")
    finished = subprocess.run(  # noqa: S603 - our own interpreter with fixed arguments
        [
            sys.executable,
            "-m",
            "benteng.core.cli",
            "screen",
            "--watchlist",
            str(broken),
            "--input",
            str(queries),
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert finished.returncode == 2
    assert "id, name" in finished.stderr


def test_ids_that_a_spreadsheet_would_run_are_written_as_text(tmp_path: Path) -> None:
    # given ids that start like spreadsheet formulas (files come from anywhere)
    watchlist = _write(tmp_path / "w.csv", WATCHLIST.replace("W1,", "=HYPERLINK(1),", 1))
    queries = _write(tmp_path / "q.csv", QUERIES.replace("Q1,", "@SUM(A1),", 1))
    output = tmp_path / "hits.csv"
    # when
    assert _screen(watchlist, queries, output) == 0
    # then they are written with the apostrophe spreadsheets show as text
    rows = _rows(output)
    assert {"query_id": "'@SUM(A1)", "entry_id": "'=HYPERLINK(1)"}.items() <= rows[0].items()
    assert not any(value.startswith(("=", "+", "@")) for row in rows for value in row.values())


POSSIBLE_QUERIES = """id,name,birth_date,sex,nik,phone
P1,Ujang bin Karta,,,,
P2,Ujang bin Karta,1960-06-06,L,,
"""


def test_screen_writes_possible_matches_apart_and_keeps_the_hits_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given: "Ujang bin Karta" by name only (P1), and with another birth date (P2)
    watchlist = _write(tmp_path / "watchlist.csv", WATCHLIST)
    queries = _write(tmp_path / "queries.csv", POSSIBLE_QUERIES)
    output, possible = tmp_path / "hits.csv", tmp_path / "possible.csv"

    # when
    code = _screen(watchlist, queries, output, "--possible", str(possible))

    # then: no hit for either, the name-only query a possible match with its reasons
    assert code == 0
    assert _rows(output) == []
    rows = _rows(possible)
    assert [(row["query_id"], row["entry_id"]) for row in rows] == [("P1", "W3")]
    assert 0.1 <= float(rows[0]["score"]) < 0.5
    assert "Hanya nama yang sama" in rows[0]["reasons"]
    assert "tanggal lahir" in rows[0]["reasons"]
    err = capsys.readouterr().err
    assert "kemungkinan cocok (hanya nama yang sama, bukan hit): 1 orang, 1 baris" in err


def test_screen_without_possible_counts_them_and_writes_the_same_hits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    watchlist = _write(tmp_path / "watchlist.csv", WATCHLIST)
    queries = _write(tmp_path / "queries.csv", POSSIBLE_QUERIES + QUERIES.split("\n", 1)[1])
    output = tmp_path / "hits.csv"

    # when
    code = _screen(watchlist, queries, output)

    # then: the hits file as before (only hits, the four columns), the possible counted
    assert code == 0
    rows = _rows(output)
    assert list(rows[0]) == ["query_id", "entry_id", "score", "reasons"]
    assert all(float(row["score"]) >= 0.5 for row in rows)
    assert {row["query_id"] for row in rows} == {"Q1", "Q2"}
    assert "tulis dengan --possible" in capsys.readouterr().err
