"""``plinth rightsize``: requests per workload and quota per tenant from what the workloads used.

Data (as kube-prometheus-stack scrapes it): cAdvisor's ``container_cpu_usage_seconds_total``,
``container_memory_working_set_bytes``, ``container_cpu_cfs_(throttled_)periods_total`` and
``container_oom_events_total``; kube-state-metrics' ``kube_pod_container_resource_requests`` /
``_limits``, ``kube_pod_container_status_last_terminated_reason``, ``kube_pod_owner``,
``kube_replicaset_owner`` and ``kube_horizontalpodautoscaler_info`` / ``_spec_target_metric``.

The algorithm (pure: :func:`recommend_cpu`, :func:`recommend_memory`, :func:`recommend_quota`),
after KRR's "simple" strategy (robusta-dev/krr: CPU request at a percentile of usage, memory at the
peak plus a buffer, limit = request for memory) with Plinth's own signals on top:

* CPU request = the 95th percentile, over the window, of each pod's 5-minute CPU rate (the busiest
  pod of the workload). A container throttled in more than 25 % of its CFS periods (the
  kubernetes-mixin ``CPUThrottlingHigh`` threshold) used what its limit allowed, not what it needed:
  its request is at least 1.25 x the current limit, and a limit below the new request is raised to it.
* Memory request and limit = the peak working set over the window + 15 %. A container OOM-killed in
  the window was stopped at its limit, so the peak under-reports: at least 1.25 x the current limit.
* Never below 10m CPU and 100Mi memory (KRR's minimums); CPU rounded up to whole millicores,
  memory up to whole MiB.
* A resource an HPA scales on is skipped: the HPA's utilisation target is relative to the request,
  so changing it and the autoscaler would chase each other.
* A tenant's quota (``plinth:tenants[i].quotas``) = the sum of its workloads' requests at their
  current pod counts x 1.25 (a rolling update's default 25 % surge), never below the tier's quota
  (components/conventions.py TIER_QUOTAS: the tier is the contract; shrinking below it is a tier
  change), CPU rounded up to whole cores and memory to whole GiB.
* Only changes of more than 10 % are recommended.
* Confidence: the share of the window's 5-minute steps with data: high >= 90 %, medium >= 50 %.
* Pods per workload: those running now (with requests); a workload is the pods' owner
  (kube-state-metrics), else, for pods gone since, their name without the ReplicaSet and pod
  hashes (or the StatefulSet ordinal).

Cost: monthly (730 h) requests x unit prices derived from policies/cost/prices.json (the cost
pack's table): a general-purpose 2 vCPU / 8 GiB instance per cloud split between vCPU and memory in
the ratio of GCP's published N2 unit prices (one vCPU = 7.46 GiB), as OpenCost does.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from components import conventions
from components.monitoring.slo import prometheus_duration, window_minutes
from components.tenant.spec import TenantSpec
from scripts.console import PlinthError
from scripts.prometheus import Prometheus, finite

CPU_PERCENTILE = 0.95
MEMORY_HEADROOM = 0.15
THROTTLED = 0.25
BUMP = 1.25
SURGE = 1.25
MIN_CPU = 0.010
MIB = 1024**2
GIB = 1024**3
MIN_MEMORY = 100 * MIB
MIN_CHANGE = 0.10
STEP = "5m"
HOURS_PER_MONTH = 730
#: Price of one vCPU-hour / one GiB-hour (GCP N2 list prices; only their ratio is used).
VCPU_PER_GIB = 0.031611 / 0.004237
#: The general-purpose 2 vCPU / 8 GiB instance whose price is split, per cloud.
REFERENCE_INSTANCE = {
    "aws": ("aws_ec2_hourly", "m6i.large"),
    "gcp": ("gcp_compute_hourly", "n2-standard-2"),
    "azure": ("azure_vm_hourly", "Standard_D2s_v5"),
}
DISTRIBUTION_CLOUD = {"eks": "aws", "gke": "gcp", "aks": "azure"}
PRICES = Path(__file__).resolve().parent.parent / "policies" / "cost" / "prices.json"
#: A pod of a ReplicaSet: ``<workload>-<replicaset hash>-<pod hash>``.
_POD_OF_REPLICASET = re.compile(r"^(?P<workload>.+)-[a-z0-9]{5,10}-[a-z0-9]{5}$")
#: A pod of a StatefulSet: ``<workload>-<ordinal>``.
_POD_OF_STATEFULSET = re.compile(r"^(?P<workload>.+)-\d+$")


# --------------------------------------------------------------------------------------------
# The algorithm
# --------------------------------------------------------------------------------------------
@dataclass
class Usage:
    """One container of one workload, over the window (the busiest pod for each number)."""

    tenant: str
    namespace: str
    workload: str
    container: str
    pods: int = 0
    cpu_p95: float | None = None
    memory_peak: float | None = None
    steps: int = 0
    throttled: float = 0.0
    oom_killed: bool = False
    cpu_request: float | None = None
    cpu_limit: float | None = None
    memory_request: float | None = None
    memory_limit: float | None = None
    hpa_resources: set[str] = field(default_factory=set)


def _ceil(value: float, unit: float) -> float:
    return math.ceil(round(value / unit, 9)) * unit


def recommend_cpu(u: Usage) -> tuple[float, str] | None:
    """(cores, why) for the CPU request, or None without data."""
    if u.cpu_p95 is None:
        return None
    value, why = u.cpu_p95, f"p{round(CPU_PERCENTILE * 100)} of the 5m CPU rate"
    if u.throttled > THROTTLED and u.cpu_limit:
        value = max(value, u.cpu_limit * BUMP)
        why = f"throttled in {u.throttled:.0%} of CFS periods: {BUMP:g} x the {u.cpu_limit:g}-core limit"
    if value < MIN_CPU:
        value, why = MIN_CPU, f"{why}, raised to the {MIN_CPU * 1000:g}m minimum"
    return _ceil(value, 0.001), why


def recommend_memory(u: Usage) -> tuple[float, str] | None:
    """(bytes, why) for the memory request and limit, or None without data."""
    if u.memory_peak is None:
        return None
    value, why = u.memory_peak * (1 + MEMORY_HEADROOM), f"peak working set + {MEMORY_HEADROOM:.0%}"
    if u.oom_killed and u.memory_limit:
        value = max(value, u.memory_limit * BUMP)
        why = f"OOM-killed in the window: {BUMP:g} x the {u.memory_limit / MIB:g}Mi limit"
    if value < MIN_MEMORY:
        value, why = MIN_MEMORY, f"{why}, raised to the {MIN_MEMORY // MIB}Mi minimum"
    return _ceil(value, MIB), why


def recommend_quota(resource: str, need: float, floor: float) -> float:
    """A tenant's quota for ``resource`` given what its workloads request (``need``)."""
    value = max(floor, need * SURGE)
    return _ceil(value, 1.0) if resource == "cpu" else _ceil(value, GIB)


def significant(current: float | None, recommended: float) -> bool:
    return current is None or current == 0 or abs(recommended - current) / current > MIN_CHANGE


def confidence(steps: int, window: str) -> str:
    share = steps / max(1, window_minutes(window) // window_minutes(STEP))
    return "high" if share >= 0.9 else "medium" if share >= 0.5 else "low"


# --------------------------------------------------------------------------------------------
# Quantities
# --------------------------------------------------------------------------------------------
_SUFFIX = {"m": 1e-3, "": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15,
           "Ki": 1024, "Mi": 1024**2, "Gi": 1024**3, "Ti": 1024**4, "Pi": 1024**5}  # fmt: skip


def parse_quantity(text: str | int | float) -> float:
    """A Kubernetes quantity (``500m``, ``2``, ``4Gi``) in base units."""
    match = re.fullmatch(r"([0-9.]+)(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?", str(text))
    if not match:
        raise ValueError(f"{text!r} is not a Kubernetes quantity")
    return float(match.group(1)) * _SUFFIX[match.group(2) or ""]


def cpu_quantity(cores: float) -> str:
    """``2`` for whole cores, else millicores (``625m``)."""
    millis = round(cores * 1000)
    return str(millis // 1000) if millis % 1000 == 0 else f"{millis}m"


def memory_quantity(size: float) -> str:
    """Whole GiB as ``4Gi``, else whole MiB (``345Mi``)."""
    mib = math.ceil(round(size / MIB, 6))
    return f"{mib // 1024}Gi" if mib % 1024 == 0 else f"{mib}Mi"


def quantity(resource: str, value: float) -> str:
    return cpu_quantity(value) if resource == "cpu" else memory_quantity(value)


# --------------------------------------------------------------------------------------------
# Cost
# --------------------------------------------------------------------------------------------
def unit_prices(cloud: str, prices: dict[str, Any]) -> tuple[float, float]:
    """(USD per vCPU-hour, USD per GiB-hour) on ``cloud``."""
    table, instance = REFERENCE_INSTANCE[cloud]
    try:
        hourly = float(prices[table][instance])
    except (KeyError, TypeError, ValueError) as err:
        raise PlinthError(f"{PRICES.name}: no price for {table}.{instance} (the reference instance)") from err
    per_gib = hourly / (2 * VCPU_PER_GIB + 8)
    return per_gib * VCPU_PER_GIB, per_gib


def monthly_cost(cpu: float, memory: float, prices: tuple[float, float]) -> float:
    return round((cpu * prices[0] + memory / GIB * prices[1]) * HOURS_PER_MONTH, 2)


# --------------------------------------------------------------------------------------------
# Reading Prometheus
# --------------------------------------------------------------------------------------------
def _selector(namespaces: list[str]) -> str:
    names = "|".join(sorted(namespaces))  # DNS labels: nothing to escape
    return f'namespace=~"{names}", container!="", container!="POD"'


def _queries(sel: str, window: str) -> dict[str, str]:
    rate = f"sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{{{sel}}}[5m]))"
    by = "by (namespace, pod, container)"
    return {
        "cpu_p95": f"quantile_over_time({CPU_PERCENTILE}, ({rate})[{window}:{STEP}])",
        "steps": f"count_over_time(({rate})[{window}:{STEP}])",
        "memory_peak": f"max {by} (max_over_time(container_memory_working_set_bytes{{{sel}}}[{window}]))",
        "throttled": (
            f"sum {by} (increase(container_cpu_cfs_throttled_periods_total{{{sel}}}[{window}]))\n/\n"
            f"(sum {by} (increase(container_cpu_cfs_periods_total{{{sel}}}[{window}])) > 0)"
        ),
        "oom_events": f"max {by} (increase(container_oom_events_total{{{sel}}}[{window}]))",
        "oom_reason": (
            f'max {by} (max_over_time(kube_pod_container_status_last_terminated_reason{{{sel}, reason="OOMKilled"}}'
            f"[{window}]))"
        ),
        "requests": f"max by (namespace, pod, container, resource) (kube_pod_container_resource_requests{{{sel}}})",
        "limits": f"max by (namespace, pod, container, resource) (kube_pod_container_resource_limits{{{sel}}})",
    }


def _owners(prom: Prometheus, ns_sel: str) -> dict[tuple[str, str], str]:
    """(namespace, pod) -> workload, from kube-state-metrics' owner series."""
    replicasets = {
        (s.labels.get("namespace", ""), s.labels.get("replicaset", "")): s.labels.get("owner_name", "")
        for s in prom.query(f'kube_replicaset_owner{{{ns_sel}, owner_kind!="<none>"}}')
    }
    owners = {}
    for s in prom.query(f"kube_pod_owner{{{ns_sel}}}"):
        ns, pod, kind, name = (s.labels.get(k, "") for k in ("namespace", "pod", "owner_kind", "owner_name"))
        owners[(ns, pod)] = replicasets.get((ns, name), name) if kind == "ReplicaSet" else name
    return owners


def _hpas(prom: Prometheus, ns_sel: str) -> dict[tuple[str, str], set[str]]:
    """(namespace, workload) -> the resources an HPA scales it on."""
    targets = {
        (s.labels.get("namespace", ""), s.labels.get("horizontalpodautoscaler", "")): s.labels.get(
            "scaletargetref_name", ""
        )
        for s in prom.query(f"kube_horizontalpodautoscaler_info{{{ns_sel}}}")
    }
    out: dict[tuple[str, str], set[str]] = {}
    for s in prom.query(f"kube_horizontalpodautoscaler_spec_target_metric{{{ns_sel}}}"):
        key = (s.labels.get("namespace", ""), s.labels.get("horizontalpodautoscaler", ""))
        if key in targets and s.labels.get("metric_name") in ("cpu", "memory"):
            out.setdefault((key[0], targets[key]), set()).add(s.labels["metric_name"])
    return out


def _workload(owners: dict[tuple[str, str], str], ns: str, pod: str) -> str:
    """The pod's workload: its owner now, else (a pod gone since, e.g. before a rollout) from its name."""
    if (ns, pod) in owners:
        return owners[(ns, pod)]
    for pattern in (_POD_OF_REPLICASET, _POD_OF_STATEFULSET):
        match = pattern.match(pod)
        if match:
            return match.group("workload")
    return pod


def read_usage(prom: Prometheus, tenants: list[TenantSpec], window: str) -> list[Usage]:
    """Per tenant workload and container, what it used over ``window`` and what it requests now."""
    namespaces = {conventions.namespace_name(t.id): t.id for t in tenants}
    sel = _selector(list(namespaces))
    ns_sel = f'namespace=~"{"|".join(sorted(namespaces))}"'
    owners, hpas = _owners(prom, ns_sel), _hpas(prom, ns_sel)
    usage: dict[tuple[str, str, str], Usage] = {}
    # Pods seen over the window (a rollout renames them all) and pods running now (their requests).
    seen: dict[tuple[str, str, str], set[str]] = {}
    running: dict[tuple[str, str, str], set[str]] = {}

    def entry(labels: dict[str, str], now: bool) -> Usage:
        ns, pod, container = labels.get("namespace", ""), labels.get("pod", ""), labels.get("container", "")
        key = (ns, _workload(owners, ns, pod), container)
        (running if now else seen).setdefault(key, set()).add(pod)
        if key not in usage:
            usage[key] = Usage(namespaces.get(ns, ""), ns, key[1], container, hpa_resources=hpas.get(key[:2], set()))
        return usage[key]

    for name, expr in _queries(sel, window).items():
        for sample in prom.query(expr):
            value = finite(sample.value)
            if value is None:
                continue
            _merge(entry(sample.labels, name == "requests"), name, sample.labels.get("resource", ""), value)
    for key, u in usage.items():
        u.pods = len(running.get(key) or seen.get(key) or ())
    if not usage:
        raise PlinthError(
            f"Prometheus at {prom.url}: no container metrics for the stack's tenant namespaces "
            f"({', '.join(sorted(namespaces))}) over {window}: is this the cluster's Prometheus, scraping "
            "cAdvisor and kube-state-metrics?"
        )
    return sorted(usage.values(), key=lambda u: (u.tenant, u.workload, u.container))


def _merge(u: Usage, name: str, resource: str, value: float) -> None:
    """Fold one pod's number into its workload's: the busiest pod counts."""
    if name == "cpu_p95":
        u.cpu_p95 = max(u.cpu_p95 or 0.0, value)
    elif name == "memory_peak":
        u.memory_peak = max(u.memory_peak or 0.0, value)
    elif name == "steps":
        u.steps = max(u.steps, int(value))
    elif name == "throttled":
        u.throttled = max(u.throttled, value)
    elif name in ("oom_events", "oom_reason"):
        u.oom_killed = u.oom_killed or value > 0
    elif name in ("requests", "limits") and resource in ("cpu", "memory"):
        attr = f"{resource}_{'request' if name == 'requests' else 'limit'}"
        setattr(u, attr, max(getattr(u, attr) or 0.0, value))


# --------------------------------------------------------------------------------------------
# Recommendations
# --------------------------------------------------------------------------------------------
@dataclass
class Recommendation:
    tenant: str
    kind: str  # request | limit | quota | skipped
    resource: str  # cpu | memory
    workload: str | None
    container: str | None
    target: str | None  # stack-config key path, None when the stack config does not hold it
    current: float | None
    recommended: float | None
    confidence: str
    evidence: dict[str, Any]
    reason: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TenantCost:
    tenant: str
    cloud: str
    monthly_now: float
    monthly_after: float
    budget: float | None = None

    @property
    def over_budget(self) -> bool | None:
        return None if self.budget is None else self.monthly_after > self.budget


@dataclass
class Result:
    window: str
    recommendations: list[Recommendation]
    costs: list[TenantCost]
    workloads: list[Usage]

    def to_json(self) -> dict[str, Any]:
        return {
            "window": self.window,
            "recommendations": [r.to_json() for r in self.recommendations],
            "costs": [{**asdict(c), "overBudget": c.over_budget} for c in self.costs],
        }


def deployment_targets(raw_config: dict[str, Any]) -> dict[tuple[str, str], int]:
    """(tenant, deployment name) -> index in ``plinth:deployments.services`` of the stack file, if it has any.

    The key path of a deployment's requests is ``plinth:deployments.services[i].resources.requests.<cpu|memory>``
    (limits: ``.resources.limits.``; ``components.deployment.spec``); a workload without such an entry
    gets recommendations without a target (they are reported, not written).
    """
    section = raw_config.get("plinth:deployments")
    entries = section.get("services") if isinstance(section, dict) else None
    if not isinstance(entries, list):
        return {}
    return {
        (str(d.get("tenant")), str(d.get("name"))): i
        for i, d in enumerate(entries)
        if isinstance(d, dict) and "name" in d and "tenant" in d
    }


def _evidence(u: Usage, window: str, **more: Any) -> dict[str, Any]:
    return {"window": window, "samples": u.steps, "step": STEP, "pods": u.pods, **more}


def _workload_recommendations(u: Usage, window: str, index: int | None) -> list[Recommendation]:
    out = []
    conf = confidence(u.steps, window)
    base = f"plinth:deployments.services[{index}].resources" if index is not None else None
    for resource, rec, current, limit in (
        ("cpu", recommend_cpu(u), u.cpu_request, u.cpu_limit),
        ("memory", recommend_memory(u), u.memory_request, u.memory_limit),
    ):
        if rec is None:
            continue
        if resource in u.hpa_resources:
            out.append(Recommendation(
                u.tenant, "skipped", resource, u.workload, u.container, None, current, None, conf,
                _evidence(u, window), f"an HPA scales {u.workload} on {resource}: the recommendation and the "
                "autoscaler would chase each other",
            ))  # fmt: skip
            continue
        value, why = rec
        evidence = _evidence(
            u, window, percentile=CPU_PERCENTILE if resource == "cpu" else None,
            observed=u.cpu_p95 if resource == "cpu" else u.memory_peak,
            throttled=round(u.throttled, 4) if resource == "cpu" else None,
            oomKilled=u.oom_killed if resource == "memory" else None,
        )  # fmt: skip
        if significant(current, value):
            target = f"{base}.requests.{resource}" if base else None
            out.append(Recommendation(u.tenant, "request", resource, u.workload, u.container, target, current,
                                      value, conf, evidence, why))  # fmt: skip
        # Memory: limit = request (KRR). CPU: a limit only when it would sit below the new request.
        new_limit = value if resource == "memory" or (limit is not None and limit < value) else None
        if new_limit is not None and (limit is None or significant(limit, new_limit)):
            target = f"{base}.limits.{resource}" if base else None
            out.append(Recommendation(u.tenant, "limit", resource, u.workload, u.container, target, limit,
                                      new_limit, conf, evidence, why))  # fmt: skip
    return out


def _after(u: Usage, recs: list[Recommendation], resource: str) -> float:
    """The workload's request of ``resource`` once the recommendations apply."""
    for r in recs:
        if r.kind == "request" and r.resource == resource and r.workload == u.workload and r.container == u.container:
            return r.recommended or 0.0
    return (u.cpu_request if resource == "cpu" else u.memory_request) or 0.0


def recommend(
    usage: list[Usage], tenants: list[tuple[int, TenantSpec]], window: str, *, cluster_cloud: str,
    prices: dict[str, Any], raw_config: dict[str, Any],
) -> Result:  # fmt: skip
    """Every recommendation for the stack's tenants (``(index in plinth:tenants, spec)``)."""
    from components.tenant.kubernetes import quota

    indexes = deployment_targets(raw_config)
    # A deployment entry sizes one container: a workload with several (sidecars) is reported, not written.
    containers: dict[tuple[str, str], int] = {}
    for u in usage:
        containers[(u.tenant, u.workload)] = containers.get((u.tenant, u.workload), 0) + 1
    indexes = {key: i for key, i in indexes.items() if containers.get(key, 0) == 1}
    recs: list[Recommendation] = []
    costs = []
    for i, spec in tenants:
        mine = [u for u in usage if u.tenant == spec.id]
        workload_recs = [
            r for u in mine for r in _workload_recommendations(u, window, indexes.get((spec.id, u.workload)))
        ]
        recs += workload_recs
        current_quota = quota(spec)
        floor = conventions.TIER_QUOTAS[spec.tier]
        steps = min((u.steps for u in mine), default=0)
        for resource in ("cpu", "memory"):
            need = sum(_after(u, workload_recs, resource) * u.pods for u in mine)
            current = parse_quantity(current_quota[resource])
            value = recommend_quota(resource, need, parse_quantity(floor[resource]))
            if mine and significant(current, value):
                recs.append(Recommendation(
                    spec.id, "quota", resource, None, None, f"plinth:tenants[{i}].quotas.{resource}", current, value,
                    confidence(steps, window),
                    {"window": window, "samples": steps, "requested": need, "surge": SURGE,
                     "tierFloor": parse_quantity(floor[resource])},
                    f"{SURGE:g} x the workloads' requests ({quantity(resource, need)}), never below the "
                    f"{spec.tier} tier's {floor[resource]}",
                ))  # fmt: skip
        cloud = spec.cloud if spec.cloud != "none" else cluster_cloud
        unit = unit_prices(cloud, prices)
        now_cpu = sum((u.cpu_request or 0.0) * u.pods for u in mine)
        now_mem = sum((u.memory_request or 0.0) * u.pods for u in mine)
        after_cpu = sum(_after(u, workload_recs, "cpu") * u.pods for u in mine)
        after_mem = sum(_after(u, workload_recs, "memory") * u.pods for u in mine)
        costs.append(TenantCost(spec.id, cloud, monthly_cost(now_cpu, now_mem, unit),
                                monthly_cost(after_cpu, after_mem, unit), _budget(spec)))  # fmt: skip
    return Result(prometheus_duration(window_minutes(window)), recs, costs, usage)


def _budget(spec: TenantSpec) -> float | None:
    budget = getattr(spec, "budget", None)
    return float(budget.monthly) if budget is not None else None


def load_prices() -> dict[str, Any]:
    try:
        doc = json.loads(PRICES.read_text())
    except (OSError, ValueError) as err:
        raise PlinthError(f"{PRICES}: cannot read the price table: {err}") from err
    return doc if isinstance(doc, dict) else {}


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------
def _shown(resource: str, value: float | None) -> str:
    return "-" if value is None else quantity(resource, value)


def _rows(result: Result) -> list[list[str]]:
    rows = []
    for r in result.recommendations:
        what = f"{r.workload}/{r.container}" if r.workload else "quota"
        rows.append([
            r.tenant, what, f"{r.resource} {r.kind}", _shown(r.resource, r.current), _shown(r.resource, r.recommended),
            r.confidence, r.reason,
        ])  # fmt: skip
    return rows


_HEADER = ["TENANT", "WORKLOAD", "WHAT", "NOW", "RECOMMENDED", "CONFIDENCE", "WHY"]


def _targets(result: Result) -> list[str]:
    """Where each recommendation goes in the stack config, or why it is only reported."""
    lines = []
    for r in result.recommendations:
        if r.kind == "skipped":
            continue
        what = f"{r.tenant} {r.workload or 'quota'} {r.resource} {r.kind}"
        if r.target:
            lines.append(f"{r.target} = {_shown(r.resource, r.recommended)}  ({what})")
        else:
            lines.append(f"not in the stack config (no plinth:deployments entry): {what}")
    return lines


def _cost_line(c: TenantCost) -> str:
    budget = ""
    if c.budget is not None:
        budget = f" (budget ${c.budget:,.2f}{' OVER BUDGET' if c.over_budget else ''})"
    return f"{c.tenant}: ${c.monthly_now:,.2f}/month now, ${c.monthly_after:,.2f} after [{c.cloud}]{budget}"


def render_text(result: Result, *, width: int = 120, color: bool = False) -> str:
    import io

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buffer = io.StringIO()
    out = Console(file=buffer, width=width, color_system="standard" if color else None, highlight=False)
    table = Table(title=f"Recommendations over {result.window}", title_justify="left", box=None, pad_edge=False)
    for column in _HEADER:
        table.add_column(column, overflow="fold", no_wrap=column != "WHY")
    for row in _rows(result):
        table.add_row(*[Text(c) for c in row])
    out.print(table if result.recommendations else Text(f"No change recommended over {result.window}."))
    targets = _targets(result)
    if targets:
        out.print(Text("\nStack-config keys:"))
        for line in targets:
            out.print(Text(f"  {line}"))
    out.print(Text("\nEstimated cost of the requests (USD, 730 h/month):"))
    for c in result.costs:
        out.print(Text(f"  {_cost_line(c)}"))
    return buffer.getvalue()


def render_markdown(result: Result) -> str:
    from scripts.findings import md_text

    lines = [f"## Plinth rightsize over {md_text(result.window)}", ""]
    if result.recommendations:
        lines += ["| " + " | ".join(_HEADER) + " |", "|" + "---|" * len(_HEADER)]
        lines += ["| " + " | ".join(md_text(c) for c in row) + " |" for row in _rows(result)]
    else:
        lines.append("No change recommended.")
    targets = _targets(result)
    if targets:
        lines += ["", "**Stack-config keys**", ""] + [f"- {md_text(line)}" for line in targets]
    lines += ["", "**Estimated cost** (USD, 730 h/month)", ""]
    lines += [f"- {md_text(_cost_line(c))}" for c in result.costs]
    return "\n".join(lines) + "\n"


def render(result: Result, fmt: str, *, width: int = 120, color: bool = False) -> str:
    if fmt == "json":
        return json.dumps(result.to_json(), indent=2) + "\n"
    if fmt == "markdown":
        return render_markdown(result)
    return render_text(result, width=width, color=color)
