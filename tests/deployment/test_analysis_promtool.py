"""The canary analysis and the SLO's page alert are one judgement: on the same synthetic series, ``promtool test
rules`` shows the AnalysisTemplate's failure condition holding at exactly the evaluations where the page alert
fires (a fast burn), and never on healthy traffic or on a slow burn that only opens a ticket.

The rule file holds the SLO's own groups (what the monitoring stack deploys) and one more group, evaluated last,
that records the analysis query's result, its failure condition (the AnalysisTemplate's ``failureCondition``
turned into PromQL) and whether the two disagree with the page alert at that evaluation."""

from __future__ import annotations

import re
from typing import Any

from components.monitoring import slo as gen
from components.monitoring.spec import SloSpec
from tests.deployment.helpers import SLO
from tests.monitoring.tools import promtool_test

SPEC = SloSpec.model_validate(SLO)
HEALTHY = 6 * 60  # minutes of clean traffic first, so both page windows (up to 6h) are filled
OK = {
    "series": 'http_requests_total{namespace="tenant-acme",job="api",code="200"}',
    "values": f"0+1000x{HEALTHY + 900}",
}
ERRORS = 'http_requests_total{namespace="tenant-acme",job="api",code="500"}'
PAGE_FIRING = f'ALERTS{{alertname="{SPEC.alerting.name}",severity="page",alertstate="firing"}}'
_CONDITION = re.compile(r"^result\[0\] (?P<op>>|>=|<|<=|==) (?P<value>[0-9.]+)$")


def failure_as_promql(condition: str, expr: str) -> str:
    """An AnalysisTemplate condition over ``result[0]`` as PromQL over ``expr`` (1 when it holds, else 0)."""
    match = _CONDITION.match(condition)
    assert match, f"{condition!r}: not a condition this test can translate"
    return f"({expr}) {match['op']} bool {match['value']}"


def analysis_group() -> dict[str, Any]:
    query = gen.page_analysis_query(SPEC)
    paging = f"(count({PAGE_FIRING}) or on() vector(0)) > bool 0"
    return {
        "name": "canary-analysis",
        "rules": [
            {"record": "analysis:result", "expr": query},
            {"record": "analysis:failing", "expr": failure_as_promql(gen.PAGE_ANALYSIS_FAILURE, "analysis:result")},
            {"record": "analysis:passing", "expr": failure_as_promql(gen.PAGE_ANALYSIS_SUCCESS, "analysis:result")},
            {"record": "analysis:paging", "expr": paging},
            {"record": "analysis:disagrees", "expr": "analysis:failing != bool analysis:paging"},
            {"record": "analysis:undecided", "expr": "analysis:failing + analysis:passing != bool 1"},
        ],
    }


def check(eval_minute: int, expr: str, value: int, labels: str = "{}") -> dict[str, Any]:
    return {"expr": expr, "eval_time": f"{eval_minute}m", "exp_samples": [{"labels": labels, "value": value}]}


def recorded(eval_minute: int, record: str, value: int) -> dict[str, Any]:
    return check(eval_minute, record, value, f'{{__name__="{record}"}}')


def over_run(end: int, record: str) -> str:
    """``record`` at its worst over every evaluation of the run (recorded every minute since 0)."""
    return f"max(max_over_time({record}[{end}m]))"


def run(
    tmp_path, errors: dict[str, Any], end: int, *, fails: bool, spot: list[tuple[int, int]], also: list[Any] = ()
) -> None:
    groups = [*gen.rule_groups(SPEC), analysis_group()]
    assert groups[-1]["name"] == "canary-analysis", "evaluated after the alerts, at the same instant"
    tests = [
        check(end, over_run(end, "analysis:disagrees"), 0),
        check(end, over_run(end, "analysis:undecided"), 0),
        check(end, over_run(end, "analysis:failing"), 1 if fails else 0),
        *(recorded(minute, "analysis:failing", value) for minute, value in spot),
        *(recorded(minute, "analysis:paging", value) for minute, value in spot),
        *also,
    ]
    promtool_test(tmp_path, groups, [OK, errors], expr_tests=tests)


def test_a_fast_burn_fails_the_analysis_exactly_when_it_pages(tmp_path):
    # 1.48 % errors for an hour: 14.8x a 99.9 % budget (2 % of the month's budget in an hour), then healthy again.
    errors = {"series": ERRORS, "values": f"0+0x{HEALTHY} 15+15x59 900+0x300"}
    spot = [(HEALTHY - 10, 0), (HEALTHY + 3, 0), (HEALTHY + 60, 1), (HEALTHY + 300, 0)]
    run(tmp_path, errors, HEALTHY + 300, fails=True, spot=spot)


def test_healthy_traffic_keeps_the_analysis_passing(tmp_path):
    errors = {"series": ERRORS, "values": f"0+0x{HEALTHY + 300}"}
    run(tmp_path, errors, HEALTHY + 300, fails=False, spot=[(HEALTHY + 150, 0)])


def test_a_slow_burn_that_only_tickets_keeps_the_analysis_passing(tmp_path):
    # 0.2 % errors: twice the budget. The ticket alert (3x over 1d/2h, 1x over 3d/6h) opens once the errors
    # outweigh the healthy start in the 3d window; the page (6x and more) never fires.
    errors = {"series": ERRORS, "values": f"0+0x{HEALTHY} 2+2x899"}
    end = HEALTHY + 890
    ticket = f'count(ALERTS{{alertname="{SPEC.alerting.name}",severity="ticket",alertstate="firing"}})'
    run(tmp_path, errors, end, fails=False, spot=[(HEALTHY + 120, 0), (end, 0)], also=[check(end, ticket, 1)])
