#!/usr/bin/env bash
# `make test`: the whole suite on SQLite, then on PostgreSQL when one is reachable, with the
# browser tests when Debian's Chromium is installed. It says plainly what it could not run.
# CI sets BENTENG_REQUIRE_POSTGRES=1 and BENTENG_REQUIRE_BROWSER=1: then nothing may be skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
status=0
not_run=()

if [ ! -x /usr/bin/chromium ]; then
  if [ "${BENTENG_REQUIRE_BROWSER:-0}" = "1" ]; then
    echo "Chromium (/usr/bin/chromium) is required but missing: apt-get install -y chromium" >&2
    exit 1
  fi
  not_run+=("browser tests: /usr/bin/chromium is not installed (apt-get install -y chromium)")
fi

echo "== Static checks (ruff, import contract, mypy) =="
$BIN/ruff check . && $BIN/ruff format --check . && $BIN/lint-imports || status=1
DEBUG=1 $BIN/mypy benteng || status=1

echo "== Test suite on SQLite =="
env -u DATABASE_URL $BIN/pytest -n auto "$@" || status=1

if $BIN/python - "$PG_URL" <<'PY' 2>/dev/null
import sys, psycopg
psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
PY
then
  echo "== Test suite on PostgreSQL ($PG_URL) =="
  DATABASE_URL="$PG_URL" $BIN/pytest -n auto "$@" || status=1
elif [ "${BENTENG_REQUIRE_POSTGRES:-0}" = "1" ]; then
  echo "PostgreSQL is required but not reachable at $PG_URL" >&2
  status=1
else
  not_run+=("PostgreSQL suite: no server reachable at $PG_URL (set DATABASE_URL)")
fi

if [ ${#not_run[@]} -gt 0 ]; then
  echo
  echo "Not run on this machine:"
  for item in "${not_run[@]}"; do echo "  - $item"; done
fi
exit $status
