"""Sloth compatibility: window names, raw SLIs, per-alert options and templated annotations.

The expectations come from Sloth's own expected output for its base example
(slok/sloth, test/integration/prometheus/testdata/in-base.yaml generated for a 28-day period as
out-base-28d.yaml.tpl, and for 30 days as out-base.yaml.tpl): the same SLOs written as Plinth
SLOs must give the same groups, records, labels, windows, burn factors and annotations. What
Plinth adds (tenant and priority labels, SLIAbsent / ErrorBudgetExhausted alerts, zero errors
when the error series is missing) comes on top and is asserted elsewhere.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from components.monitoring import slo as gen
from components.monitoring.spec import SloSpec
from tests.monitoring.test_slo_rules import AVAILABILITY
from tests.monitoring.tools import promtool_test, rendered

QUERY = "http_request_duration_seconds_count"
ERRORS = f'sum(rate({QUERY}{{job="myservice",code=~"(5..|429)"}}[{{{{.window}}}}]))'
TOTAL = f'sum(rate({QUERY}{{job="myservice"}}[{{{{.window}}}}]))'
#: Sloth's base example (in-base.yaml), written the Plinth way. Sloth's own alert name is
#: "myServiceAlert"; Plinth's naming convention wants it capitalised.
SLOTH_SLO1 = {
    "name": "slo1",
    "service": "svc01",
    "objective": 99.9,
    "period": "28d",
    "description": "This is SLO 01.",
    "labels": {"global02k1": "global02v1"},
    "sli": {"ratio": {"errorQuery": ERRORS, "totalQuery": TOTAL}},
    "alerting": {
        "name": "MyServiceAlert",
        "labels": {"alert01k1": "alert01v1"},
        "annotations": {"alert02k1": "alert02k2"},
        "pageAlert": {"labels": {"alert03k1": "alert03v1"}},
        "ticketAlert": {"labels": {"alert04k1": "alert04v1"}},
    },
}
SLOTH_SLO02 = {
    "name": "slo02",
    "service": "svc01",
    "objective": 95,
    "period": "28d",
    "labels": {"global03k1": "global03v1"},
    "sli": {"raw": {"errorRatioQuery": f"{ERRORS}\n/\n{TOTAL}\n"}},
    "alerting": {"pageAlert": {"disable": True}, "ticketAlert": {"disable": True}},
}
#: The service-level labels of Sloth's example (its top-level ``labels``).
GLOBAL = {"global01k1": "global01v1"}
#: Sloth's annotations on both burn-rate alerts, templated on the alert's labels.
SLOTH_SUMMARY = "{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected."
SLOTH_TITLE = "({}) {{{{$labels.sloth_service}}}} {{{{$labels.sloth_slo}}}} SLO error budget burn rate is too fast."


def spec(doc) -> SloSpec:
    return SloSpec.model_validate(doc)


# --- window names ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("window", "name"),
    [
        *((w, w) for w in ("5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d")),  # as in out-base.yaml.tpl
        ("28d", "4w"),  # out-base-28d.yaml.tpl: slo:sli_error:ratio_rate4w, sloth_window="4w"
        ("7d", "1w"),
        ("90m", "1h30m"),
        ("36h", "1d12h"),
        ("365d", "1y"),
        ("60m", "1h"),
    ],
)
def test_windows_are_named_as_prometheus_prints_durations(window, name):
    assert gen.sloth_window(window) == name


@given(st.integers(min_value=1, max_value=10 * 365 * 1440))
def test_window_names_are_canonical_and_read_back(minutes):
    name = gen.prometheus_duration(minutes)
    assert gen.window_minutes(name) == minutes
    assert gen.sloth_window(name) == name, "a name is its own canonical form"


def test_sloths_28_day_example_gives_sloths_groups_records_and_labels():
    s = spec(SLOTH_SLO1)
    groups = gen.rule_groups(s, GLOBAL)
    assert [g["name"] for g in groups] == [
        "sloth-slo-sli-recordings-svc01-slo1",
        "sloth-slo-meta-recordings-svc01-slo1",
        "sloth-slo-alerts-svc01-slo1",
    ]
    sli, meta, alerts = groups
    sloth = {
        **GLOBAL,
        "global02k1": "global02v1",
        "sloth_id": "svc01-slo1",
        "sloth_service": "svc01",
        "sloth_slo": "slo1",
    }
    windows = ["5m", "30m", "1h", "2h", "6h", "1d", "3d", "4w"]
    assert [r["record"] for r in sli["rules"]] == [f"slo:sli_error:ratio_rate{w}" for w in windows]
    assert [r["labels"] for r in sli["rules"]] == [{**sloth, "sloth_window": w} for w in windows]
    sel = '{sloth_id="svc01-slo1", sloth_service="svc01", sloth_slo="slo1"}'
    assert sli["rules"][-1]["expr"] == (
        f"sum_over_time(slo:sli_error:ratio_rate5m{sel}[4w])\n/ ignoring (sloth_window)\n"
        f"count_over_time(slo:sli_error:ratio_rate5m{sel}[4w])"
    )
    assert [r["record"] for r in meta["rules"]] == [
        "slo:objective:ratio",
        "slo:error_budget:ratio",
        "slo:time_period:days",
        "slo:current_burn_rate:ratio",
        "slo:period_burn_rate:ratio",
        "slo:period_error_budget_remaining:ratio",
        "sloth_slo_info",
    ]
    by_record = {r["record"]: r for r in meta["rules"]}
    assert by_record["slo:time_period:days"]["expr"] == "vector(28)"
    on = "/ on(sloth_id, sloth_slo, sloth_service) group_left"
    assert by_record["slo:period_burn_rate:ratio"]["expr"] == (
        f"slo:sli_error:ratio_rate4w{sel}\n{on}\nslo:error_budget:ratio{sel}"
    )
    assert by_record["slo:current_burn_rate:ratio"]["expr"] == (
        f"slo:sli_error:ratio_rate5m{sel}\n{on}\nslo:error_budget:ratio{sel}"
    )
    assert all(r["labels"] == sloth for r in meta["rules"][:-1])
    assert by_record["sloth_slo_info"]["labels"] == {
        **sloth,
        "sloth_mode": "cli-gen-prom",
        "sloth_objective": "99.9",
        "sloth_spec": "prometheus/v1",
        "sloth_version": gen.SLOTH_VERSION,
    }
    page, ticket = alerts["rules"][:2]
    assert page["alert"] == ticket["alert"] == "MyServiceAlert"
    assert {"alert01k1": "alert01v1", "alert03k1": "alert03v1", "sloth_severity": "page"}.items() <= page[
        "labels"
    ].items()
    assert "alert04k1" not in page["labels"], "the ticket alert's labels stay on the ticket alert"
    assert {"alert01k1": "alert01v1", "alert04k1": "alert04v1", "sloth_severity": "ticket"}.items() <= ticket[
        "labels"
    ].items()
    assert "alert03k1" not in ticket["labels"]
    for rule, severity in ((page, "page"), (ticket, "ticket")):
        assert {
            "alert02k1": "alert02k2",
            "summary": SLOTH_SUMMARY,
            "title": SLOTH_TITLE.format(severity),
        }.items() <= rule["annotations"].items()


def _conditions(expr: str) -> list[tuple[str, str, float]]:
    """(short window, long window, factor) of each ``short and long`` burn condition."""
    found = re.findall(r"slo:sli_error:ratio_rate(\w+)\{[^}]*\} > \(([\d.]+) \*", expr)
    return [(found[i][0], found[i + 1][0], float(found[i][1])) for i in range(0, len(found), 2)]


def test_sloths_28_day_example_burns_at_sloths_factors_over_sloths_window_pairs():
    page, ticket = gen.alert_rules(spec(SLOTH_SLO1))["rules"][:2]
    assert _conditions(page["expr"]) == [("5m", "1h", 13.44), ("30m", "6h", 5.6)]
    assert [(s, long, round(f, 4)) for s, long, f in _conditions(ticket["expr"])] == [
        ("2h", "1d", 2.8),
        ("6h", "3d", 0.9333),
    ]


def test_a_raw_sli_with_both_alerts_disabled_gives_sloths_two_groups():
    """Sloth's slo02: a raw error ratio query, page and ticket alerts disabled - no alert group."""
    s = spec(SLOTH_SLO02)
    groups = gen.rule_groups(s, GLOBAL)
    assert [g["name"] for g in groups] == [
        "sloth-slo-sli-recordings-svc01-slo02",
        "sloth-slo-meta-recordings-svc01-slo02",
    ]
    five = groups[0]["rules"][0]
    sloth = (
        f'(sum(rate({QUERY}{{job="myservice",code=~"(5..|429)"}}[5m]))\n/\nsum(rate({QUERY}{{job="myservice"}}[5m]))\n)'
    )
    assert "".join(five["expr"].split()) == "".join(sloth.split()), "the raw query, windowed and parenthesised"
    assert five["labels"] == {
        **GLOBAL,
        "global03k1": "global03v1",
        "sloth_id": "svc01-slo02",
        "sloth_service": "svc01",
        "sloth_slo": "slo02",
        "sloth_window": "5m",
    }
    assert gen.alert_rules(s)["rules"] == []


# --- validation ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "loc", "message"),
    [
        (
            {"alerting": {"pageAlert": {"disable": True}}},
            "alerting",
            "name: required while the page or the ticket alert",
        ),
        (
            {"alerting": {"name": "Api", "pageAlert": {"labels": {"severity": "x"}}}},
            "alerting.pageAlert.labels",
            "set by Plinth",
        ),
        (
            {"alerting": {"name": "Api", "ticketAlert": {"disable": "sometimes"}}},
            "alerting.ticketAlert.disable",
            "boolean",
        ),
        ({"alerting": {"name": "Api", "pageAlert": {"silence": True}}}, "alerting.pageAlert.silence", "Extra inputs"),
        (
            {"sli": {"raw": {"errorRatioQuery": "sum(rate(errors_total[5m]))"}}},
            "sli.raw.errorRatioQuery",
            "{{.window}}",
        ),
        ({"sli": {"raw": {"errorRatioQuery": "sum(rate(x[{{.window}}])"}}}, "sli.raw.errorRatioQuery", "not PromQL"),
        (
            {"sli": {**AVAILABILITY["sli"], "raw": {"errorRatioQuery": "x[{{.window}}]"}}},
            "sli",
            "exactly one of ratio, latency or raw",
        ),
        # Prometheus expands alert labels, annotations and the description as Go templates.
        (
            {"alerting": {"name": "Api", "annotations": {"summary": "{{ .Labels.team }}"}}},
            "alerting.annotations.summary",
            "'{{ .Labels.team }}' is not a template Plinth accepts",
        ),
        ({"labels": {"team": "audio {{ oops"}}, "labels.team", "'{{ oops' is not a template"),
        ({"description": 'Down {{ printf "%s" 1 }}'}, "description", "is not a template Plinth accepts"),
        (
            {"alerting": {"name": "Api", "ticketAlert": {"labels": {"queue": "{{ $labels.tenant | exec }}"}}}},
            "alerting.ticketAlert.labels.queue",
            "use {{ $labels.<name> }}",
        ),
    ],
)
def test_invalid_sloth_options_are_rejected_naming_the_field(change, loc, message):
    with pytest.raises(ValidationError) as err:
        spec({**AVAILABILITY, **change})
    matching = [e for e in err.value.errors() if ".".join(str(p) for p in e["loc"]) == loc]
    assert matching and message in matching[0]["msg"], err.value.errors()


def test_both_alerts_disabled_need_no_alert_name():
    s = spec({**AVAILABILITY, "alerting": {"pageAlert": {"disable": True}, "ticketAlert": {"disable": True}}})
    assert s.alerting.severities == ()
    assert [g["name"] for g in gen.rule_groups(s)][-1] == "sloth-slo-meta-recordings-api-availability"


# --- replayed through promtool ----------------------------------------------------------------
def _availability(service: str, alert: str, alerting: dict) -> dict:
    return {
        **AVAILABILITY,
        "service": service,
        "sli": {
            "ratio": {
                "errorQuery": f'sum(rate(http_requests_total{{job="{service}",code=~"5.."}}[{{{{.window}}}}]))',
                "totalQuery": f'sum(rate(http_requests_total{{job="{service}"}}[{{{{.window}}}}]))',
            }
        },
        "alerting": {**AVAILABILITY["alerting"], "name": alert, **alerting},
    }


def _burning(job: str) -> list[dict]:
    """5 % errors from the start: 50x a 0.1 % budget, enough for the page and the ticket alert."""
    return [
        {"series": f'http_requests_total{{job="{job}",code="200"}}', "values": "0+950x200"},
        {"series": f'http_requests_total{{job="{job}",code="500"}}', "values": "0+50x200"},
    ]


def _fired(rule: dict, s: SloSpec) -> dict:
    """The alert promtool must see for ``rule``: the SLI series' labels plus the rule's, annotations rendered."""
    labels = {**s.labels, "sloth_id": s.id, "sloth_service": s.service, "sloth_slo": s.name, "tenant": "acme"}
    labels = {**labels, **rule["labels"]}
    return {"exp_labels": labels, "exp_annotations": rendered(rule["annotations"], labels)}


def test_a_disabled_alert_never_fires_and_each_alert_carries_its_own_labels(tmp_path):
    no_page = spec(
        _availability(
            "api",
            "ApiAvailability",
            {"pageAlert": {"disable": True}, "ticketAlert": {"labels": {"queue": "audio-tickets"}}},
        )
    )
    no_ticket = spec(
        _availability(
            "web",
            "WebAvailability",
            {
                "ticketAlert": {"disable": True},
                "pageAlert": {"annotations": {"escalate": "{{ $labels.tenant }} on-call"}},
            },
        )
    )
    api_ticket = gen.alert_rules(no_page)["rules"][0]
    web_page = gen.alert_rules(no_ticket)["rules"][0]
    assert (api_ticket["labels"]["severity"], web_page["labels"]["severity"]) == ("ticket", "page")
    groups = gen.rule_groups(no_page) + gen.rule_groups(no_ticket)
    expected_api, expected_web = _fired(api_ticket, no_page), _fired(web_page, no_ticket)
    assert (
        expected_api["exp_annotations"]["title"] == "(ticket) api availability SLO error budget burn rate is too fast."
    )
    assert expected_web["exp_annotations"]["escalate"] == "acme on-call"
    promtool_test(
        tmp_path,
        groups,
        _burning("api") + _burning("web"),
        alert_tests=[
            {"eval_time": "180m", "alertname": "ApiAvailability", "exp_alerts": [expected_api]},
            {"eval_time": "180m", "alertname": "WebAvailability", "exp_alerts": [expected_web]},
        ],
    )


def test_a_raw_error_ratio_is_the_sli_and_alerts(tmp_path):
    raw = (
        '(sum(rate(http_requests_total{job="api",code=~"5.."}[{{.window}}])) or on() vector(0))\n'
        '/ sum(rate(http_requests_total{job="api"}[{{.window}}]))'
    )
    s = spec({**AVAILABILITY, "sli": {"raw": {"errorRatioQuery": raw}}})
    page, ticket = gen.alert_rules(s)["rules"][:2]
    labels = {**s.labels, "sloth_id": s.id, "sloth_service": "api", "sloth_slo": "availability", "tenant": "acme"}
    promtool_test(
        tmp_path,
        gen.rule_groups(s),
        _burning("api"),
        expr_tests=[
            {
                "expr": 'round(slo:sli_error:ratio_rate5m{sloth_id="api-availability"} * 100)',
                "eval_time": "60m",
                "exp_samples": [{"labels": _series({**labels, "sloth_window": "5m"}), "value": 5}],
            }
        ],
        alert_tests=[
            # 5 % errors from the start: 50x the budget burns 2 % of it within the hour (page) and
            # the 2h and 1d ratios exceed 3x (ticket).
            {"eval_time": "60m", "alertname": "ApiAvailability", "exp_alerts": [_fired(page, s), _fired(ticket, s)]},
            {"eval_time": "60m", "alertname": "ApiAvailabilitySLIAbsent", "exp_alerts": []},
        ],
    )


def _series(labels: dict) -> str:
    return "{" + ",".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}"


def test_a_quiet_window_without_traffic_does_not_poison_the_period_sli(tmp_path):
    """Sloth divides by ``total > 0``: 5 minutes without requests record no ratio rather than 0/0
    = NaN, which would make the period's average (and its remaining budget) NaN for a month."""
    s = spec(AVAILABILITY)
    quiet = {"series": 'http_requests_total{job="api",code="200"}', "values": "0+1000x60 60000+0x30 60000+1000x60"}
    labels = {**s.labels, "sloth_id": s.id, "sloth_service": "api", "sloth_slo": "availability", "tenant": "acme"}
    promtool_test(
        tmp_path,
        gen.rule_groups(s),
        [quiet],
        expr_tests=[
            {"expr": 'slo:sli_error:ratio_rate5m{sloth_id="api-availability"}', "eval_time": "85m", "exp_samples": []},
            {
                "expr": 'slo:period_error_budget_remaining:ratio{sloth_id="api-availability"}',
                "eval_time": "150m",
                "exp_samples": [
                    {
                        "labels": "slo:period_error_budget_remaining:ratio"
                        + _series({**labels, "sloth_window": "30d"}),
                        "value": 1,
                    }
                ],
            },
        ],
    )
