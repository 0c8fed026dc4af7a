"""``plinth health`` against the real Prometheus and Alertmanager of :mod:`tests.ops.conftest`: the
numbers it reports are derived here from the synthetic series (tests/ops/world.py)."""

from __future__ import annotations

import json
import time

import pytest

from scripts import cli
from tests.monitoring import tools
from tests.ops import world


def _health(capsys, ops_world, *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(["health", "--prometheus", ops_world.prometheus, "--project-dir", str(ops_world.project), *extra])
    return code, capsys.readouterr().out


def _slo(doc, tenant):
    (found,) = [s for s in doc["slos"] if s["tenant"] == tenant]
    return found


def test_slo_numbers_match_the_synthetic_traffic(capsys, ops_world):
    code, out = _health(capsys, ops_world, "--stack", "ops", "--format", "json")
    doc = json.loads(out)
    assert code == 1, "the fast burn pages (P1) and hooli's budget is exhausted: health must fail"
    assert {s["tenant"] for s in doc["slos"]} == {"acme", "globex", "hooli", "initech"}
    for tenant, key in (("acme", ("tenant-acme", "audio-api")), ("globex", ("tenant-globex", "inference")),
                        ("hooli", ("tenant-hooli", "web"))):  # fmt: skip
        s = _slo(doc, tenant)
        objective = world.OBJECTIVES[tenant]
        budget = 1 - objective
        assert s["objective"] == pytest.approx(objective), f"{tenant}: objective from slo:objective:ratio"
        assert s["error_budget"] == pytest.approx(budget), f"{tenant}: error budget"
        last = world.ERROR_PHASES[key][-1][1]
        # The last phase covers the 5m and 1h windows entirely: the burn rate is its ratio / budget.
        assert s["burn_rates"]["5m"] == pytest.approx(last / budget, rel=1e-6), f"{tenant}: 5m burn rate"
        assert s["burn_rates"]["1h"] == pytest.approx(last / budget, rel=1e-3), f"{tenant}: 1h burn rate"
        # The 1d window: errors / requests over the day before the rule's last evaluation, some
        # time between the end of the history and now.
        elapsed = time.time() - ops_world.now
        ends = [world.error_ratio(key, t - 86400, t) / budget for t in (0, elapsed)]
        assert min(ends) * (1 - 2e-3) <= s["burn_rates"]["1d"] <= max(ends) * (1 + 2e-3), (
            f"{tenant}: 1d burn rate within {ends}"
        )
        low, high = world.period_ratio_bounds(key, ops_world.extra_evaluations())
        attainment = s["attainment"]
        assert 1 - high - 1e-9 <= attainment <= 1 - low + 1e-9, (
            f"{tenant}: SLA over the period is 1 - the mean recorded 5m ratio, in [{1 - high}, {1 - low}]"
        )
        assert 1 - high / budget - 1e-6 <= s["budget_remaining"] <= 1 - low / budget + 1e-6, (
            f"{tenant}: budget remaining is 1 - period ratio / budget"
        )
        assert not s["sli_absent"], f"{tenant} has traffic"
    assert _slo(doc, "acme")["status"] == "ok"
    assert _slo(doc, "acme")["budget_remaining"] == pytest.approx(0.5, rel=1e-6), "0.05 % of a 0.1 % budget"
    assert _slo(doc, "hooli")["status"] == "budget exhausted"
    assert _slo(doc, "hooli")["budget_remaining"] == pytest.approx(1 - 0.05 / 0.01, rel=1e-6)
    assert _slo(doc, "globex")["meetsObjective"] is True, "one bad hour does not break the period's SLA yet"
    initech = _slo(doc, "initech")
    assert initech["sli_absent"] and initech["status"] == "no SLI data", "no search traffic: the absent condition"
    assert initech["attainment"] is None and initech["burn_rates"]["5m"] is None


def test_firing_alerts_from_prometheus_and_targets_down(capsys, ops_world):
    code, out = _health(capsys, ops_world, "--stack", "ops", "--format", "json")
    doc = json.loads(out)
    firing = {(a["name"], a["priority"], a["tenant"]) for a in doc["alerts"]}
    assert ("GlobexAvailability", "P1", "globex") in firing, "20x burn over 1h and 5m fires the page alert"
    assert ("HooliAvailability", "P3", "hooli") in firing, "5x burn over 1d and 2h fires the ticket alert"
    assert not any(a[2] == "acme" for a in firing), "acme burns at 0.5: nothing fires"
    assert doc["alertSource"] == ops_world.prometheus
    down = [(t["tenant"], t["namespace"], t["job"]) for t in doc["targetsDown"]]
    assert down == [("globex", "tenant-globex", "globex-exporter")], "the exporter nobody listens for"


def test_alertmanager_alerts_by_priority(capsys, ops_world):
    tools.post_alerts(ops_world.alertmanager, [
        {"alertname": "AcmeDiskFull", "priority": "P2", "severity": "ticket", "tenant": "acme"},
        {"alertname": "InitechDown", "priority": "P0", "severity": "page", "namespace": "tenant-initech"},
    ])  # fmt: skip
    code, out = _health(capsys, ops_world, "--alertmanager", ops_world.alertmanager, "--format", "json")
    doc = json.loads(out)
    assert doc["alertSource"] == ops_world.alertmanager
    assert [(a["priority"], a["tenant"], a["name"]) for a in doc["alerts"]][:2] == [
        ("P0", "initech", "InitechDown"),
        ("P2", "acme", "AcmeDiskFull"),
    ], "Alertmanager's alerts, P0 first, the tenant from the label or the namespace"
    assert doc["alertsByPriority"]["P0"] == 1 and doc["alertsByPriority"]["P2"] == 1
    assert code == 1


def test_text_and_markdown(capsys, ops_world):
    code, out = _health(capsys, ops_world, "--stack", "ops")
    assert code == 1
    assert "UNHEALTHY" in out and "budget exhausted" in out and "no SLI data" in out, out
    assert "acme" in out and "50.0%" in out, "acme's budget left, as a percentage"
    code, md = _health(capsys, ops_world, "--stack", "ops", "--format", "markdown")
    assert md.startswith("## Plinth health: UNHEALTHY") and "| hooli |" in md, md
