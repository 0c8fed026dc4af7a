"""``plinth health``: SLOs, firing alerts and scrape targets per tenant, read from Prometheus (and
Alertmanager) - exactly the series Plinth's monitoring rules record (components/monitoring/slo.py).

Per SLO (one ``sloth_slo_info`` series):

* objective (``slo:objective:ratio``) and error budget (``slo:error_budget:ratio``);
* burn rates: ``slo:sli_error:ratio_rate<w>`` / error budget for each window Sloth records
  (1 = the budget lasts exactly the period; the page alerts fire at 14.4 over 1h and 6 over 6h);
* ``slo:period_error_budget_remaining:ratio`` (1 = untouched, <= 0 = exhausted);
* SLA attainment over the period: ``1 - slo:sli_error:ratio_rate<period>``, against the objective;
* SLI without data: with the stack config, the ``<Name>SLIAbsent`` alert's own condition
  (:func:`components.monitoring.slo.source_absent_query`); without it, no 5m SLI series.

Alerts: Alertmanager's active, unsilenced, uninhibited alerts, else Prometheus' firing alerts, by
``priority`` label (P0-P3). Targets: active scrape targets that are down, per tenant namespace.

Exit code 1 (:data:`EXIT_UNHEALTHY`) when a P0/P1 alert fires or an SLO's budget is exhausted.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from components import conventions
from components.monitoring import slo as rules
from components.monitoring.spec import PERIOD_DAYS, PRIORITIES, SloSpec
from scripts.console import PlinthError
from scripts.findings import md_text
from scripts.prometheus import Alertmanager, Prometheus, Sample, finite

EXIT_UNHEALTHY = 1
#: Priorities that fail ``plinth health`` (they page someone).
PAGING = ("P0", "P1")
#: Burn-rate windows shown in text and Markdown (JSON has every recorded window).
SHOWN_WINDOWS = ("5m", "1h", "6h", "3d")
_TENANT_NAMESPACE = re.compile(r"^tenant-(?P<id>[a-z0-9-]+)$")


@dataclass
class SloHealth:
    tenant: str
    service: str
    slo: str
    id: str
    objective: float | None
    error_budget: float | None
    period: str | None
    burn_rates: dict[str, float | None] = field(default_factory=dict)
    budget_remaining: float | None = None
    attainment: float | None = None
    sli_absent: bool = False
    rules_loaded: bool = True

    @property
    def exhausted(self) -> bool:
        return self.budget_remaining is not None and self.budget_remaining <= 0

    @property
    def meets_objective(self) -> bool | None:
        if self.attainment is None or self.objective is None:
            return None
        return self.attainment >= self.objective

    @property
    def status(self) -> str:
        if not self.rules_loaded:
            return "no rules"
        if self.sli_absent:
            return "no SLI data"
        if self.exhausted:
            return "budget exhausted"
        if self.meets_objective is False:
            return "below objective"
        return "ok"


@dataclass
class FiringAlert:
    name: str
    priority: str
    severity: str
    tenant: str
    summary: str
    since: str
    source: str


@dataclass
class DownTarget:
    tenant: str
    namespace: str
    job: str
    instance: str
    error: str


@dataclass
class HealthReport:
    prometheus: str
    alert_source: str
    slos: list[SloHealth] = field(default_factory=list)
    alerts: list[FiringAlert] = field(default_factory=list)
    targets_down: list[DownTarget] = field(default_factory=list)

    @property
    def paging(self) -> list[FiringAlert]:
        return [a for a in self.alerts if a.priority in PAGING]

    @property
    def exit_code(self) -> int:
        return EXIT_UNHEALTHY if self.paging or any(s.exhausted for s in self.slos) else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "prometheus": self.prometheus,
            "alertSource": self.alert_source,
            "healthy": self.exit_code == 0,
            "slos": [{**asdict(s), "status": s.status, "meetsObjective": s.meets_objective} for s in self.slos],
            "alerts": [asdict(a) for a in self.alerts],
            "alertsByPriority": {p: sum(a.priority == p for a in self.alerts) for p in (*PRIORITIES, "none")},
            "targetsDown": [asdict(t) for t in self.targets_down],
        }


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------
def _by_id(samples: Iterable[Sample]) -> dict[str, float | None]:
    return {s.labels.get(rules.ID_LABEL, ""): finite(s.value) for s in samples}


def tenant_of_namespace(namespace: str) -> str:
    """The tenant whose namespace this is (``tenant-acme`` -> ``acme``), else ``""`` (a platform namespace)."""
    match = _TENANT_NAMESPACE.match(namespace)
    return match.group("id") if match else ""


def read_slos(prom: Prometheus, specs: list[SloSpec] | None) -> list[SloHealth]:
    """Every SLO Prometheus records (or, with ``specs``, the stack's SLOs), with its numbers."""
    info = {s.labels.get(rules.ID_LABEL, ""): s.labels for s in prom.query(rules.INFO_METRIC)}
    if specs is None and not info:
        raise PlinthError(
            f"Prometheus at {prom.url}: no SLOs recorded (no {rules.INFO_METRIC} series): "
            "are Plinth's SLO rules loaded (plinth:monitoring.slos)?"
        )
    if specs is not None and specs and not set(info) & {s.id for s in specs}:
        raise PlinthError(
            f"Prometheus at {prom.url}: none of the stack's {len(specs)} SLO(s) is recorded "
            f"(no {rules.INFO_METRIC} series for {', '.join(s.id for s in specs)}): is this the stack's Prometheus?"
        )
    objective = _by_id(prom.query(rules.OBJECTIVE_RECORD))
    budget = _by_id(prom.query(rules.ERROR_BUDGET_RECORD))
    days = _by_id(prom.query(rules.TIME_PERIOD_RECORD))
    remaining = _by_id(prom.query(rules.BUDGET_REMAINING_RECORD))
    ratios = {w: _by_id(prom.query(f"{rules.SLI_ERROR_RECORD}{w}")) for w in rules.WINDOWS}
    periods = {p: _by_id(prom.query(f"{rules.SLI_ERROR_RECORD}{rules.sloth_window(p)}")) for p in PERIOD_DAYS}
    wanted = [(s.id, s) for s in specs] if specs is not None else [(i, None) for i in sorted(info)]
    out = []
    for slo_id, spec in wanted:
        labels = info.get(slo_id, {})
        period = _period(days.get(slo_id), spec)
        error_budget = budget.get(slo_id)
        period_ratio = periods.get(period, {}).get(slo_id) if period else None
        health = SloHealth(
            tenant=labels.get(rules.TENANT_LABEL, spec.tenant if spec and spec.tenant else ""),
            service=labels.get(rules.SERVICE_LABEL, spec.service if spec else ""),
            slo=labels.get(rules.SLO_LABEL, spec.name if spec else ""),
            id=slo_id,
            objective=objective.get(slo_id),
            error_budget=error_budget,
            period=rules.sloth_window(period) if period else None,
            burn_rates={w: _burn(ratios[w].get(slo_id), error_budget) for w in rules.WINDOWS},
            budget_remaining=remaining.get(slo_id),
            attainment=None if period_ratio is None else 1 - period_ratio,
            rules_loaded=slo_id in info,
        )
        if spec is not None:
            health.sli_absent = bool(prom.query(rules.source_absent_query(spec)))
        else:
            health.sli_absent = ratios["5m"].get(slo_id) is None
        out.append(health)
    return sorted(out, key=lambda s: (s.tenant, s.service, s.slo))


def _period(days: float | None, spec: SloSpec | None) -> str | None:
    if spec is not None:
        return spec.period
    return next((p for p, d in PERIOD_DAYS.items() if days is not None and d == days), None)


def _burn(ratio: float | None, budget: float | None) -> float | None:
    if ratio is None or not budget:
        return None
    return ratio / budget


def read_alerts(prom: Prometheus, am: Alertmanager | None) -> list[FiringAlert]:
    """Firing alerts: Alertmanager's (active, not silenced or inhibited) when given, else Prometheus'."""
    if am is not None:
        raw = [(a["labels"], a.get("annotations") or {}, a.get("startsAt", "")) for a in am.alerts()]
        source = "alertmanager"
    else:
        raw = [
            (a["labels"], a.get("annotations") or {}, a.get("activeAt", ""))
            for a in prom.alerts()
            if a.get("state") == "firing"
        ]
        source = "prometheus"
    alerts = [
        FiringAlert(
            name=str(labels.get("alertname", "")),
            priority=str(labels.get(rules.PRIORITY_LABEL, "none")),
            severity=str(labels.get(rules.SEVERITY_LABEL, "")),
            tenant=str(labels.get(rules.TENANT_LABEL) or tenant_of_namespace(str(labels.get("namespace", "")))),
            summary=str(annotations.get("summary") or annotations.get("title") or ""),
            since=str(since),
            source=source,
        )
        for labels, annotations, since in raw
        if labels.get("alertname") != "Watchdog"  # kube-prometheus' always-firing dead man's switch
    ]
    order: dict[str, int] = {p: i for i, p in enumerate(PRIORITIES)}
    return sorted(alerts, key=lambda a: (order.get(a.priority, len(order)), a.tenant, a.name))


def read_targets(prom: Prometheus) -> list[DownTarget]:
    """Active scrape targets that are down, with the tenant of their namespace."""
    down = []
    for target in prom.targets():
        if target.get("health") != "down":
            continue
        labels = target.get("labels") or {}
        discovered = target.get("discoveredLabels") or {}
        namespace = labels.get("namespace") or discovered.get("__meta_kubernetes_namespace", "")
        down.append(
            DownTarget(
                tenant=tenant_of_namespace(namespace),
                namespace=namespace,
                job=labels.get("job", target.get("scrapePool", "")),
                instance=labels.get("instance", target.get("scrapeUrl", "")),
                error=str(target.get("lastError", "")),
            )
        )
    return sorted(down, key=lambda t: (t.tenant, t.namespace, t.job, t.instance))


def collect(
    prom: Prometheus, am: Alertmanager | None = None, *, specs: list[SloSpec] | None = None,
    tenants: list[str] | None = None,
) -> HealthReport:  # fmt: skip
    """Everything ``plinth health`` reports; with ``tenants`` (a stack's), only those tenants' targets."""
    report = HealthReport(prometheus=prom.url, alert_source=am.url if am else prom.url)
    report.slos = read_slos(prom, specs)
    report.alerts = read_alerts(prom, am)
    targets = read_targets(prom)
    if tenants is not None:
        namespaces = {conventions.namespace_name(t) for t in tenants}
        targets = [t for t in targets if t.namespace in namespaces]
    report.targets_down = targets
    return report


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------
def percent(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value * 100:.{digits}f}%"


def rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _slo_row(s: SloHealth) -> list[str]:
    return [
        s.tenant or "-",
        f"{s.service}/{s.slo}",
        percent(s.objective),
        percent(s.attainment),
        percent(s.budget_remaining, 1),
        *[rate(s.burn_rates.get(w)) for w in SHOWN_WINDOWS],
        s.status,
    ]


_SLO_HEADER = [
    "TENANT", "SLO", "OBJECTIVE", "SLA", "BUDGET", *[f"BURN {w}" for w in SHOWN_WINDOWS], "STATUS",
]  # fmt: skip


def _verdict(report: HealthReport) -> str:
    problems = []
    if report.paging:
        problems.append(f"{len(report.paging)} P0/P1 alert(s) firing")
    exhausted = [s for s in report.slos if s.exhausted]
    if exhausted:
        problems.append(f"{len(exhausted)} SLO(s) with an exhausted error budget")
    return "UNHEALTHY: " + "; ".join(problems) if problems else "healthy: no P0/P1 alert, no exhausted budget"


def render_text(report: HealthReport, *, width: int = 120, color: bool = False) -> str:
    buffer = io.StringIO()
    out = Console(file=buffer, width=width, color_system="standard" if color else None, highlight=False)
    slos = Table(title=f"SLOs ({report.prometheus})", title_justify="left", box=None, pad_edge=False)
    for i, column in enumerate(_SLO_HEADER):
        slos.add_column(column, overflow="fold", no_wrap=i < 2 or column == "STATUS")
    for s in report.slos:
        slos.add_row(*_slo_row(s), style="red" if s.status != "ok" else None)
    out.print(slos)
    out.print(Text(f"\nFiring alerts ({report.alert_source}): {_counts(report)}"))
    for a in report.alerts:
        out.print(Text(f"  {a.priority:<4} {a.tenant or '-':<16} {a.name} ({a.severity or '-'}) {a.summary}"))
    out.print(Text(f"\nScrape targets down: {len(report.targets_down)}"))
    for t in report.targets_down:
        out.print(Text(f"  {t.tenant or '-':<16} {t.namespace} {t.job} {t.instance}: {t.error}"))
    out.print(Text(f"\n{_verdict(report)}", style="bold red" if report.exit_code else "green"))
    return buffer.getvalue()


def _counts(report: HealthReport) -> str:
    counts = {p: sum(a.priority == p for a in report.alerts) for p in PRIORITIES}
    other = len(report.alerts) - sum(counts.values())
    text = ", ".join(f"{p} {n}" for p, n in counts.items())
    return text + (f", no priority {other}" if other else "")


def render_markdown(report: HealthReport) -> str:
    lines = [f"## Plinth health: {md_text(_verdict(report))}", "", "| " + " | ".join(_SLO_HEADER) + " |"]
    lines.append("|" + "---|" * len(_SLO_HEADER))
    lines += ["| " + " | ".join(md_text(c) for c in _slo_row(s)) + " |" for s in report.slos]
    lines += ["", f"**Firing alerts** ({md_text(_counts(report))})", ""]
    lines += [
        f"- **{md_text(a.priority)}** {md_text(a.tenant or '-')}: `{md_text(a.name)}` {md_text(a.summary)}"
        for a in report.alerts
    ]
    lines += ["", f"**Scrape targets down**: {len(report.targets_down)}", ""]
    lines += [
        f"- {md_text(t.tenant or '-')}: {md_text(t.namespace)} {md_text(t.job)} {md_text(t.instance)}"
        for t in report.targets_down
    ]
    return "\n".join(lines).rstrip() + "\n"


def render(report: HealthReport, fmt: str, *, width: int = 120, color: bool = False) -> str:
    if fmt == "json":
        return json.dumps(report.to_json(), indent=2) + "\n"
    if fmt == "markdown":
        return render_markdown(report)
    return render_text(report, width=width, color=color)
