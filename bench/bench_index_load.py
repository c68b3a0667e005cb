"""Loading a saved screening index: the name frequencies read from the file (now) against
counted again from every name (before, the baseline), in the same run.

    .venv/bin/python bench/bench_index_load.py [SNAPSHOT_DIR]

SNAPSHOT_DIR defaults to the one ``bench_screening_api.py --prepare-only`` writes
(``var/bench/index-snapshot-1000000-500000``). A file written before the counts were kept is
saved again first, with them. Prints the CPU seconds of each load per part of the index.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benteng.core.index import ScreeningIndex  # noqa: E402

DEFAULT = ROOT / "var" / "bench" / "index-snapshot-1000000-500000"


def _load(path: Path) -> tuple[float, ScreeningIndex]:
    started = time.process_time()
    index = ScreeningIndex.load(path)
    return time.process_time() - started, index


def _recount(index: ScreeningIndex) -> float:
    """What loading cost before the counts were kept: counting every name again."""
    started = time.process_time()
    index._name_counts, index._sound_counts, index._name_part_counts = {}, {}, {}
    for slot in index._slot_by_id.values():
        index._count_name(index._names[slot], 1)
    return time.process_time() - started


def main() -> None:
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    files = sorted(directory.glob("*.npz"))
    if not files:
        raise SystemExit(f"no index files in {directory}: run bench_screening_api.py first")
    with tempfile.TemporaryDirectory() as scratch:
        for path in files:
            index = ScreeningIndex.load(path)
            kept_file = Path(scratch) / path.name
            index.save(kept_file)  # with the counts, whatever wrote the original
            kept_seconds, loaded = _load(kept_file)
            counting_seconds = _recount(loaded)
            print(
                f"{path.name:16} {len(loaded):>9,} entries  load with the counts kept "
                f"{kept_seconds:5.1f} s CPU;  baseline, counting every name again "
                f"{kept_seconds + counting_seconds:5.1f} s CPU"
            )


if __name__ == "__main__":
    main()
