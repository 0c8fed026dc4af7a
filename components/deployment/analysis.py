"""The AnalysisTemplates that judge a canary or a blue-green switch (Argo Rollouts, Prometheus provider:
https://argoproj.github.io/argo-rollouts/analysis/prometheus/).

With an SLO the query is :func:`components.monitoring.slo.page_analysis_query`: the page alert's own burn-rate
expression (built by the same function as the alert, so the two cannot drift), counted, so the measurement fails
exactly when the SLO pages. Without an SLO the spec's ``successRate`` query and minimum judge.

Argo Rollouts reads a Prometheus vector as a list of values (``result[0]``); an empty result is an error, and
errors beyond ``consecutiveErrorLimit`` (default 4) fail the analysis too.
"""

from __future__ import annotations

from typing import Any

from components.deployment.spec import duration_seconds
from components.deployment.workload import Manifest, Target
from components.monitoring import slo as slo_rules
from components.monitoring.spec import SloSpec

API = "argoproj.io/v1alpha1"
#: The metric's name in the AnalysisRun (what ``kubectl argo rollouts get rollout`` shows).
SLO_METRIC = "slo-page-burn-rate"
SUCCESS_RATE_METRIC = "success-rate"


def template_name(t: Target) -> str:
    """The AnalysisTemplate of the canary's background analysis or the blue-green post-promotion analysis."""
    return f"{t.name}-analysis"


def pre_promotion_name(t: Target) -> str:
    return f"{t.name}-pre-promotion"


def metric(t: Target, slo: SloSpec | None, address: str) -> dict[str, Any]:
    """The measured metric: the SLO's page condition, or the explicit success rate."""
    analysis = t.spec.strategy.analysis
    base: dict[str, Any] = {"interval": analysis.interval, "failureLimit": analysis.failure_limit}
    if slo is not None:
        return {
            "name": SLO_METRIC,
            **base,
            "successCondition": slo_rules.PAGE_ANALYSIS_SUCCESS,
            "failureCondition": slo_rules.PAGE_ANALYSIS_FAILURE,
            "provider": {"prometheus": {"address": address, "query": slo_rules.page_analysis_query(slo)}},
        }
    rate = analysis.success_rate
    if rate is None:
        raise ValueError(f"deployment {t.name}: neither an SLO nor a successRate to judge it (checked at preview)")
    return {
        "name": SUCCESS_RATE_METRIC,
        **base,
        "successCondition": f"result[0] >= {rate.minimum!r}",
        "failureCondition": f"result[0] < {rate.minimum!r}",
        "provider": {"prometheus": {"address": address, "query": rate.query}},
    }


def template(t: Target, slo: SloSpec | None, address: str, *, name: str, count: int | None) -> Manifest:
    """One AnalysisTemplate; ``count`` measurements (None: until the rollout completes, a background analysis)."""
    measured = metric(t, slo, address)
    if count is not None:
        measured["count"] = count
    return {
        "apiVersion": API,
        "kind": "AnalysisTemplate",
        "metadata": t.metadata(name),
        "spec": {"metrics": [measured]},
    }


def templates(t: Target, slo: SloSpec | None, address: str) -> list[Manifest]:
    """canary: one background template. blueGreen: a one-measurement pre-promotion template and a
    post-promotion one measuring for ``analysis.duration``. rolling: none."""
    kind = t.spec.strategy.type
    if kind == "rolling":
        return []
    if kind == "canary":
        return [template(t, slo, address, name=template_name(t), count=None)]
    analysis = t.spec.strategy.analysis
    measurements = max(1, duration_seconds(analysis.duration) // duration_seconds(analysis.interval))
    return [
        template(t, slo, address, name=pre_promotion_name(t), count=1),
        template(t, slo, address, name=template_name(t), count=measurements),
    ]
