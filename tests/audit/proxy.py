"""A tiny HTTP proxy on 127.0.0.1 in front of moto that answers chosen API actions with an error
(denied, throttled), to prove that a refused call is "could not check", never a pass."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

EC2_ERROR = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>{code}</Code>'
    "<Message>{code} injected by the test proxy</Message></Error></Errors><RequestID>test</RequestID></Response>"
)


class Injector:
    """Forwards to ``upstream``; ``rule(body) -> (status, code) | None`` decides which requests fail."""

    def __init__(self, upstream: str, rule: Callable[[bytes], tuple[int, str] | None]):
        self.upstream, self.rule = upstream, rule
        self.injected = 0
        injector = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                verdict = injector.rule(body)
                if verdict is not None:
                    injector.injected += 1
                    status, code = verdict
                    payload = EC2_ERROR.format(code=code).encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "text/xml")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                request = urllib.request.Request(
                    injector.upstream + self.path, data=body or None, headers=headers, method=self.command
                )
                try:
                    with urllib.request.urlopen(request, timeout=30) as answer:
                        status, data, answer_headers = answer.status, answer.read(), answer.headers
                except urllib.error.HTTPError as err:
                    status, data, answer_headers = err.code, err.read(), err.headers
                self.send_response(status)
                for k, v in answer_headers.items():
                    if k.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Injector":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def action(name: str, status: int, code: str, times: int | None = None) -> Callable[[bytes], tuple[int, str] | None]:
    """Fail the query-protocol action ``name`` (all of them, or the first ``times``)."""
    seen = [0]

    def rule(body: bytes) -> tuple[int, str] | None:
        if f"Action={name}".encode() not in body:
            return None
        seen[0] += 1
        if times is not None and seen[0] > times:
            return None
        return status, code

    return rule
