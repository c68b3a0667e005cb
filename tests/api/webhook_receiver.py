"""A real HTTP receiver on 127.0.0.1 for the webhook tests: it records what it is sent, and
can be taken down (new connections refused, kept-alive ones closed unanswered) and brought
back on the same port; and the receiver's check of a signature."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def signature_valid(
    *,
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime.datetime | None = None,
    tolerance_seconds: int = 300,
) -> bool:
    """What a receiver checks, as docs/api.md tells it (written from the receiver's side, not
    with Benteng's signing code): a fresh timestamp and a matching signature."""
    msg_id = headers.get("webhook-id", "")
    try:
        timestamp = int(headers.get("webhook-timestamp", ""))
    except ValueError:
        return False
    current = (now or datetime.datetime.now(tz=datetime.UTC)).timestamp()
    if abs(current - timestamp) > tolerance_seconds:
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(f"v1,{expected}", candidate)
        for candidate in headers.get("webhook-signature", "").split()
    )


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    def __init__(self, *, status: int = 204) -> None:
        self.status = status
        self.received: list[Received] = []
        self.port = 0
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    @property
    def ids(self) -> list[str]:
        return [item.headers["webhook-id"] for item in self.received]

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                if receiver._server is None:
                    self.close_connection = True  # down: answer nothing
                    return
                with receiver._lock:
                    receiver.received.append(
                        Received({k.lower(): v for k, v in self.headers.items()}, body)
                    )
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
