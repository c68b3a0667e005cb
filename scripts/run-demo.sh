#!/usr/bin/env bash
# `make run`: the local demo on the embedded SQLite database under var/.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG=1 BENTENG_DEMO=1
BIN=.venv/bin
PORT="${PORT:-8000}"
case "$PORT" in
  "" | *[!0-9]*) echo "PORT must be a port number, not '$PORT'." >&2; exit 2 ;;
esac

$BIN/python manage.py migrate --noinput
$BIN/python manage.py seed_demo

$BIN/python manage.py db_worker &
worker=$!
# The audit sealer chains the audit entries written unsealed (BENTENG_AUDIT_SEAL_DELAY above 0;
# with SQLite's default of 0 the writers seal themselves and it only looks for leftovers).
$BIN/python manage.py audit_seal --forever &
sealer=$!
# The scheduler enqueues the periodic jobs for the worker (postponements lapse after their due
# date), each once per slot.
$BIN/python manage.py run_schedule &
scheduler=$!
# The webhook worker hands the outbox's events to the client systems' receivers, signed, in
# order per receiver, with retries (benteng/api/webhooks.py).
$BIN/python manage.py deliver_webhooks --forever &
webhooks=$!
trap 'kill $worker $sealer $scheduler $webhooks 2>/dev/null || true' EXIT INT TERM

echo
echo "Benteng runs on http://127.0.0.1:$PORT/ (DEMO: the demo accounts skip 2FA). Ctrl-C stops it."
$BIN/python manage.py runserver "127.0.0.1:$PORT"
