"""The ``benteng`` command line, for analysts working with spreadsheets.

``benteng screen`` screens a CSV of people against a watchlist CSV::

    benteng screen --watchlist W.csv --input Q.csv --output hits.csv [--threshold T] [--top K]
                   [--possible possible.csv]

and writes ``query_id,entry_id,score,reasons``, best first per query. The "possible match --
check" candidates (only a name in common, below the threshold, at least
``POSSIBLE_MATCH_FLOOR``) are never in ``--output``: they are counted on stderr and written,
in the same columns, to ``--possible`` when it is given.

``benteng link`` deduplicates one CSV or links two (see :mod:`benteng.core.linkage_cli`)::

    benteng link --input A.csv [--input B.csv] --output pairs.csv [--clusters C.csv]
                 [--threshold P]

Messages are in Bahasa Indonesia, the analysts' language. Exit codes: 0 done, 2 the input or
the arguments cannot be used (a missing required column, a file that is not UTF-8, a bad
option), 3 a package the command needs is not installed (the command line is the ``cli``
extra, ``benteng link`` the ``linkage`` extra too). A bad value in a row is reported on
stderr with its row number and column, treated as missing, and the run goes on.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any, NoReturn, TextIO

from benteng.core.index import (
    DEFAULT_THRESHOLD,
    FIT_MINIMUM_ENTRIES,
    FIT_SAMPLE,
    POSSIBLE_MATCH_FLOOR,
    ScreeningIndex,
    possible_match_reasons,
    possible_matches,
)
from benteng.core.records import CsvFormatError, IdentityRecord, read_identity_csv
from benteng.core.spreadsheet import SafeCsvWriter

__all__ = ["EXIT_EXTRA_MISSING", "EXIT_INPUT_ERROR", "EXIT_OK", "main", "run_screen"]

EXIT_OK = 0
EXIT_INPUT_ERROR = 2
EXIT_EXTRA_MISSING = 3
# The optional packages (module → extra of ``pyproject.toml``) the commands import.
EXTRA_OF_MODULE = {
    "tqdm": "cli",
    "duckdb": "linkage",
    "pandas": "linkage",
    "pyarrow": "linkage",
    "splink": "linkage",
}
DEFAULT_TOP = 10
OUTPUT_COLUMNS = ("query_id", "entry_id", "score", "reasons")


class _UsageError(Exception):
    """The arguments cannot be parsed (argparse would otherwise exit the process)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def _build_parser() -> _Parser:
    parser = _Parser(
        prog="benteng",
        description="Penyaringan dan penautan identitas Benteng untuk berkas CSV.",
    )
    commands = parser.add_subparsers(dest="command", metavar="PERINTAH", parser_class=_Parser)
    commands.required = True

    screen = commands.add_parser(
        "screen",
        help="saring orang dalam --input terhadap daftar pantauan --watchlist",
        description="Saring setiap orang dalam --input terhadap daftar pantauan --watchlist "
        "dan tulis kandidat terbaik sebagai query_id,entry_id,score,reasons.",
    )
    screen.add_argument("--watchlist", type=Path, required=True, help="CSV daftar pantauan")
    screen.add_argument("--input", type=Path, required=True, help="CSV orang yang disaring")
    screen.add_argument("--output", type=Path, required=True, help="CSV hasil (ditimpa)")
    screen.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"skor minimum, 0 sampai 1 (bawaan {DEFAULT_THRESHOLD})",
    )
    screen.add_argument(
        "--possible",
        type=Path,
        default=None,
        help="CSV kemungkinan cocok (hanya nama yang sama, skor di bawah --threshold dan "
        f"sedikitnya {POSSIBLE_MATCH_FLOOR}): bukan hit, kolom sama dengan --output (ditimpa)",
    )
    screen.add_argument(
        "--top",
        type=int,
        default=DEFAULT_TOP,
        help=f"jumlah kandidat terbanyak per orang (bawaan {DEFAULT_TOP})",
    )
    screen.add_argument(
        "--language",
        choices=("id", "en"),
        default="id",
        help="bahasa kolom reasons: id (bawaan) atau en",
    )
    screen.add_argument(
        "--no-progress", action="store_true", help="jangan tampilkan bilah kemajuan"
    )
    screen.add_argument(
        "--no-fit",
        action="store_true",
        help="pakai parameter bawaan; tanpa ini, daftar pantauan dengan "
        f"{FIT_MINIMUM_ENTRIES:,} entri atau lebih memperkirakan m dan u dari daftar itu dan "
        "dari orang-orang yang disaring (EM, tanpa label)",
    )

    link = commands.add_parser(
        "link",
        help="deduplikasi satu CSV atau tautkan dua CSV",
        description="Deduplikasi satu berkas --input atau tautkan dua, tulis pasangan "
        "id_l,id_r,probability dan (opsional) klaster id,cluster_id.",
    )
    link.add_argument(
        "--input",
        type=Path,
        action="append",
        required=True,
        help="CSV masukan; berikan dua kali untuk menautkan dua berkas",
    )
    link.add_argument("--output", type=Path, required=True, help="CSV pasangan (ditimpa)")
    link.add_argument("--clusters", type=Path, default=None, help="CSV klaster (opsional)")
    link.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="probabilitas minimum sebuah pasangan, 0 sampai 1",
    )
    link.add_argument("--model", type=Path, default=None, help="model tersimpan untuk dipakai")
    link.add_argument(
        "--save-model", type=Path, default=None, help="simpan model yang dipakai ke berkas ini"
    )
    link.add_argument("--no-progress", action="store_true", help="jangan tampilkan bilah kemajuan")
    return parser


def _read(path: Path, role: str, err: TextIO) -> list[IdentityRecord] | None:
    """Read a CSV, reporting each row problem; ``None`` when the file cannot be used."""
    try:
        records, problems = read_identity_csv(path)
    except CsvFormatError as error:
        print(f"galat ({role}): {error}", file=err)
        return None
    for problem in problems:
        column = problem.column or "-"
        print(
            f"{path.name} baris {problem.row_number}, kolom {column} "
            f"({problem.value!r}): {problem.message}",
            file=err,
        )
    if problems:
        print(
            f"{path.name}: {len(problems)} masalah dilaporkan; nilai yang salah dianggap "
            "kosong, baris tanpa id atau nama dilewati.",
            file=err,
        )
    return records


def _progress(
    records: Sequence[IdentityRecord], description: str, err: TextIO, *, show: bool
) -> Iterable[IdentityRecord]:
    from tqdm import tqdm  # the cli extra: imported here, so a missing one is reported

    bar: Iterable[IdentityRecord] = tqdm(
        records,
        total=len(records),
        desc=description,
        unit=" orang",
        file=err,
        disable=not show,
        leave=False,
    )
    return bar


def run_screen(
    watchlist: Path,
    queries: Path,
    output: Path,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    top: int = DEFAULT_TOP,
    language: str = "id",
    stderr: TextIO | None = None,
    show_progress: bool = True,
    fit: bool = True,
    possible_output: Path | None = None,
) -> int:
    """Screen every record of ``queries`` against ``watchlist`` and write the hits.

    With ``fit`` and a watchlist of at least ``FIT_MINIMUM_ENTRIES`` entries, the index
    estimates its parameters on the list (u) and, by EM, on the candidate pairs of up to
    ``FIT_SAMPLE`` of the people screened (m, unlabelled: the file says nobody's match),
    before screening them all: the weights follow the data screened.

    Writes ``query_id,entry_id,score,reasons`` to ``output``: for each query (in file
    order) its candidates scoring at least ``threshold``, best first, at most ``top``. The
    possible matches (below ``threshold``, at least ``POSSIBLE_MATCH_FLOOR``, only a name in
    common: ``index.possible_matches``) are counted on stderr and, with ``possible_output``,
    written there in the same columns, their reasons naming what could not be compared.
    Returns 0 on success, 2 when an input or an argument cannot be used.
    """
    err = stderr if stderr is not None else sys.stderr
    if not 0.0 <= threshold <= 1.0:
        print(f"galat: --threshold harus di antara 0 dan 1, bukan {threshold}.", file=err)
        return EXIT_INPUT_ERROR
    if top < 1:
        print(f"galat: --top harus bilangan bulat 1 atau lebih, bukan {top}.", file=err)
        return EXIT_INPUT_ERROR
    for path in (output, possible_output):
        if path is not None and not path.parent.is_dir():
            print(f"galat: folder untuk {path} tidak ada.", file=err)
            return EXIT_INPUT_ERROR
    entries = _read(watchlist, "--watchlist", err)
    if entries is None:
        return EXIT_INPUT_ERROR
    if not entries:
        print(
            f"galat: daftar pantauan {watchlist.name} tidak berisi satu pun baris yang dapat "
            "dipakai.",
            file=err,
        )
        return EXIT_INPUT_ERROR
    people = _read(queries, "--input", err)
    if people is None:
        return EXIT_INPUT_ERROR

    index = ScreeningIndex(
        _progress(entries, "membangun indeks", err, show=show_progress), fit=False
    )
    if fit and len(index) >= FIT_MINIMUM_ENTRIES:
        sample = random.Random(0).sample(people, min(len(people), FIT_SAMPLE))  # noqa: S311
        estimate = index.fit_parameters(sample)
        learned = "m dan u" if estimate.estimated_m else "u (m bawaan: terlalu sedikit pasangan)"
        print(
            f"parameter diperkirakan dari daftar pantauan dan {len(sample):,} orang yang "
            f"disaring (EM pada {estimate.pairs:,} pasangan kandidat): {learned}.",
            file=err,
        )
    hit_count = 0
    people_with_hits = 0
    possible_count = 0
    people_with_possible = 0
    try:
        with (
            output.open("w", encoding="utf-8", newline="") as handle,
            _possible_file(possible_output) as possible_handle,
        ):
            writer = SafeCsvWriter(handle)
            writer.writerow(OUTPUT_COLUMNS)
            possible_writer = SafeCsvWriter(possible_handle) if possible_handle else None
            if possible_writer is not None:
                possible_writer.writerow(OUTPUT_COLUMNS)
            for person in _progress(people, "menyaring", err, show=show_progress):
                # The hits as before, and the candidates sharing only a name down to the
                # floor (none when the threshold is at or below it: they are hits then).
                found = index.search(
                    person, top=top, threshold=threshold, possible_floor=POSSIBLE_MATCH_FLOOR
                )
                candidates = [candidate for candidate in found if candidate.score >= threshold]
                possible = possible_matches(found, threshold=threshold)
                if candidates:
                    people_with_hits += 1
                if possible:
                    people_with_possible += 1
                for candidate in candidates:
                    hit_count += 1
                    writer.writerow(
                        [
                            person.id,
                            candidate.entry_id,
                            f"{candidate.score:.6f}",
                            candidate.comparison.reasons(language=language),
                        ]
                    )
                for candidate in possible:
                    possible_count += 1
                    if possible_writer is not None:
                        possible_writer.writerow(
                            [
                                person.id,
                                candidate.entry_id,
                                f"{candidate.score:.6f}",
                                possible_match_reasons(candidate.comparison, language=language),
                            ]
                        )
    except OSError as error:
        print(f"galat: hasil tidak dapat ditulis ke {output}: {error}", file=err)
        return EXIT_INPUT_ERROR
    print(
        f"{len(people):,} orang disaring terhadap {len(index):,} entri daftar pantauan; "
        f"{people_with_hits:,} orang dengan kandidat, {hit_count:,} baris ditulis ke {output}.",
        file=err,
    )
    where = f"ditulis ke {possible_output}" if possible_output else "tulis dengan --possible"
    print(
        f"kemungkinan cocok (hanya nama yang sama, bukan hit): {people_with_possible:,} orang, "
        f"{possible_count:,} baris ({where}).",
        file=err,
    )
    return EXIT_OK


def _possible_file(path: Path | None) -> Any:
    """The possible-match CSV opened for writing, or nothing to write to."""
    if path is None:
        return nullcontext(None)
    return path.open("w", encoding="utf-8", newline="")


def _run_link(arguments: argparse.Namespace, err: TextIO) -> int:
    # Imported here: Splink is heavy and `benteng screen` does not need it.
    from benteng.core.linkage_cli import run_link

    threshold: float | None = arguments.threshold
    if threshold is None:
        return run_link(
            list(arguments.input),
            arguments.output,
            arguments.clusters,
            model=arguments.model,
            save_model=arguments.save_model,
            stderr=err,
            show_progress=not arguments.no_progress,
        )
    return run_link(
        list(arguments.input),
        arguments.output,
        arguments.clusters,
        threshold,
        model=arguments.model,
        save_model=arguments.save_model,
        stderr=err,
        show_progress=not arguments.no_progress,
    )


def _report_missing_extra(error: ModuleNotFoundError, err: TextIO) -> int:
    """Name the extra to install when one of its packages is missing; any other missing
    module is a fault, raised again."""
    extra = EXTRA_OF_MODULE.get((error.name or "").partition(".")[0])
    if extra is None:
        raise error
    print(
        f"galat: paket {error.name} tidak terpasang; pasang dengan: pip install 'benteng[{extra}]'",
        file=err,
    )
    return EXIT_EXTRA_MISSING


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``benteng`` console script; returns the exit code."""
    err = sys.stderr
    parser = _build_parser()
    try:
        arguments = parser.parse_args(sys.argv[1:] if argv is None else argv)
    except _UsageError as error:
        parser.print_usage(err)
        print(f"galat: {error}", file=err)
        return EXIT_INPUT_ERROR
    except SystemExit as exit_request:  # --help prints and asks to exit
        return int(exit_request.code or 0)
    try:
        if arguments.command == "screen":
            return run_screen(
                arguments.watchlist,
                arguments.input,
                arguments.output,
                threshold=arguments.threshold,
                top=arguments.top,
                language=arguments.language,
                stderr=err,
                show_progress=not arguments.no_progress,
                fit=not arguments.no_fit,
                possible_output=arguments.possible,
            )
        return _run_link(arguments, err)
    except ModuleNotFoundError as error:
        return _report_missing_extra(error, err)


if __name__ == "__main__":
    sys.exit(main())
