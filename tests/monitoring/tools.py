"""Run the real Prometheus tools on generated configuration (CI installs them; missing = failure)."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import yaml

#: Prometheus' default ``--query.lookback-delta``: an instant selector sees a sample at most this old
#: (Prometheus 3 excludes a sample exactly this old). A rule reading another group's result finds
#: it only if that group ran less than this long ago.
LOOKBACK = timedelta(minutes=5)
#: The shortest range a generated rule reads (``slo:sli_error:ratio_rate5m``): ``rate()`` needs two
#: samples in it.
SHORTEST_RANGE = timedelta(minutes=5)
_UNITS = {
    "ms": timedelta(milliseconds=1),
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
    "y": timedelta(days=365),
}
_DURATION = re.compile(r"(\d+)(ms|s|m|h|d|w|y)")


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is not installed (Debian: prometheus / prometheus-alertmanager); .ci/run installs it"
    return path


def promtool(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([tool("promtool"), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def write_yaml(path: Path, doc: Any) -> Path:
    path.write_text(yaml.safe_dump(doc, sort_keys=False, width=10_000))
    return path


_LABEL_TEMPLATE = re.compile(r"\{\{\s*\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")


def rendered(annotations: dict[str, str], labels: dict[str, str]) -> dict[str, str]:
    """Annotations as Prometheus renders them for an alert with ``labels`` (the ``{{$labels.x}}``
    templates the generator writes), which is what promtool compares ``exp_annotations`` with."""
    return {k: _LABEL_TEMPLATE.sub(lambda m: labels.get(m.group(1), ""), v) for k, v in annotations.items()}


def duration(text: str) -> timedelta:
    """A Prometheus duration (``90s``, ``1h30m``, ``41760m``) as a timedelta."""
    parts = _DURATION.findall(text)
    assert parts and "".join(n + u for n, u in parts) == text, f"{text!r} is not a Prometheus duration"
    return sum((int(n) * _UNITS[u] for n, u in parts), timedelta())


def unit_test_document(
    groups: Sequence[dict[str, Any]],
    series: Iterable[dict[str, Any]],
    *,
    alert_tests: Iterable[dict[str, Any]] = (),
    expr_tests: Iterable[dict[str, Any]] = (),
    evaluation_interval: str = "1m",
    interval: str = "1m",
    rule_file: str = "rules.yaml",
) -> dict[str, Any]:
    """A ``promtool test rules`` document whose results do not depend on luck.

    - ``group_eval_order`` is the order of ``groups`` (the generator's dependency order: SLI
      recordings, then meta recordings, then alerts). Without it promtool evaluates groups in
      map order, so a group may read another group's result from the previous evaluation.
    - ``evaluation_interval`` stays below the lookback, so even a result from the previous
      evaluation (as in a real Prometheus, where groups run independently) is still visible, and
      every 5m window of traffic is covered by a recorded 5m ratio.
    - input samples are at most half the shortest rate window apart, and every check happens at
      an evaluation (its ``eval_time`` is a multiple of ``evaluation_interval``).
    """
    step, every = duration(evaluation_interval), duration(interval)
    assert step < LOOKBACK, f"evaluation_interval {evaluation_interval} must stay below the {LOOKBACK} lookback"
    assert 2 * every <= SHORTEST_RANGE, f"input interval {interval} leaves fewer than two samples in a 5m rate window"
    alert_tests, expr_tests = list(alert_tests), list(expr_tests)
    for check in alert_tests + expr_tests:
        at = duration(check["eval_time"])
        assert at % step == timedelta(), (
            f"eval_time {check['eval_time']} is not an evaluation (every {evaluation_interval})"
        )
    test: dict[str, Any] = {"interval": interval, "input_series": list(series)}
    if alert_tests:
        test["alert_rule_test"] = alert_tests
    if expr_tests:
        test["promql_expr_test"] = expr_tests
    return {
        "rule_files": [rule_file],
        "evaluation_interval": evaluation_interval,
        "group_eval_order": [g["name"] for g in groups],
        "tests": [test],
    }


def promtool_test(
    tmp_path: Path, groups: Sequence[dict[str, Any]], series: Iterable[dict[str, Any]], **options: Any
) -> str:
    """Write ``groups`` and a sound unit-test document (see :func:`unit_test_document`), run
    ``promtool test rules`` and return its output; fails with promtool's report."""
    write_yaml(tmp_path / "rules.yaml", {"groups": list(groups)})
    doc = unit_test_document(groups, series, **options)
    done = promtool("test", "rules", str(write_yaml(tmp_path / "test.yaml", doc)), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_alertmanager(config: dict[str, Any], workdir: Path) -> Iterator[str]:
    """A real Alertmanager (Debian ``prometheus-alertmanager``) on 127.0.0.1 serving ``config``;
    yields its base URL and stops it afterwards."""
    port = free_port()
    config_path = write_yaml(workdir / "alertmanager.yml", config)
    proc = subprocess.Popen(
        [tool("prometheus-alertmanager"), f"--config.file={config_path}", f"--storage.path={workdir / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address="],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/-/ready", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        f"alertmanager did not start: {proc.stderr.read() if proc.stderr else ''}"
                    ) from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def post_alerts(url: str, alerts: list[dict[str, str]]) -> None:
    """Send firing alerts (label sets) to Alertmanager's v2 API."""
    body = json.dumps([{"labels": labels} for labels in alerts]).encode()
    request = urllib.request.Request(f"{url}/api/v2/alerts", body, {"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def inhibited(url: str) -> dict[str, bool]:
    """alertname/severity of every alert -> whether another alert inhibits it."""
    with urllib.request.urlopen(f"{url}/api/v2/alerts", timeout=10) as response:
        alerts = json.load(response)
    return {
        f"{a['labels']['alertname']}/{a['labels'].get('severity', '')}": bool(a["status"]["inhibitedBy"])
        for a in alerts
    }
