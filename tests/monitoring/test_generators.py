"""More proofs for the pure generators: healthy traffic, a real 30-day budget, 28-day burn factors,
inline-secret Alertmanager configs, monitors, and Hypothesis over valid and invalid SLO specs."""

from __future__ import annotations

import copy
import json
import math
import subprocess

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from components.monitoring import alertmanager, dashboards, monitors
from components.monitoring import slo as gen
from components.monitoring.spec import AlertingSpec, MonitoringSpec, SloSpec
from tests.monitoring.test_routing_and_schemas import ALERTING, CRDS, schema
from tests.monitoring.test_slo_rules import AVAILABILITY, LATENCY
from tests.monitoring.tools import promtool, promtool_test, rendered, tool, write_yaml

SLO_LABELS = {
    **AVAILABILITY["labels"],
    "sloth_id": "api-availability",
    "sloth_service": "api",
    "sloth_slo": "availability",
    "tenant": "acme",
}
ALERTS = ("ApiAvailability", "ApiAvailabilitySLIAbsent", "ApiAvailabilityErrorBudgetExhausted")


def run_promtool_test(tmp_path, groups, series, *, evaluation_interval="1m", alert_tests=(), expr_tests=()):
    promtool_test(
        tmp_path,
        groups,
        series,
        evaluation_interval=evaluation_interval,
        alert_tests=alert_tests,
        expr_tests=expr_tests,
    )


def test_healthy_traffic_without_any_error_series_fires_nothing(tmp_path):
    # Only 200s exist: the 5xx series was never created. The SLI must read 0, not "absent".
    ok = {"series": 'http_requests_total{job="api",code="200"}', "values": "0+1000x300"}
    s = SloSpec.model_validate(AVAILABILITY)
    run_promtool_test(
        tmp_path,
        gen.rule_groups(s),
        [ok],
        alert_tests=[{"eval_time": t, "alertname": a, "exp_alerts": []} for t in ("30m", "2h", "5h") for a in ALERTS],
        expr_tests=[
            {
                "expr": 'slo:sli_error:ratio_rate5m{sloth_id="api-availability"}',
                "eval_time": "2h",
                "exp_samples": [
                    {"labels": _series("slo:sli_error:ratio_rate5m", {**SLO_LABELS, "sloth_window": "5m"}), "value": 0}
                ],
            },
            {
                "expr": 'slo:period_error_budget_remaining:ratio{sloth_id="api-availability"}',
                "eval_time": "5h",
                "exp_samples": [
                    {
                        "labels": _series(
                            "slo:period_error_budget_remaining:ratio", {**SLO_LABELS, "sloth_window": "30d"}
                        ),
                        "value": 1,
                    }
                ],
            },
        ],
    )


def _series(name: str, labels: dict) -> str:
    return name + "{" + ",".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}"


def test_a_one_day_outage_exhausts_a_30_day_budget_only_once_the_period_average_exceeds_it(tmp_path):
    # 29 healthy days at 1,000 req/min, then 3.5 % errors (35x the 0.1 % budget). The 30d SLI
    # is, as in Sloth, the mean of the 5m ratio over the samples inside the 30d window; until
    # 30 days of data exist that is the data present. After h hours of outage at 29d + h:
    # burn = 35 * h / (24 * (29 + h/24)). At 18 h: 35 * 18 / 714 = 0.882, 11.8 % of the budget
    # left, no alert. At 24 h (a full 30 days): 35 / 30 = 1.167, a little less because the 5m
    # ratio recorded inside the outage's first 5 minutes counts it only in part: overspent by
    # 16.6 %, fires.
    # Rules are evaluated every 4m30s: below the 5m lookback, so no rule ever reads a result older
    # than it may and overlapping 5m ratios cover every minute of traffic in the 30d average, yet
    # a 30d range holds 9,600 recorded samples, within promtool's 10,000-sample query limit (1m
    # evaluations would also take promtool many minutes).
    day = 1440
    healthy, outage = 29 * day, day + 60
    ok = {
        "series": 'http_requests_total{job="api",code="200"}',
        "values": f"0+1000x{healthy} {healthy * 1000 + 965}+965x{outage}",
    }
    err = {"series": 'http_requests_total{job="api",code="500"}', "values": f"0+0x{healthy} 35+35x{outage}"}
    s = SloSpec.model_validate(AVAILABILITY)
    rule = next(r for r in gen.alert_rules(s)["rules"] if r["alert"] == "ApiAvailabilityErrorBudgetExhausted")
    labels = {**SLO_LABELS, "sloth_window": "30d", **rule["labels"]}
    fired = {"exp_labels": labels, "exp_annotations": rendered(rule["annotations"], labels)}
    remaining = 'slo:period_error_budget_remaining:ratio{sloth_id="api-availability"}'
    run_promtool_test(
        tmp_path,
        gen.rule_groups(s),
        [ok, err],
        evaluation_interval="4m30s",
        alert_tests=[
            {"eval_time": f"{healthy}m", "alertname": rule["alert"], "exp_alerts": []},
            {"eval_time": f"{healthy + 18 * 60}m", "alertname": rule["alert"], "exp_alerts": []},
            {"eval_time": f"{healthy + 24 * 60}m", "alertname": rule["alert"], "exp_alerts": [fired]},
        ],
        expr_tests=[
            {
                "expr": f"round({remaining} * 1000)",
                "eval_time": f"{healthy + 18 * 60}m",
                "exp_samples": [{"labels": _series("", {**SLO_LABELS, "sloth_window": "30d"}), "value": 118}],
            },
            {
                "expr": f"round({remaining} * 1000)",
                "eval_time": f"{healthy + 24 * 60}m",
                "exp_samples": [{"labels": _series("", {**SLO_LABELS, "sloth_window": "30d"}), "value": -166}],
            },
        ],
    )


def test_28_day_slos_use_sloths_28_day_burn_factors():
    s = SloSpec.model_validate({**AVAILABILITY, "period": "28d"})
    factors = [round(f, 6) for _, f, _, _ in gen.burn_alerts(s)]
    assert factors == [13.44, 5.6, 2.8, round(28 / 30, 6)], "2%/1h, 5%/6h, 10%/1d, 10%/3d of a 28-day budget"
    page = gen.alert_rules(s)["rules"][0]["expr"]
    assert "(13.44 * 0.001)" in page and "(5.6 * 0.001)" in page
    assert [f for _, f, _, _ in gen.BURN_ALERTS] == [14.4, 6.0, 3.0, 1.0]
    period = gen.sli_recordings(s)["rules"][-1]
    assert period["record"] == "slo:sli_error:ratio_rate4w", "Sloth names a 28-day window 4w"
    assert period["labels"]["sloth_window"] == "4w" and "[4w]" in period["expr"] and "28d" not in period["expr"]
    burn = next(r for r in gen.meta_recordings(s)["rules"] if r["record"] == "slo:period_burn_rate:ratio")
    assert burn["expr"].startswith("slo:sli_error:ratio_rate4w{"), "the period burn rate reads the 4w ratio"


def test_extra_labels_reach_every_rule_but_never_override_sloth_labels():
    s = SloSpec.model_validate(AVAILABILITY)
    groups = gen.rule_groups(s, {"environment": "dev", "sloth_id": "spoofed"})
    for group in groups:
        for rule in group["rules"]:
            assert rule["labels"]["environment"] == "dev" and rule["labels"]["sloth_id"] == "api-availability"


def test_prometheus_rule_labels_alerts_with_its_namespace_for_alertmanager_config_scoping():
    manifest = gen.prometheus_rule(SloSpec.model_validate(AVAILABILITY), "observability")
    for group in manifest["spec"]["groups"]:
        for rule in group["rules"]:
            assert ("namespace" in rule["labels"]) == ("alert" in rule)
    long = SloSpec.model_validate({**AVAILABILITY, "service": "s" * 63, "name": "n" * 63})
    assert len(gen.prometheus_rule(long, "monitoring")["metadata"]["name"]) <= 63


def test_whole_number_latency_thresholds_match_both_le_spellings(tmp_path):
    s = SloSpec.model_validate(
        {
            **LATENCY,
            "sli": {"latency": {"bucketMetric": "rpc_seconds_bucket", "thresholdSeconds": 1, "selector": 'job="rpc"'}},
        }
    )
    series = [  # a Python client writes le="1.0"; 90 of 100 requests/min are under 1 s
        {"series": 'rpc_seconds_bucket{job="rpc",le="1.0"}', "values": "0+90x60"},
        {"series": 'rpc_seconds_bucket{job="rpc",le="+Inf"}', "values": "0+100x60"},
        {"series": 'rpc_seconds_count{job="rpc"}', "values": "0+100x60"},
    ]
    run_promtool_test(
        tmp_path,
        gen.rule_groups(s),
        series,
        expr_tests=[
            {
                "expr": 'round(slo:sli_error:ratio_rate5m{sloth_id="inference-latency"} * 100)',
                "eval_time": "30m",
                "exp_samples": [
                    {
                        "labels": '{sloth_id="inference-latency",sloth_service="inference",'
                        'sloth_slo="latency",sloth_window="5m"}',
                        "value": 10,
                    }
                ],
            },
        ],
    )


# --- Alertmanager ---------------------------------------------------------------------------
def amtool(tmp_path, config) -> str:
    path = write_yaml(tmp_path / "alertmanager.yml", config)
    done = subprocess.run([tool("amtool"), "check-config", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_file_references_point_at_real_files_that_amtool_accepts(tmp_path):
    spec = AlertingSpec.model_validate(ALERTING)
    files = alertmanager.secret_files(spec)
    secret_dir = tmp_path / "secrets" / alertmanager.SECRET_NAME
    secret_dir.mkdir(parents=True)
    for name, value in files.items():
        (secret_dir / name).write_text("mounted")
    config = alertmanager.alertmanager_config(spec, secrets_dir=str(tmp_path / "secrets"))
    text = json.dumps(config)
    referenced = [v for v in _walk(config) if isinstance(v, str) and v.startswith(str(tmp_path))]
    assert sorted(referenced) == sorted(str(secret_dir / n) for n in files), (
        "every credential is a mounted file, every file is used"
    )
    assert "mounted" not in text
    assert "5 receivers" in amtool(tmp_path, config)


def _walk(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)
    else:
        yield value


def test_inline_secret_values_give_a_self_contained_config_amtool_accepts(tmp_path):
    spec = AlertingSpec.model_validate(ALERTING)
    plaintext = {
        name: f"https://hooks.example.com/{name}" if "slack" in name else f"value-of-{name}"
        for name in alertmanager.secret_files(spec)
    }
    config = alertmanager.alertmanager_config(spec, plaintext)
    assert not any(isinstance(k, str) and k.endswith("_file") for k in _keys(config))
    assert config["receivers"][1]["pagerduty_configs"][0]["routing_key"] == "value-of-oncall-pagerduty-routing-key"
    amtool(tmp_path, config)
    with pytest.raises(ValueError, match="no 'team-slack-api-url'"):
        alertmanager.alertmanager_config(spec, {k: v for k, v in plaintext.items() if "slack" not in k})


def _keys(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _keys(v)
    elif isinstance(value, list):
        for v in value:
            yield from _keys(v)


def test_priorities_route_with_their_repeat_intervals_and_partial_overrides_keep_defaults():
    spec = AlertingSpec.model_validate({**ALERTING, "repeatInterval": {"P0": "15m"}})
    routes = {r["matchers"][0]: r for r in alertmanager.alertmanager_config(spec)["route"]["routes"]}
    assert routes['priority="P0"']["repeat_interval"] == "15m"
    assert routes['priority="P3"']["repeat_interval"] == "24h"
    assert all(r["continue"] is False for r in routes.values())
    crd = alertmanager.alertmanager_config_crd(spec, "routing", "monitoring")
    jsonschema.validate(crd, schema("monitoring.coreos.com_alertmanagerconfig_v1alpha1.json"))
    assert [r["repeatInterval"] for r in crd["spec"]["route"]["routes"]] == ["15m", "1h", "4h", "24h"]


# --- monitors and dashboards --------------------------------------------------------------
def test_monitors_take_a_selector_and_port_and_validate_against_the_crds():
    pm = monitors.pod_monitor("acme", "tenant-acme", selector={"app": "api"}, port="http-metrics", interval="15s")
    sm = monitors.service_monitor(
        "acme", "tenant-acme", "observability", {"release": "prom"}, selector={"app": "api"}, port="web"
    )
    jsonschema.validate(pm, schema("monitoring.coreos.com_podmonitor_v1.json"))
    jsonschema.validate(sm, schema("monitoring.coreos.com_servicemonitor_v1.json"))
    assert (
        pm["spec"]["selector"] == {"matchLabels": {"app": "api"}}
        and pm["spec"]["podMetricsEndpoints"][0]["port"] == "http-metrics"
    )
    assert sm["metadata"]["namespace"] == "observability" and sm["spec"]["namespaceSelector"] == {
        "matchNames": ["tenant-acme"]
    }
    assert sm["spec"]["endpoints"][0]["relabelings"] == [
        {"targetLabel": "tenant", "replacement": "acme", "action": "replace"}
    ]
    with pytest.raises(ValueError, match="port"):
        monitors.service_monitor("acme", "tenant-acme", port="Not A Port")


def test_dashboards_have_unique_panel_ids_ref_ids_and_a_datasource_variable():
    slos = [SloSpec.model_validate(AVAILABILITY), SloSpec.model_validate({**LATENCY, "tenant": "acme"})]
    for board in (dashboards.platform_overview(["acme", "globex"]), dashboards.tenant_slo_dashboard("acme", slos)):
        ids = [p["id"] for p in board["panels"]]
        assert len(ids) == len(set(ids))
        assert [v["name"] for v in board["templating"]["list"]][0] == "datasource"
        for panel in board["panels"]:
            refs = [t["refId"] for t in panel.get("targets", [])]
            assert len(refs) == len(set(refs)) and all(refs)
    exprs = [t["expr"] for p in dashboards.tenant_slo_dashboard("acme", slos)["panels"] for t in p.get("targets", [])]
    assert any("slo:objective:ratio" in e for e in exprs) and any('sloth_id="inference-latency"' in e for e in exprs)
    assert CRDS.is_dir()


# --- Hypothesis -----------------------------------------------------------------------------
names = st.from_regex(r"\A[a-z]([a-z0-9-]{0,14}[a-z0-9])?\Z")
label_names = st.from_regex(r"\A[a-z][a-z0-9_]{0,10}\Z").filter(
    lambda n: n not in {"tenant", "severity", "priority", "namespace"} and not n.startswith("sloth_")
)
texts = (
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(lambda t: t and "{{" not in t)  # text with {{ is a template: see templates below
)
#: Alert label / annotation values with the Prometheus templates Plinth accepts.
templates = st.builds(
    lambda before, field, pipe, after: f"{before} {{{{ {field}{pipe} }}}} {after}".strip(),
    st.one_of(st.just(""), texts),
    st.sampled_from(["$labels.tenant", "$labels.sloth_slo", "$externalLabels.cluster", "$value", ".Value"]),
    st.sampled_from(["", " | humanize", " | humanizePercentage", " | toUpper", " | title | toLower"]),
    st.one_of(st.just(""), texts),
).filter(lambda t: len(t) <= 256)
alert_texts = st.one_of(texts, templates)
thresholds = st.one_of(
    st.sampled_from([0.005, 0.05, 0.1, 0.25, 0.3, 1.0, 2.5, 10.0]),
    st.floats(min_value=0.001, max_value=1000, allow_nan=False),
)
matchers = st.lists(
    st.tuples(label_names, st.sampled_from(["=", "!=", "=~", "!~"]), st.from_regex(r"\A[a-z0-9./_ -]{0,10}\Z")),
    max_size=3,
).map(lambda ms: ",".join(f'{n}{op}"{v}"' for n, op, v in ms))


@st.composite
def slo_docs(draw):
    service = draw(names)
    kind = draw(st.sampled_from(["ratio", "latency", "raw"]))
    if kind == "raw":
        sel = draw(matchers)
        sli = {
            "raw": {
                "errorRatioQuery": f"sum(rate(errors_total{{{sel}}}[{{{{.window}}}}]))\n/\n"
                f"sum(rate(requests_total{{{sel}}}[{{{{.window}}}}]))"
            }
        }
    elif kind == "ratio":
        sel = draw(matchers)
        agg = draw(st.sampled_from(["sum", "sum by (route)"]))
        sli = {
            "ratio": {
                "errorQuery": f"{agg}(rate(errors_total{{{sel}}}[{{{{.window}}}}]))",
                "totalQuery": f"{agg}(rate(requests_total{{{sel}}}[{{{{.window}}}}]))",
            }
        }
    else:
        sli = {
            "latency": {
                "bucketMetric": f"{service.replace('-', '_')}_seconds_bucket",
                "thresholdSeconds": draw(thresholds),
                "selector": draw(matchers),
            }
        }
    doc = {
        "name": draw(names),
        "service": service,
        "objective": draw(st.floats(min_value=0, max_value=99.9999, exclude_min=True, allow_nan=False)),
        "period": draw(st.sampled_from(["28d", "30d"])),
        "sli": sli,
        "alerting": {
            "name": "Slo" + draw(st.from_regex(r"\A[A-Z][A-Za-z0-9]{1,20}\Z")),
            "labels": draw(st.dictionaries(label_names, alert_texts, max_size=2)),
            "annotations": draw(st.dictionaries(label_names, alert_texts, max_size=2)),
            "pagePriority": draw(st.sampled_from(["P0", "P1"])),
            "ticketPriority": draw(st.sampled_from(["P2", "P3"])),
            "pageAlert": {
                "disable": draw(st.booleans()),
                "labels": draw(st.dictionaries(label_names, alert_texts, max_size=2)),
                "annotations": draw(st.dictionaries(label_names, alert_texts, max_size=2)),
            },
            "ticketAlert": {
                "disable": draw(st.booleans()),
                "labels": draw(st.dictionaries(label_names, alert_texts, max_size=2)),
            },
        },
        "labels": draw(st.dictionaries(label_names, alert_texts, max_size=3)),
    }
    if draw(st.booleans()):
        doc["tenant"] = draw(st.from_regex(r"\A[a-z]([a-z0-9-]{0,10}[a-z0-9])?\Z"))
    if draw(st.booleans()):
        doc["description"] = draw(alert_texts)
    return doc


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(st.lists(slo_docs(), min_size=5, max_size=25))
def test_any_valid_slo_spec_yields_rules_promtool_accepts(tmp_path, docs):
    groups, seen, expected = [], set(), 0
    for doc in docs:
        s = SloSpec.model_validate(doc)
        if s.id in seen:
            continue
        seen.add(s.id)
        groups += gen.rule_groups(s)
        # 8 SLI and 7 meta recordings; the enabled burn-rate alerts, and SLIAbsent and
        # ErrorBudgetExhausted while any of them is enabled.
        alerts = len(s.alerting.severities)
        expected += 15 + (alerts + 2 if alerts else 0)
    path = tmp_path / f"rules-{len(groups)}-{abs(hash(json.dumps(docs, sort_keys=True)))}.yaml"
    done = promtool("check", "rules", str(write_yaml(path, {"groups": groups})), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"SUCCESS: {expected} rules found" in done.stdout


BAD = st.one_of(
    st.tuples(
        st.just(("objective",)),
        st.one_of(st.floats(max_value=0), st.floats(min_value=99.99991), st.just(math.nan), st.just(math.inf)),
        st.just("objective"),
    ),
    st.tuples(
        st.just(("period",)), st.text(max_size=5).filter(lambda p: p.strip() not in ("28d", "30d")), st.just("period")
    ),
    st.tuples(
        st.sampled_from([("sli", "ratio", "errorQuery"), ("sli", "ratio", "totalQuery")]),
        st.sampled_from(["", "   ", "\t"]),
        st.just("sli.ratio"),
    ),
    st.tuples(
        st.just(("sli", "ratio", "errorQuery")),
        st.sampled_from(["sum(rate(x[5m]))", 'sum(rate(x{a="b"[{{.window}}]))', "sum(rate(x[{{.window}}])"]),
        st.just("sli.ratio.errorQuery"),
    ),
    st.tuples(
        st.sampled_from([("windows",), ("window",), ("sli", "windows")]),
        st.lists(st.sampled_from(["5m", "1h", "7d"]), min_size=1),
        st.none(),
    ),
)


@settings(max_examples=80, deadline=None)
@given(BAD)
def test_invalid_slo_specs_are_rejected_naming_the_field(case):
    path, value, field = case
    doc = copy.deepcopy(AVAILABILITY)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    field = field or ".".join(path)
    with pytest.raises(ValidationError) as err:
        SloSpec.model_validate(doc)
    locs = [".".join(str(p) for p in e["loc"]) for e in err.value.errors()]
    assert any(loc == field or loc.startswith(field + ".") for loc in locs), locs


@pytest.mark.parametrize(
    ("monitoring", "message"),
    [
        ({"slos": [AVAILABILITY, {**AVAILABILITY, "objective": 99}]}, "duplicate SLO api-availability"),
        ({"alerting": {**ALERTING, "routes": {**ALERTING["routes"], "P1": "ghost"}}}, "no receiver named ghost"),
        ({"prometheus": {"mode": "existing"}}, "ruleSelectorLabels: required in existing mode"),
        ({"slos": [{**AVAILABILITY, "labels": {"tenant": "other"}}]}, "set the SLO's tenant field"),
        (
            {
                "slos": [
                    {
                        **AVAILABILITY,
                        "sli": {
                            "latency": {"bucketMetric": "x_bucket", "thresholdSeconds": 0.3, "selector": 'le="0.3"'}
                        },
                    }
                ]
            },
            "must not match on le",
        ),
    ],
)
def test_cross_field_errors_say_what_to_fix(monitoring, message):
    with pytest.raises(ValidationError, match=message):
        MonitoringSpec.model_validate(monitoring)


def test_the_dev_stacks_slos_pass_promtool(tmp_path):
    from pathlib import Path

    import yaml as pyyaml

    stack_file = Path(__file__).resolve().parents[2] / "stacks" / "Pulumi.dev.yaml"
    section = pyyaml.safe_load(stack_file.read_text())["config"]["plinth:monitoring"]
    spec = MonitoringSpec.model_validate(section)
    assert spec.slos, "the dev stack declares SLOs"
    groups = [g for s in spec.slos for g in gen.prometheus_rule(s, spec.namespace)["spec"]["groups"]]
    done = promtool("check", "rules", str(write_yaml(tmp_path / "rules.yaml", {"groups": groups})), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    if spec.alerting is not None:
        amtool(tmp_path, alertmanager.alertmanager_config(spec.alerting))
