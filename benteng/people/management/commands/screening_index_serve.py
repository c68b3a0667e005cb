"""Serve the machine's one screening index over a unix socket (docs/screening-index.md)."""

from __future__ import annotations

import gc
import json
import signal
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from benteng.people.client import SocketBackend
from benteng.people.service import ScreeningIndexServer, store_for_service
from benteng.people.sources import ScreeningIndexError
from benteng.people.store import DEFAULT_SNAPSHOT_MAX_AGE, StoreSettings


class Command(BaseCommand):
    help = (
        "Serve the screening index (watchlist entries and earlier events) to every web worker "
        "of this machine over a unix socket. Loads from --snapshot when fresh, else builds "
        "from the database; applies the database's changes every SCREENING_INDEX_REFRESH_MS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--socket",
            default=None,
            help="Unix socket path (default: the SCREENING_INDEX_SOCKET setting).",
        )
        parser.add_argument(
            "--snapshot",
            default=None,
            help="Directory of the snapshot: loaded at start when fresh, written after a "
            "build, every --snapshot-every seconds and at shutdown.",
        )
        parser.add_argument(
            "--snapshot-max-age",
            type=float,
            default=DEFAULT_SNAPSHOT_MAX_AGE,
            help="Seconds after which a snapshot is too old to start from (default 86400).",
        )
        parser.add_argument(
            "--snapshot-every",
            type=float,
            default=3600.0,
            help="Seconds between snapshots while serving (0: only at shutdown).",
        )
        parser.add_argument(
            "--status",
            action="store_true",
            help="Do not serve: ask the service at the socket for its status and print it "
            "(exit code 1 when it does not answer).",
        )
        parser.add_argument(
            "--refresh-ms",
            type=int,
            default=None,
            help="Milliseconds between reads of the database's changes "
            "(default: SCREENING_INDEX_REFRESH_MS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        socket_path = options["socket"] or settings.SCREENING_INDEX_SOCKET
        if not socket_path:
            raise CommandError("Give --socket PATH or set SCREENING_INDEX_SOCKET.")
        if options["status"]:
            try:
                status = SocketBackend(socket_path).status()
            except ScreeningIndexError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(json.dumps(status, indent=2))
            return
        store_settings = StoreSettings.from_settings()
        if options["refresh_ms"] is not None:
            store_settings = StoreSettings(
                refresh_seconds=options["refresh_ms"] / 1000,
                reconcile_seconds=store_settings.reconcile_seconds,
            )
        snapshot = options["snapshot"]
        store = store_for_service(
            snapshot_directory=snapshot,
            snapshot_max_age=options["snapshot_max_age"],
            store_settings=store_settings,
        )
        # The index is long-lived: keep the collector from walking it again and again.
        gc.collect()
        gc.freeze()
        try:
            server = ScreeningIndexServer(socket_path, store)
        except (ScreeningIndexError, OSError) as error:
            raise CommandError(str(error)) from error
        if snapshot:
            server.snapshot_directory = Path(snapshot)
            server.snapshot_every = options["snapshot_every"]
        sizes = store.sizes()
        self.stdout.write(
            f"screening index ready at {socket_path}: {sizes['watchlist']} watchlist entries, "
            f"{sizes['events']} earlier events, from the {store.origin} in "
            f"{store.load_seconds:.1f} s; watchlist parameters: {store.parameter_fit.source}",
        )
        self.stdout.flush()

        def stop(signum: int, frame: object) -> None:
            # shutdown() waits for serve_forever to return, so it runs in another thread.
            threading.Thread(target=server.shutdown, daemon=True).start()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        server.start_sync()
        try:
            server.serve_forever(poll_interval=0.5)
        finally:
            server.stop()
            if snapshot:
                store.save_snapshot(snapshot)
                self.stdout.write(f"snapshot saved to {snapshot}")
