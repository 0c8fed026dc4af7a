"""A real Prometheus (Debian ``prometheus``) and Alertmanager (``prometheus-alertmanager``) with the
synthetic world of :mod:`tests.ops.world`, started once per session.

How the data gets in, soundly:
1. The history (a day of counters and gauges, one sample a minute) is backfilled with
   ``promtool tsdb create-blocks-from openmetrics``; a small HTTP server serves the same series
   live, so they continue past "now" without a gap.
2. Recording rules are not evaluated over backfilled history, but Sloth's period ratio averages
   the recorded 5m ratios over the whole period: the 5m SLI recordings are backfilled with
   ``promtool tsdb create-blocks-from rules`` against a first Prometheus (without rules) over the
   raw history, one evaluation a minute.
3. Prometheus restarts with those blocks and Plinth's generated rule files (what the Prometheus
   Operator would load from the PrometheusRules); everything else (burn rates, the period ratio,
   budgets, alerts) is evaluated live from the history.
"""

from __future__ import annotations

import http.server
import shutil
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

from components import conventions, monitoring, stackfiles
from components.monitoring import slo as rules
from components.monitoring.spec import SloSpec
from tests.monitoring import tools
from tests.ops import world

ROOT = Path(__file__).resolve().parents[2]
EVALUATION_INTERVAL = 10
STACK = "ops"


@dataclass
class OpsWorld:
    project: Path
    stack_file: Path
    prometheus: str
    alertmanager: str
    now: int
    specs: list[SloSpec]

    def extra_evaluations(self) -> int:
        """The most live evaluations of a rule group since ``now`` (bounds Sloth's period mean)."""
        return int((time.time() - self.now) // EVALUATION_INTERVAL) + 2


def _get(url: str) -> Any:
    import json

    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


class _Live(http.server.BaseHTTPRequestHandler):
    series: list[world.Series] = []
    now = 0

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        body = world.exposition(self.series, time.time() - self.now).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def _start_prometheus(config: Path, data: Path, port: int, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [tools.tool("prometheus"), f"--config.file={config}", f"--storage.tsdb.path={data}",
         f"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=30d"],
        stdout=subprocess.DEVNULL, stderr=log.open("a"),
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/ready", timeout=2) as response:
                if response.status == 200:
                    return proc
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"prometheus did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def _wait_for(url: str, query: str, count: int, what: str) -> None:
    import urllib.parse

    deadline = time.monotonic() + 120
    while True:
        result = _get(f"{url}/api/v1/query?{urllib.parse.urlencode({'query': query})}")["data"]["result"]
        if len(result) >= count:
            return
        assert time.monotonic() < deadline, f"Prometheus never had {what}: {query} returned {result}"
        time.sleep(1)


def _project(tmp: Path) -> Path:
    project = tmp / "project"
    (project / "stacks").mkdir(parents=True)
    shutil.copy(ROOT / "Pulumi.yaml", project / "Pulumi.yaml")
    (project / "stacks" / f"Pulumi.{STACK}.yaml").write_text(world.STACK)
    return project


@pytest.fixture(scope="session")
def ops_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpsWorld]:
    tmp = tmp_path_factory.mktemp("ops")
    project = _project(tmp)
    stack_file = project / "stacks" / f"Pulumi.{STACK}.yaml"
    cfg = stackfiles.load_stack_file(stack_file).config
    specs = list(cfg.section(monitoring.CAPABILITY).slos)
    groups = [
        g
        for spec in specs
        for g in rules.prometheus_rule(spec, conventions.namespace_name(spec.tenant or "x"))["spec"]["groups"]
    ]
    tools.write_yaml(tmp / "rules.yml", {"groups": groups})
    five_minutes = [
        {"name": g["name"], "rules": [r for r in g["rules"] if r.get("record") == f"{rules.SLI_ERROR_RECORD}5m"]}
        for g in groups
        if g["name"].startswith("sloth-slo-sli-recordings-")
    ]
    tools.write_yaml(tmp / "backfill.yml", {"groups": five_minutes})

    now = int(time.time()) // 60 * 60
    series = world.all_series()
    handler = type("Live", (_Live,), {"series": series, "now": now})
    live = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=live.serve_forever, daemon=True).start()

    (tmp / "history.om").write_text(world.openmetrics(series, now))
    data = tmp / "data"
    done = tools.promtool("tsdb", "create-blocks-from", "openmetrics", str(tmp / "history.om"), str(data), cwd=tmp)
    assert done.returncode == 0, done.stdout + done.stderr

    closed = tools.free_port()  # nothing listens there: the tenant's exporter is down
    scrape = [
        {"job_name": "synthetic", "honor_labels": True, "scrape_interval": "5s",
         "static_configs": [{"targets": [f"127.0.0.1:{live.server_address[1]}"]}]},
        {"job_name": "globex-exporter", "scrape_interval": "5s",
         "static_configs": [{"targets": [f"127.0.0.1:{closed}"], "labels": {"namespace": "tenant-globex"}}]},
    ]  # fmt: skip
    base = {"global": {"scrape_interval": "5s", "evaluation_interval": f"{EVALUATION_INTERVAL}s"}}
    tools.write_yaml(tmp / "bare.yml", {**base, "scrape_configs": scrape})
    tools.write_yaml(tmp / "prometheus.yml", {**base, "rule_files": [str(tmp / "rules.yml")], "scrape_configs": scrape})
    port, log = tools.free_port(), tmp / "prometheus.log"
    url = f"http://127.0.0.1:{port}"

    proc = _start_prometheus(tmp / "bare.yml", data, port, log)
    try:
        done = tools.promtool(
            "tsdb", "create-blocks-from", "rules", f"--start={now - world.HISTORY}", f"--end={now}",
            f"--url={url}", "--eval-interval=60s", f"--output-dir={tmp / 'recorded'}", str(tmp / "backfill.yml"),
            cwd=tmp,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        _stop(proc)
    for block in (tmp / "recorded").iterdir():
        if block.is_dir():
            shutil.move(str(block), str(data / block.name))
    proc = _start_prometheus(tmp / "prometheus.yml", data, port, log)
    try:
        # Every SLO with traffic has its budget, the fast burn pages, the exporter is seen down.
        _wait_for(url, rules.BUDGET_REMAINING_RECORD, 3, "the budgets of the three SLOs with traffic")
        _wait_for(url, 'ALERTS{alertname="GlobexAvailability",alertstate="firing"}', 1, "the fast burn's page")
        _wait_for(url, 'up{job="globex-exporter"} == 0', 1, "the down target")
        am_dir = tmp / "alertmanager"
        am_dir.mkdir()
        am_config = {"route": {"receiver": "null"}, "receivers": [{"name": "null"}]}
        with tools.running_alertmanager(am_config, am_dir) as am_url:
            yield OpsWorld(project, stack_file, url, am_url, now, specs)
    finally:
        _stop(proc)
        live.shutdown()
