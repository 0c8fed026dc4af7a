"""SLO -> Prometheus rules, compatible with Sloth's output so Sloth's Grafana dashboards work.

Pure functions: a :class:`SloSpec` in, Prometheus rule groups (plain dicts) out. Recording rules
and labels follow Sloth (``slo:sli_error:ratio_rate<window>``, ``slo:objective:ratio``, ...,
``sloth_id``/``sloth_service``/``sloth_slo``); alerts are Google SRE workbook multi-window,
multi-burn-rate alerts, plus two Sloth does not have: an absent-SLI alert and an
error-budget-exhausted alert.
"""

from __future__ import annotations

from typing import Any

from components import conventions
from components.monitoring.spec import SloSpec

#: SLI windows Sloth records, shortest first.
WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
#: (severity, burn factor, long window, short window) - the SRE workbook's recommendation, as Sloth.
BURN_ALERTS = (
    ("page", 14.4, "1h", "5m"),
    ("page", 6.0, "6h", "30m"),
    ("ticket", 3.0, "1d", "2h"),
    ("ticket", 1.0, "3d", "6h"),
)
SLOTH_VERSION = "plinth"
ABSENT_FOR = "10m"
EXHAUSTED_FOR = "5m"


def _fmt(number: float) -> str:
    return format(number, ".12g")


def sloth_labels(slo: SloSpec) -> dict[str, str]:
    out = {"sloth_id": slo.id, "sloth_service": slo.service, "sloth_slo": slo.name}
    if slo.tenant:
        out["tenant"] = slo.tenant
    return out


def selector(slo: SloSpec) -> str:
    return "{" + ", ".join(f'{k}="{v}"' for k, v in (("sloth_id", slo.id), ("sloth_service", slo.service), ("sloth_slo", slo.name))) + "}"


def error_ratio_query(slo: SloSpec, window: str) -> str:
    """The SLI's error ratio over ``window`` as PromQL."""
    if slo.sli.ratio is not None:
        error = slo.sli.ratio.error_query.replace("{{.window}}", window)
        total = slo.sli.ratio.total_query.replace("{{.window}}", window)
        return f"({error})\n/\n({total})"
    lat = slo.sli.latency
    base = lat.bucket_metric[: -len("_bucket")]
    matchers = lat.selector.strip()
    le = f'le="{_fmt(lat.threshold_seconds)}"'
    good = f"sum(rate({lat.bucket_metric}{{{', '.join(m for m in (matchers, le) if m)}}}[{window}]))"
    total = f"sum(rate({base}_count{{{matchers}}}[{window}]))"
    return f"1 - ({good}\n/\n{total})"


def sli_recordings(slo: SloSpec) -> dict[str, Any]:
    labels = {**slo.labels, **sloth_labels(slo)}
    rules = [
        {"record": f"slo:sli_error:ratio_rate{w}", "expr": error_ratio_query(slo, w), "labels": {**labels, "sloth_window": w}}
        for w in WINDOWS
    ]
    period = slo.period
    rules.append(
        {
            "record": f"slo:sli_error:ratio_rate{period}",
            "expr": (
                f"sum_over_time(slo:sli_error:ratio_rate5m{selector(slo)}[{period}])\n"
                f"/ ignoring (sloth_window)\n"
                f"count_over_time(slo:sli_error:ratio_rate5m{selector(slo)}[{period}])"
            ),
            "labels": {**labels, "sloth_window": period},
        }
    )
    return {"name": f"sloth-slo-sli-recordings-{slo.id}", "rules": rules}


def meta_recordings(slo: SloSpec) -> dict[str, Any]:
    labels = {**slo.labels, **sloth_labels(slo)}
    sel = selector(slo)
    on = "on(sloth_id, sloth_slo, sloth_service) group_left"
    return {
        "name": f"sloth-slo-meta-recordings-{slo.id}",
        "rules": [
            {"record": "slo:objective:ratio", "expr": f"vector({_fmt(slo.objective / 100)})", "labels": labels},
            {"record": "slo:error_budget:ratio", "expr": f"vector(1-{_fmt(slo.objective / 100)})", "labels": labels},
            {"record": "slo:time_period:days", "expr": f"vector({slo.period_days})", "labels": labels},
            {"record": "slo:current_burn_rate:ratio", "expr": f"slo:sli_error:ratio_rate5m{sel}\n/ {on}\nslo:error_budget:ratio{sel}", "labels": labels},
            {"record": "slo:period_burn_rate:ratio", "expr": f"slo:sli_error:ratio_rate{slo.period}{sel}\n/ {on}\nslo:error_budget:ratio{sel}", "labels": labels},
            {"record": "slo:period_error_budget_remaining:ratio", "expr": f"1 - slo:period_burn_rate:ratio{sel}", "labels": labels},
            {
                "record": "sloth_slo_info",
                "expr": "vector(1)",
                "labels": {**labels, "sloth_mode": "cli-gen-prom", "sloth_version": SLOTH_VERSION, "sloth_spec": "prometheus/v1", "sloth_objective": _fmt(slo.objective)},
            },
        ],
    }


def burn_condition(slo: SloSpec, factor: float, long: str, short: str) -> str:
    threshold = f"({_fmt(factor)} * {_fmt(slo.error_budget)})"
    sel = selector(slo)
    return (
        f"(max(slo:sli_error:ratio_rate{short}{sel} > {threshold}) without (sloth_window)\n"
        f"and\nmax(slo:sli_error:ratio_rate{long}{sel} > {threshold}) without (sloth_window))"
    )


def alert_rules(slo: SloSpec) -> dict[str, Any]:
    a = slo.alerting
    base = {**slo.labels, **a.labels, **sloth_labels(slo)}
    annotations = {"summary": f"{slo.service}/{slo.name} is burning its error budget", **a.annotations}
    if slo.description:
        annotations.setdefault("description", slo.description)
    rules = []
    for severity, priority in (("page", a.page_priority), ("ticket", a.ticket_priority)):
        conditions = [burn_condition(slo, f, long, short) for sev, f, long, short in BURN_ALERTS if sev == severity]
        rules.append(
            {
                "alert": a.name,
                "expr": "\nor\n".join(conditions),
                "labels": {**base, "sloth_severity": severity, "severity": severity, "priority": priority},
                "annotations": {**annotations, "title": f"({severity}) {slo.service} {slo.name} SLO error budget burn rate is too high."},
            }
        )
    rules.append(
        {
            "alert": f"{a.name}SLIAbsent",
            "expr": f"absent_over_time(slo:sli_error:ratio_rate5m{selector(slo)}[{ABSENT_FOR}])",
            "for": ABSENT_FOR,
            "labels": {**base, "severity": "ticket", "priority": a.ticket_priority},
            "annotations": {"summary": f"No SLI data for {slo.service}/{slo.name}: its metrics are missing, so the SLO cannot alert."},
        }
    )
    rules.append(
        {
            "alert": f"{a.name}ErrorBudgetExhausted",
            "expr": f"slo:period_error_budget_remaining:ratio{selector(slo)} <= 0",
            "for": EXHAUSTED_FOR,
            "labels": {**base, "severity": "ticket", "priority": a.ticket_priority},
            "annotations": {"summary": f"{slo.service}/{slo.name} has used its whole {slo.period} error budget."},
        }
    )
    return {"name": f"sloth-slo-alerts-{slo.id}", "rules": rules}


def rule_groups(slo: SloSpec) -> list[dict[str, Any]]:
    """The three Sloth groups of one SLO: SLI recordings, meta recordings, alerts."""
    return [sli_recordings(slo), meta_recordings(slo), alert_rules(slo)]


def prometheus_rule(slo: SloSpec, namespace: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
    """A ``monitoring.coreos.com/v1`` PrometheusRule carrying the SLO's groups."""
    meta_labels = {conventions.LABEL_MANAGED_BY: conventions.MANAGED_BY_VALUE, **(labels or {})}
    if slo.tenant:
        meta_labels[conventions.LABEL_TENANT] = slo.tenant
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": f"slo-{slo.id}"[:63], "namespace": namespace, "labels": meta_labels},
        "spec": {"groups": rule_groups(slo)},
    }
