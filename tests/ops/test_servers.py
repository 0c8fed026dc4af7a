"""The Prometheus/Alertmanager client behind health and rightsize: every failure is one line
naming the server and exit 2, never a traceback. Answers come from a real HTTP server."""

from __future__ import annotations

import base64
import http.server
import json
import threading
from typing import Any, Callable, Iterator

import pytest

from scripts import cli, prometheus
from tests.monitoring import tools

EMPTY_VECTOR = {"status": "success", "data": {"resultType": "vector", "result": []}}


@pytest.fixture
def server() -> Iterator[Callable[..., str]]:
    """``server(answer)`` -> URL of an HTTP server answering every GET with ``answer(handler)``:
    (status, body bytes). Remembers the Authorization headers it saw in ``server.seen``."""
    servers = []

    def start(answer: Callable[[Any], tuple[int, bytes]]) -> str:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                start.seen.append(self.headers.get("Authorization"))
                status, body = answer(self)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}"

    start.seen = []  # type: ignore[attr-defined]
    yield start
    for httpd in servers:
        httpd.shutdown()


def _fails(capsys, *argv: str) -> str:
    capsys.readouterr()
    code = cli.main(list(argv))
    err = capsys.readouterr().err
    assert code == 2, f"exit 2 expected, got {code}: {err}"
    lines = [line for line in err.splitlines() if not line.endswith("...")]
    assert len(lines) == 1 and "Traceback" not in err, f"one line, no traceback: {err}"
    return lines[0]


@pytest.mark.parametrize("command", ["health", "rightsize"])
def test_unreachable_server(capsys, monkeypatch, command):
    monkeypatch.setattr(prometheus, "BACKOFF", 0.01)
    url = f"http://127.0.0.1:{tools.free_port()}"
    extra = ["--stack", "dev"] if command == "rightsize" else []
    line = _fails(capsys, command, "--prometheus", url, *extra)
    assert f"Prometheus at {url}: unreachable" in line, line


def test_not_a_url(capsys):
    line = _fails(capsys, "health", "--prometheus", "prometheus:9090")
    assert "--prometheus 'prometheus:9090': not an http(s) URL" in line


def test_wrong_url_alertmanager_given_as_prometheus(capsys, ops_world):
    line = _fails(capsys, "health", "--prometheus", ops_world.alertmanager)
    assert f"Prometheus at {ops_world.alertmanager}/api/v1/query" in line and "check the URL" in line, line


def test_empty_prometheus(capsys, server):
    url = server(lambda h: (200, json.dumps(EMPTY_VECTOR).encode()))
    line = _fails(capsys, "health", "--prometheus", url)
    assert "no SLOs recorded (no sloth_slo_info series)" in line, line


@pytest.mark.parametrize(
    "body, expected",
    [
        (b"<html>login</html>", "malformed response: not JSON"),
        (b'{"data": {}}', "not a Prometheus API answer"),
        (b'{"status": "success", "data": {"resultType": "matrix", "result": []}}', "not a vector"),
        (b'{"status": "success", "data": {"resultType": "vector", "result": [{"value": [1]}]}}', "malformed response"),
        (b'{"status": "error", "errorType": "bad_data", "error": "parse error"}', "bad_data for 'sloth_slo_info'"),
    ],
)
def test_malformed_answers(capsys, server, body, expected):
    url = server(lambda h: (200, body))
    line = _fails(capsys, "health", "--prometheus", url)
    assert expected in line, line


def test_credentials_from_a_file_or_the_environment(capsys, server, tmp_path, monkeypatch):
    def answer(handler: Any) -> tuple[int, bytes]:
        ok = handler.headers.get("Authorization") in ("Bearer s3cret", "Basic " + base64.b64encode(b"ops:pw").decode())
        return (200, json.dumps(EMPTY_VECTOR).encode()) if ok else (401, b'{"error": "unauthorized"}')

    url = server(answer)
    line = _fails(capsys, "health", "--prometheus", url)
    assert "HTTP 401: access refused with no credentials" in line, line
    token = tmp_path / "token"
    token.write_text("s3cret\n")
    line = _fails(capsys, "health", "--prometheus", url, "--prometheus-token-file", str(token))
    assert "no SLOs recorded" in line, f"the token from the file was accepted: {line}"
    monkeypatch.setenv("PLINTH_PROMETHEUS_USERNAME", "ops")
    monkeypatch.setenv("PLINTH_PROMETHEUS_PASSWORD", "pw")
    line = _fails(capsys, "health", "--prometheus", url)
    assert "no SLOs recorded" in line, f"basic auth from the environment was accepted: {line}"
    monkeypatch.setenv("PLINTH_PROMETHEUS_PASSWORD", "wrong")
    line = _fails(capsys, "health", "--prometheus", url)
    assert "access refused with the credentials from PLINTH_PROMETHEUS_USERNAME" in line and "wrong" not in line
    empty = tmp_path / "empty"
    empty.write_text("")
    line = _fails(capsys, "health", "--prometheus", url, "--prometheus-token-file", str(empty))
    assert f"{empty}: --prometheus-token-file must hold exactly one non-empty line" in line


def test_no_credentials_on_the_command_line():
    parser = cli.build_parser()
    health = parser._subparsers._group_actions[0].choices["health"]  # type: ignore[union-attr]
    flags = {flag for action in health._actions for flag in action.option_strings}
    assert not {f for f in flags if "password" in f or f.endswith("-token")}, f"secrets only from files/env: {flags}"


def test_retries_a_flaky_server(server, monkeypatch):
    monkeypatch.setattr(prometheus, "BACKOFF", 0.01)
    calls = []

    def answer(handler: Any) -> tuple[int, bytes]:
        calls.append(1)
        return (503, b"") if len(calls) < 3 else (200, json.dumps(EMPTY_VECTOR).encode())

    prom = prometheus.Prometheus(server(answer))
    assert prom.query("up") == [], "the third attempt answers"
    assert len(calls) == 3


def test_alertmanager_wrong_url_and_malformed(capsys, ops_world, server):
    line = _fails(capsys, "health", "--prometheus", ops_world.prometheus, "--alertmanager", ops_world.prometheus)
    assert f"Alertmanager at {ops_world.prometheus}/api/v2/alerts" in line and "check the URL" in line, line
    url = server(lambda h: (200, b'{"alerts": []}'))
    line = _fails(capsys, "health", "--prometheus", ops_world.prometheus, "--alertmanager", url)
    assert f"Alertmanager at {url}/api/v2/alerts: malformed response: not a list of alerts" in line, line


def test_rightsize_empty_and_malformed(capsys, server, monkeypatch):
    url = server(lambda h: (200, json.dumps(EMPTY_VECTOR).encode()))
    line = _fails(capsys, "rightsize", "--prometheus", url, "--stack", "dev")
    assert "no container metrics for the stack's tenant namespaces" in line, line
    url = server(lambda h: (200, b'{"status": "success", "data": {"resultType": "vector", "result": [{}]}}'))
    line = _fails(capsys, "rightsize", "--prometheus", url, "--stack", "dev")
    assert "malformed response to" in line, line


def test_query_range_and_targets_of_the_real_server(ops_world):
    import time

    prom = prometheus.Prometheus(ops_world.prometheus)
    end = time.time()
    series = prom.query_range('slo:objective:ratio{sloth_service="audio-api"}', end - 120, end, 30)
    assert len(series) == 1 and series[0][1] and all(v == pytest.approx(0.999) for v in series[0][1]), series
    jobs = {t["labels"]["job"]: t["health"] for t in prom.targets()}
    assert jobs["synthetic"] == "up" and jobs["globex-exporter"] == "down"
    assert prom.value("vector(42)") == 42.0 and prom.value("absent(vector(1))") is None
