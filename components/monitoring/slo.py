"""SLO -> Prometheus rules, compatible with Sloth's output so Sloth's Grafana dashboards work.

Pure functions: a :class:`SloSpec` in, Prometheus rule groups (plain dicts) out.

What matches Sloth (``sloth generate``, Prometheus/v1 spec) exactly:

- group names ``sloth-slo-sli-recordings-<id>``, ``sloth-slo-meta-recordings-<id>``,
  ``sloth-slo-alerts-<id>`` with ``<id> = <service>-<name>``;
- recording rules ``slo:sli_error:ratio_rate<w>`` for w in 5m 30m 1h 2h 6h 1d 3d and the period
  (the period ratio is ``sum_over_time`` of the 5m ratio over ``count_over_time``). Windows are
  named as Prometheus prints durations, as Sloth names them: a 28-day period is ``4w``
  (``slo:sli_error:ratio_rate4w``, ``sloth_window="4w"``), a 30-day period ``30d``. The meta
  rules ``slo:objective:ratio``, ``slo:error_budget:ratio``, ``slo:time_period:days``,
  ``slo:current_burn_rate:ratio``, ``slo:period_burn_rate:ratio``,
  ``slo:period_error_budget_remaining:ratio``, ``sloth_slo_info``;
- labels ``sloth_id``, ``sloth_service``, ``sloth_slo`` (and ``sloth_window`` on SLI rules);
- multi-window multi-burn-rate alerts from the Google SRE workbook with Sloth's default window
  catalogue: page = 2 % of the budget in 1h (checked with 5m) or 5 % in 6h (with 30m), ticket =
  10 % in 1d (with 2h) or 10 % in 3d (with 6h). The burn factor is
  ``budget share * period / long window``: 14.4, 6, 3, 1 for 30d and 13.44, 5.6, 2.8, 0.9333 for 28d,
  as in Sloth's 28-day catalogue. Page and ticket alerts share one name and differ by severity;
  their ``title`` and ``summary`` annotations are Sloth's templates over the alert's labels;
- Sloth's ``sli.raw.errorRatioQuery`` and ``alerting.pageAlert`` / ``ticketAlert`` (``disable``,
  ``labels``, ``annotations`` of that alert alone); with both alerts disabled there is no alert
  group, as in Sloth.

Checked against Sloth's own expected output (slok/sloth, test/integration/prometheus/testdata:
``in-base.yaml`` generated as ``out-base.yaml.tpl`` and ``out-base-28d.yaml.tpl``); see
tests/monitoring/test_sloth_compat.py.

Plinth additions (Sloth does not have them):

- the ``tenant`` label and a ``priority`` label (P0/P1 page, P2/P3 ticket) that Alertmanager routes on;
- an error query that returns nothing is read as zero errors (``or on() vector(0)``), so a healthy
  service whose error series was never created still has an SLI of 0 instead of no SLI at all.
  A window without traffic records no ratio (the total must be ``> 0``, as in Sloth), so a quiet
  5 minutes never turns the period's average into NaN;
- ``<Name>SLIAbsent``: the SLI's source metric is missing for 10m (broken scrape, renamed metric);
- ``<Name>ErrorBudgetExhausted``: ``slo:period_error_budget_remaining:ratio <= 0`` for 5m.
  Both exist while the page or the ticket alert does; they carry ``alerting.labels`` only.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any, Mapping, NamedTuple

from components import conventions
from components.monitoring.spec import WINDOW_PLACEHOLDER, SloSpec

#: SLI windows Sloth records, shortest first (the period window is added per SLO).
WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
SLOTH_VERSION = "plinth"
ABSENT_FOR = "10m"
EXHAUSTED_FOR = "5m"
#: Minutes per unit of a Prometheus duration; years and weeks name a window only when they divide
#: it exactly (prometheus/common ``model.Duration.String``, which Sloth uses for window names).
_UNIT_MINUTES = (("y", 365 * 1440, True), ("w", 7 * 1440, True), ("d", 1440, False), ("h", 60, False), ("m", 1, False))
_DURATION = re.compile(r"(\d+)([ywdhm])")
#: Sloth's annotation templates; Prometheus renders them from each alert's labels.
SUMMARY = "{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected."
TITLE = "({severity}) {{{{$labels.sloth_service}}}} {{{{$labels.sloth_slo}}}} SLO error budget burn rate is too fast."

# The names of what the rules record and the labels they carry: readers (``plinth health``, Sloth's
# dashboards) query exactly these.
#: ``slo:sli_error:ratio_rate<window>``: the SLI's error ratio over a window (Sloth's window name).
SLI_ERROR_RECORD = "slo:sli_error:ratio_rate"
OBJECTIVE_RECORD = "slo:objective:ratio"
ERROR_BUDGET_RECORD = "slo:error_budget:ratio"
TIME_PERIOD_RECORD = "slo:time_period:days"
CURRENT_BURN_RATE_RECORD = "slo:current_burn_rate:ratio"
PERIOD_BURN_RATE_RECORD = "slo:period_burn_rate:ratio"
BUDGET_REMAINING_RECORD = "slo:period_error_budget_remaining:ratio"
INFO_METRIC = "sloth_slo_info"
ID_LABEL, SERVICE_LABEL, SLO_LABEL, WINDOW_LABEL = "sloth_id", "sloth_service", "sloth_slo", "sloth_window"
TENANT_LABEL, PRIORITY_LABEL, SEVERITY_LABEL = "tenant", "priority", "severity"
#: Suffixes of the alerts every alerting SLO has besides its burn-rate alert.
ABSENT_SUFFIX, EXHAUSTED_SUFFIX = "SLIAbsent", "ErrorBudgetExhausted"


class BurnWindow(NamedTuple):
    """One multi-window condition: alert when ``budget_share`` of the period's budget is burnt in ``long``."""

    severity: str
    budget_share: Fraction
    long: str
    short: str


#: Sloth's default catalogue (Google SRE workbook, table 5-8), for 28d and 30d alike.
BURN_WINDOWS: tuple[BurnWindow, ...] = (
    BurnWindow("page", Fraction(2, 100), "1h", "5m"),
    BurnWindow("page", Fraction(5, 100), "6h", "30m"),
    BurnWindow("ticket", Fraction(10, 100), "1d", "2h"),
    BurnWindow("ticket", Fraction(10, 100), "3d", "6h"),
)


def window_minutes(window: str) -> int:
    """``1h30m`` -> 90: a window written as a Prometheus duration of whole minutes."""
    parts = _DURATION.findall(window)
    if not parts or "".join(n + u for n, u in parts) != window:
        raise ValueError(f"{window!r} is not a duration in whole minutes such as 5m, 1h or 28d")
    minutes = dict((u, m) for u, m, _ in _UNIT_MINUTES)
    return sum(int(n) * minutes[u] for n, u in parts)


def prometheus_duration(minutes: int) -> str:
    """How Prometheus prints a duration of ``minutes`` (and so how Sloth names a window): 28d is
    ``4w``, 30d stays ``30d``, 90 minutes are ``1h30m``."""
    if minutes <= 0:
        raise ValueError("a window is at least one minute long")
    out, rest = "", minutes
    for unit, size, exact in _UNIT_MINUTES:
        if exact and rest % size:
            continue
        if rest >= size:
            out += f"{rest // size}{unit}"
            rest %= size
    return out


def sloth_window(window: str) -> str:
    """Sloth's name for ``window`` (``28d`` -> ``4w``), used in record names and ``sloth_window``."""
    return prometheus_duration(window_minutes(window))


def period_window(slo: SloSpec) -> str:
    """The name of the SLO's period window: ``30d`` or ``4w``."""
    return sloth_window(slo.period)


def window_hours(window: str) -> Fraction:
    return Fraction(window_minutes(window), 60)


def burn_factor(period: str, window: BurnWindow) -> float:
    """Burn rate at which ``window.budget_share`` of a ``period`` budget goes in ``window.long``."""
    return float(window.budget_share * window_hours(period) / window_hours(window.long))


def burn_alerts(slo: SloSpec) -> list[tuple[str, float, str, str]]:
    """(severity, burn factor, long window, short window) for the SLO's period."""
    return [(w.severity, burn_factor(slo.period, w), w.long, w.short) for w in BURN_WINDOWS]


#: (severity, factor, long, short) for a 30-day period: 14.4, 6, 3, 1.
BURN_ALERTS: tuple[tuple[str, float, str, str], ...] = tuple(
    (w.severity, burn_factor("30d", w), w.long, w.short) for w in BURN_WINDOWS
)


def _fmt(number: float) -> str:
    return format(number, ".12g")


def sloth_labels(slo: SloSpec) -> dict[str, str]:
    out = {ID_LABEL: slo.id, SERVICE_LABEL: slo.service, SLO_LABEL: slo.name}
    if slo.tenant:
        out[TENANT_LABEL] = slo.tenant
    return out


def selector(slo: SloSpec) -> str:
    """The matcher Sloth uses to pick one SLO's recordings."""
    return (
        "{"
        + ", ".join(
            f'{k}="{v}"' for k, v in ((ID_LABEL, slo.id), (SERVICE_LABEL, slo.service), (SLO_LABEL, slo.name))
        )
        + "}"
    )


def le_matcher(threshold: float) -> str:
    """Matcher for the histogram bucket of ``threshold``; whole numbers match ``"1"`` and ``"1.0"``."""
    if float(threshold).is_integer():
        n = int(threshold)
        return f'le=~"{n}|{n}\\\\.0"'
    return f'le="{threshold!r}"'


def _latency_parts(slo: SloSpec) -> tuple[str, str, str]:
    lat = slo.sli.latency
    assert lat is not None
    base = lat.bucket_metric[: -len("_bucket")]
    matchers = lat.selector.strip()
    bucket = f"{lat.bucket_metric}{{{', '.join(m for m in (matchers, le_matcher(lat.threshold_seconds)) if m)}}}"
    count = f"{base}_count{{{matchers}}}"
    return bucket, count, matchers


def error_ratio_query(slo: SloSpec, window: str) -> str:
    """The SLI's error ratio over ``window`` as PromQL."""
    if slo.sli.raw is not None:
        return f"({slo.sli.raw.error_ratio_query.replace(WINDOW_PLACEHOLDER, window)})"
    if slo.sli.ratio is not None:
        error = slo.sli.ratio.error_query.replace(WINDOW_PLACEHOLDER, window)
        total = slo.sli.ratio.total_query.replace(WINDOW_PLACEHOLDER, window)
        return f"(({error}) or on() vector(0))\n/\n(({total}) > 0)"
    bucket, count, _ = _latency_parts(slo)
    return f"1 - (sum(rate({bucket}[{window}]))\n/\n(sum(rate({count}[{window}])) > 0))"


def source_absent_query(slo: SloSpec) -> str:
    """True (1) when the SLI's source metric does not exist: its traffic (total) is missing, or for
    a raw SLI, the error ratio query returns nothing."""
    if slo.sli.raw is not None:
        return f"absent({error_ratio_query(slo, '5m')})"
    if slo.sli.ratio is not None:
        return f"absent({slo.sli.ratio.total_query.replace(WINDOW_PLACEHOLDER, '5m')})"
    _, count, _ = _latency_parts(slo)
    return f"absent({count})"


def _labels(slo: SloSpec, extra: Mapping[str, str] | None) -> dict[str, str]:
    return {**(extra or {}), **slo.labels, **sloth_labels(slo)}


def sli_recordings(slo: SloSpec, extra_labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    labels = _labels(slo, extra_labels)
    rules = [
        {
            "record": f"{SLI_ERROR_RECORD}{w}",
            "expr": error_ratio_query(slo, w),
            "labels": {**labels, WINDOW_LABEL: w},
        }
        for w in WINDOWS
    ]
    period = period_window(slo)
    rules.append(
        {
            "record": f"{SLI_ERROR_RECORD}{period}",
            "expr": (
                f"sum_over_time({SLI_ERROR_RECORD}5m{selector(slo)}[{period}])\n"
                f"/ ignoring ({WINDOW_LABEL})\n"
                f"count_over_time({SLI_ERROR_RECORD}5m{selector(slo)}[{period}])"
            ),
            "labels": {**labels, WINDOW_LABEL: period},
        }
    )
    return {"name": f"sloth-slo-sli-recordings-{slo.id}", "rules": rules}


def meta_recordings(slo: SloSpec, extra_labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    labels = _labels(slo, extra_labels)
    sel = selector(slo)
    on = "on(sloth_id, sloth_slo, sloth_service) group_left"
    return {
        "name": f"sloth-slo-meta-recordings-{slo.id}",
        "rules": [
            {"record": OBJECTIVE_RECORD, "expr": f"vector({_fmt(slo.objective / 100)})", "labels": labels},
            {"record": ERROR_BUDGET_RECORD, "expr": f"vector(1-{_fmt(slo.objective / 100)})", "labels": labels},
            {"record": TIME_PERIOD_RECORD, "expr": f"vector({slo.period_days})", "labels": labels},
            {
                "record": CURRENT_BURN_RATE_RECORD,
                "expr": f"{SLI_ERROR_RECORD}5m{sel}\n/ {on}\n{ERROR_BUDGET_RECORD}{sel}",
                "labels": labels,
            },
            {
                "record": PERIOD_BURN_RATE_RECORD,
                "expr": f"{SLI_ERROR_RECORD}{period_window(slo)}{sel}\n/ {on}\n{ERROR_BUDGET_RECORD}{sel}",
                "labels": labels,
            },
            {
                "record": BUDGET_REMAINING_RECORD,
                "expr": f"1 - {PERIOD_BURN_RATE_RECORD}{sel}",
                "labels": labels,
            },
            {
                "record": INFO_METRIC,
                "expr": "vector(1)",
                "labels": {
                    **labels,
                    "sloth_mode": "cli-gen-prom",
                    "sloth_version": SLOTH_VERSION,
                    "sloth_spec": "prometheus/v1",
                    "sloth_objective": _fmt(slo.objective),
                },
            },
        ],
    }


def burn_condition(slo: SloSpec, factor: float, long: str, short: str) -> str:
    threshold = f"({_fmt(factor)} * {_fmt(slo.error_budget)})"
    sel = selector(slo)
    return (
        f"(max({SLI_ERROR_RECORD}{short}{sel} > {threshold}) without ({WINDOW_LABEL})\n"
        f"and\nmax({SLI_ERROR_RECORD}{long}{sel} > {threshold}) without ({WINDOW_LABEL}))"
    )


def severity_condition(slo: SloSpec, severity: str) -> str:
    """The burn-rate expression of the SLO's ``page`` or ``ticket`` alert: the alert's ``expr``, and (for
    ``page``) what a canary analysis measures (:func:`page_analysis_query`), so the two cannot drift."""
    conditions = [burn_condition(slo, f, long, short) for sev, f, long, short in burn_alerts(slo) if sev == severity]
    return "\nor\n".join(conditions)


#: Argo Rollouts AnalysisTemplate conditions over :func:`page_analysis_query`'s result (its one sample):
#: the measurement fails exactly when the page alert's expression returns a series, i.e. when it pages.
PAGE_ANALYSIS_FAILURE = "result[0] > 0"
PAGE_ANALYSIS_SUCCESS = "result[0] == 0"


def page_analysis_query(slo: SloSpec) -> str:
    """The SLO's page condition as one number a rollout analysis can judge: how many series of the page
    alert's own expression (:func:`severity_condition`) are firing now, 0 when none (``or on() vector(0)``:
    Argo Rollouts reads an empty result as an error, not as healthy)."""
    return f"count(\n{severity_condition(slo, 'page')}\n) or on() vector(0)"


def _burn_rule(slo: SloSpec, severity: str, base: Mapping[str, str], annotations: Mapping[str, str]) -> dict[str, Any]:
    a = slo.alerting
    options = a.options(severity)
    priority = a.page_priority if severity == "page" else a.ticket_priority
    return {
        "alert": a.name,
        "expr": severity_condition(slo, severity),
        "labels": {**base, **options.labels, "sloth_severity": severity, "severity": severity, "priority": priority},
        "annotations": {"title": TITLE.format(severity=severity), **annotations, **options.annotations},
    }


def alert_rules(slo: SloSpec, extra_labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The SLO's alert group: the page and ticket burn-rate alerts that are enabled, then (while
    either is) ``<Name>SLIAbsent`` and ``<Name>ErrorBudgetExhausted``. No rules when both are off."""
    a = slo.alerting
    if not a.severities:
        return {"name": f"sloth-slo-alerts-{slo.id}", "rules": []}
    base = {**(extra_labels or {}), **slo.labels, **a.labels, **sloth_labels(slo)}
    annotations = {"summary": SUMMARY, **a.annotations}
    if slo.description:
        annotations.setdefault("description", slo.description)
    rules = [_burn_rule(slo, severity, base, annotations) for severity in a.severities]
    ticket = {**base, "severity": "ticket", "priority": a.ticket_priority}
    # Literal names: absent() returns only the labels of its selector's equality matchers, so
    # ``$labels.sloth_service`` would render empty here.
    what = f"{slo.service}/{slo.name}"
    # The user's annotations (a runbook link...) reach these alerts too, but not a title or summary
    # written for the burn-rate alerts.
    extra = {k: v for k, v in a.annotations.items() if k not in ("title", "summary")}
    rules.append(
        {
            "alert": f"{a.name}{ABSENT_SUFFIX}",
            "expr": source_absent_query(slo),
            "for": ABSENT_FOR,
            "labels": dict(ticket),
            "annotations": {
                "title": f"(ticket) {what} SLI is missing.",
                "summary": f"No SLI data for {what}: its source metric is missing, so the SLO cannot alert.",
                **extra,
            },
        }
    )
    rules.append(
        {
            "alert": f"{a.name}{EXHAUSTED_SUFFIX}",
            "expr": f"{BUDGET_REMAINING_RECORD}{selector(slo)} <= 0",
            "for": EXHAUSTED_FOR,
            "labels": dict(ticket),
            "annotations": {
                "title": f"(ticket) {what} SLO error budget is exhausted.",
                "summary": f"{what} has used its whole {slo.period} error budget.",
                **extra,
            },
        }
    )
    return {"name": f"sloth-slo-alerts-{slo.id}", "rules": rules}


def rule_groups(slo: SloSpec, extra_labels: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Sloth's groups of one SLO in dependency order: SLI recordings, meta recordings, and the
    alerts unless both burn-rate alerts are disabled.

    ``extra_labels`` go on every rule (e.g. the environment); the SLO's own labels and Sloth's
    labels win over them.
    """
    groups = [sli_recordings(slo, extra_labels), meta_recordings(slo, extra_labels), alert_rules(slo, extra_labels)]
    return [g for g in groups if g["rules"]]


def prometheus_rule(slo: SloSpec, namespace: str, labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A ``monitoring.coreos.com/v1`` PrometheusRule carrying the SLO's groups.

    ``labels`` are the object's metadata labels (e.g. what a Prometheus' ruleSelector matches).
    Alerts also get ``namespace=<namespace>``: the Prometheus Operator scopes a namespaced
    AlertmanagerConfig to alerts carrying its namespace, so routing works in existing mode.
    """
    meta_labels = {conventions.LABEL_MANAGED_BY: conventions.MANAGED_BY_VALUE, **(labels or {})}
    if slo.tenant:
        meta_labels[conventions.LABEL_TENANT] = slo.tenant
    groups = rule_groups(slo)
    for group in groups:
        for rule in group["rules"]:
            if "alert" in rule:
                rule["labels"] = {**rule["labels"], "namespace": namespace}
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": conventions.physical_name("slo", slo.id, max_len=conventions.K8S_NAME_MAX),
            "namespace": namespace,
            "labels": meta_labels,
        },
        "spec": {"groups": groups},
    }
