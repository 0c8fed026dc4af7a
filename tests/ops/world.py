# ruff: noqa: E501 - the stack file holds its queries on one line, as users write them
"""The synthetic world the ops tests run against: a stack file, counters and gauges over a day of
history (backfilled into a real Prometheus) that continue live (scraped from a small HTTP server).

Every series is a function of time, so the test derives what Prometheus must compute from the same
definitions, independently of Prometheus and of Plinth.

Tenants (see STACK):
- acme: healthy (0.05 % errors against a 99.9 % objective: burn 0.5); over-provisioned workload
  ``audio-api`` (requests 2 cores / 2Gi, using 0.1 core with a 3-hour daily peak of 0.3 core),
  rolled out 12 hours ago (the old ReplicaSet's two pods are gone, their history stays).
- globex: fast burn (0.01 % errors, then 2 % for the last hour: the page alert fires); workload
  ``inference`` OOM-killed at its 512Mi limit.
- hooli (free tier): error budget exhausted (5 % errors against 99 %); workload ``web`` of 4 pods
  at 0.6 core each, throttled at its 0.5-core limit: the tier's 2-core quota is too small.
- initech: SLI absent (no ``search`` traffic at all); workload ``batch`` scaled by an HPA on CPU;
  quota override of 64 cores on a standard tier (8) that it does not use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

MINUTE = 60
HOUR = 3600
#: History backfilled before "now" (a bit more than the 1d windows read).
HISTORY = 25 * HOUR
STEP = MINUTE
MI = 1024**2

STACK = """\
# An ops test stack: four tenants with SLOs (plinth health) and workloads (plinth rightsize).
config:
  plinth:environment: dev
  plinth:kubernetes:
    version: "1.33"
    distribution: eks   # prices from the AWS table
    oidcIssuerUrl: https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF
  plinth:aws:
    region: eu-west-1
    accountId: "123456789012"
  plinth:tenants:
    - id: acme
      displayName: Acme Audio
      tier: premium
      costCenter: cc-1001
      ownerGroups:
        admins: [acme-admins]
    - id: globex
      displayName: Globex
      tier: standard
      costCenter: cc-2002
      ownerGroups:
        admins: [globex-admins]
    - id: hooli       # free tier: 2 cores, 4Gi
      displayName: Hooli
      tier: free
      cloud: aws
      costCenter: cc-4004
      ownerGroups:
        admins: [hooli-admins]
      budget:
        monthly: 50
        notify: [hooli-ops@example.com]
    - id: initech
      displayName: Initech
      tier: standard
      costCenter: cc-3003
      ownerGroups:
        admins: [initech-admins]
      quotas:
        cpu: "64"     # raised for a migration that never happened
        pods: 50
  plinth:monitoring:
    prometheus:
      mode: existing
      ruleSelectorLabels: {release: kube-prometheus-stack}
    slos:
      - name: availability
        service: audio-api
        tenant: acme
        objective: 99.9
        sli:
          ratio:
            errorQuery: sum(rate(http_requests_total{namespace="tenant-acme",job="audio-api",code=~"5.."}[{{.window}}]))
            totalQuery: sum(rate(http_requests_total{namespace="tenant-acme",job="audio-api"}[{{.window}}]))
        alerting:
          name: AcmeAvailability
          pagePriority: P1
          ticketPriority: P3
      - name: availability
        service: inference
        tenant: globex
        objective: 99.9
        sli:
          ratio:
            errorQuery: sum(rate(http_requests_total{namespace="tenant-globex",job="inference",code=~"5.."}[{{.window}}]))
            totalQuery: sum(rate(http_requests_total{namespace="tenant-globex",job="inference"}[{{.window}}]))
        alerting:
          name: GlobexAvailability
          pagePriority: P1
          ticketPriority: P3
      - name: availability
        service: web
        tenant: hooli
        objective: 99
        sli:
          ratio:
            errorQuery: sum(rate(http_requests_total{namespace="tenant-hooli",job="web",code=~"5.."}[{{.window}}]))
            totalQuery: sum(rate(http_requests_total{namespace="tenant-hooli",job="web"}[{{.window}}]))
        alerting:
          name: HooliAvailability
          pagePriority: P1
          ticketPriority: P3
      - name: availability
        service: search
        tenant: initech
        objective: 99.5
        sli:
          ratio:
            errorQuery: sum(rate(http_requests_total{namespace="tenant-initech",job="search",code=~"5.."}[{{.window}}]))
            totalQuery: sum(rate(http_requests_total{namespace="tenant-initech",job="search"}[{{.window}}]))
        alerting:
          name: InitechAvailability
"""

#: Requests per second of each SLO's service, and the error ratio by phase: [(seconds before
#: now the phase starts, error ratio)], the last phase running on past now.
TRAFFIC = 20.0
ERROR_PHASES: dict[tuple[str, str], list[tuple[int, float]]] = {
    ("tenant-acme", "audio-api"): [(HISTORY, 0.0005)],
    ("tenant-globex", "inference"): [(HISTORY, 0.0001), (HOUR, 0.02)],
    ("tenant-hooli", "web"): [(HISTORY, 0.05)],
}
#: The SLOs as health reports them: tenant -> (objective, error budget).
OBJECTIVES = {"acme": 0.999, "globex": 0.999, "hooli": 0.99, "initech": 0.995}


@dataclass
class Series:
    name: str
    labels: dict[str, str]
    kind: str  # counter | gauge
    value: Callable[[float], float]  # seconds relative to now (negative: the past) -> value
    until: int | None = None  # the series ends this many seconds relative to now (a pod deleted)


def piecewise_integral(phases: list[tuple[int, float]], t: float) -> float:
    """Integral from -HISTORY to t of a rate given as [(seconds before now it starts, rate)]."""
    total = 0.0
    starts = [-ago for ago, _ in phases] + [math.inf]
    for (ago, rate), end in zip(phases, starts[1:]):
        lo, hi = -ago, min(end, t)
        if hi > lo:
            total += rate * (hi - lo)
    return total


def piecewise(phases: list[tuple[int, float]], t: float) -> float:
    value = phases[0][1]
    for ago, level in phases:
        if t >= -ago:
            value = level
    return value


def _http_series() -> list[Series]:
    out = []
    for (namespace, job), phases in ERROR_PHASES.items():
        errors = [(ago, TRAFFIC * ratio) for ago, ratio in phases]
        ok = [(ago, TRAFFIC * (1 - ratio)) for ago, ratio in phases]
        for code, rate in (("500", errors), ("200", ok)):
            labels = {"namespace": namespace, "job": job, "code": code}
            out.append(Series("http_requests_total", labels, "counter", lambda t, r=rate: piecewise_integral(r, t)))
    return out


@dataclass
class Workload:
    """A Deployment's pods (one container each) as cAdvisor and kube-state-metrics report them."""

    namespace: str
    deployment: str
    pods: int
    cpu: list[tuple[int, float]]  # cores used per pod by phase
    memory: list[tuple[int, float]]  # working set bytes per pod by phase
    cpu_request: float
    cpu_limit: float | None
    memory_request: float
    memory_limit: float | None
    throttled: float = 0.0  # share of CFS periods throttled
    oom_kills: int = 0
    hpa: str | None = None  # the resource an HPA scales it on
    rolled: int | None = None  # seconds ago a rollout replaced pods of an older ReplicaSet
    container: str = "app"
    extra: dict[str, str] = field(default_factory=dict)

    def pod_names(self) -> list[str]:
        return [f"{self.deployment}-7d9f8c6b5-{chr(97 + i) * 5}" for i in range(self.pods)]

    def old_pod_names(self) -> list[str]:
        """Pods of the ReplicaSet before the rollout: gone now, known only by their metrics' history."""
        return [f"{self.deployment}-5c4b3a2d1-{chr(112 + i) * 5}" for i in range(self.pods)] if self.rolled else []


WORKLOADS = [
    Workload("tenant-acme", "audio-api", 2, [(HISTORY, 0.1), (10 * HOUR, 0.3), (7 * HOUR, 0.1)],
             [(HISTORY, 200 * MI), (5 * HOUR, 300 * MI), (4 * HOUR, 200 * MI)],
             cpu_request=2.0, cpu_limit=None, memory_request=2048 * MI, memory_limit=2048 * MI, rolled=12 * HOUR),
    Workload("tenant-globex", "inference", 1, [(HISTORY, 0.2)], [(HISTORY, 480 * MI), (3 * HOUR, 500 * MI)],
             cpu_request=0.25, cpu_limit=None, memory_request=512 * MI, memory_limit=512 * MI, oom_kills=3),
    Workload("tenant-hooli", "web", 4, [(HISTORY, 0.5)], [(HISTORY, 100 * MI)],
             cpu_request=0.4, cpu_limit=0.5, memory_request=128 * MI, memory_limit=128 * MI, throttled=0.4),
    Workload("tenant-initech", "batch", 2, [(HISTORY, 0.05)], [(HISTORY, 64 * MI)],
             cpu_request=1.0, cpu_limit=None, memory_request=1024 * MI, memory_limit=1024 * MI, hpa="cpu"),
]  # fmt: skip


def _workload_series(w: Workload) -> list[Series]:
    out: list[Series] = []
    rs = f"{w.deployment}-7d9f8c6b5"
    ns = {"namespace": w.namespace}
    out.append(Series("kube_replicaset_owner", {**ns, "replicaset": rs, "owner_kind": "Deployment",
                                                "owner_name": w.deployment}, "gauge", lambda t: 1.0))  # fmt: skip
    if w.hpa:
        hpa = {**ns, "horizontalpodautoscaler": w.deployment}
        out.append(Series("kube_horizontalpodautoscaler_info", {**hpa, "scaletargetref_kind": "Deployment",
                                                                "scaletargetref_name": w.deployment},
                          "gauge", lambda t: 1.0))  # fmt: skip
        out.append(Series("kube_horizontalpodautoscaler_spec_target_metric",
                          {**hpa, "metric_name": w.hpa, "metric_target_type": "utilization"},
                          "gauge", lambda t: 70.0))  # fmt: skip
    for pod in w.pod_names() + w.old_pod_names():
        c = {**ns, "pod": pod, "container": w.container}
        cadvisor = {**c, "image": f"registry.example.com/{w.deployment}:1.0", "id": f"/kubepods/{pod}"}
        out.append(Series("kube_pod_owner", {**ns, "pod": pod, "owner_kind": "ReplicaSet", "owner_name": rs},
                          "gauge", lambda t: 1.0))  # fmt: skip
        out.append(Series("container_cpu_usage_seconds_total", cadvisor, "counter",
                          lambda t, p=w.cpu: piecewise_integral(p, t)))  # fmt: skip
        out.append(Series("container_memory_working_set_bytes", cadvisor, "gauge",
                          lambda t, p=w.memory: piecewise(p, t)))  # fmt: skip
        periods = 10.0  # CFS periods per second (100ms each)
        out.append(Series("container_cpu_cfs_periods_total", cadvisor, "counter", lambda t: periods * (t + HISTORY)))
        out.append(Series("container_cpu_cfs_throttled_periods_total", cadvisor, "counter",
                          lambda t, s=w.throttled: s * periods * (t + HISTORY)))  # fmt: skip
        for resource, unit, request, limit in (("cpu", "core", w.cpu_request, w.cpu_limit),
                                                 ("memory", "byte", w.memory_request, w.memory_limit)):  # fmt: skip
            out.append(Series("kube_pod_container_resource_requests", {**c, "resource": resource, "unit": unit},
                              "gauge", lambda t, v=request: v))  # fmt: skip
            if limit is not None:
                out.append(Series("kube_pod_container_resource_limits", {**c, "resource": resource, "unit": unit},
                                  "gauge", lambda t, v=limit: v))  # fmt: skip
        if w.oom_kills:
            # cAdvisor counts OOM events; kube-state-metrics keeps the last termination reason.
            kills = w.oom_kills
            out.append(Series("container_oom_events_total", cadvisor, "counter",
                              lambda t, k=kills: float(min(k, max(0, int((t + 6 * HOUR) // HOUR) + 1)))))  # fmt: skip
            out.append(Series("kube_pod_container_status_last_terminated_reason", {**c, "reason": "OOMKilled"},
                              "gauge", lambda t: 1.0))  # fmt: skip
    if w.rolled:
        # The old ReplicaSet's pods ran the baseline load until the rollout; their series end there. They
        # count for usage, not for the pods running now (rightsize must not size for 4 pods).
        old = set(w.old_pod_names())
        for s in out:
            if s.labels.get("pod") in old:
                s.until = -w.rolled
    return out


def all_series() -> list[Series]:
    out = _http_series()
    for w in WORKLOADS:
        out += _workload_series(w)
    return out


def _labels_text(labels: dict[str, str]) -> str:
    return ",".join(f'{k}="{v}"' for k, v in sorted({**labels, "instance": "synthetic"}.items()))


def openmetrics(series: list[Series], now: int) -> str:
    """The history (every STEP from -HISTORY to now included) in the OpenMetrics text format."""
    lines = []
    by_name: dict[str, list[Series]] = {}
    for s in series:
        by_name.setdefault(s.name, []).append(s)
    for name, group in by_name.items():
        kind = group[0].kind
        family = name[: -len("_total")] if kind == "counter" else name
        lines.append(f"# TYPE {family} {kind}")
        for s in group:
            labels = _labels_text(s.labels)
            for t in range(-HISTORY, 1 if s.until is None else s.until + 1, STEP):
                lines.append(f"{name}{{{labels}}} {s.value(t):.6f} {now + t}")
    lines.append("# EOF")
    return "\n".join(lines) + "\n"


def exposition(series: list[Series], t: float) -> str:
    """The live values at ``t`` seconds relative to now, in the Prometheus text format."""
    lines = []
    for s in series:
        if s.until is None:
            lines.append(f"{s.name}{{{_labels_text(s.labels)}}} {s.value(t):.6f}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# What Prometheus must compute, derived from the definitions above
# --------------------------------------------------------------------------------------------
def error_ratio(key: tuple[str, str], start: float, end: float) -> float:
    """Errors / requests between two times (seconds relative to now)."""
    phases = ERROR_PHASES[key]
    errors = [(ago, TRAFFIC * r) for ago, r in phases]
    total = [(ago, TRAFFIC) for ago, _ in phases]
    return (piecewise_integral(errors, end) - piecewise_integral(errors, start)) / (
        piecewise_integral(total, end) - piecewise_integral(total, start)
    )


def period_ratio_bounds(key: tuple[str, str], extra_evaluations: int) -> tuple[float, float]:
    """Bounds of Sloth's period ratio (the mean of the recorded 5m ratios): the backfilled ones
    (one per minute from the first minute with two samples up to now), plus up to
    ``extra_evaluations`` live ones, which all see the last phase."""
    ratios = [error_ratio(key, max(-HISTORY, t - 5 * MINUTE), t) for t in range(-HISTORY + STEP, 1, STEP)]
    base = sum(ratios) / len(ratios)
    last = ERROR_PHASES[key][-1][1]
    values = [base, *((sum(ratios) + n * last) / (len(ratios) + n) for n in (1, extra_evaluations))]
    return min(values), max(values)
