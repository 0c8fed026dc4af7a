"""One pure builder per strategy: a Deployment (rolling) or an Argo Rollouts Rollout (canary, blueGreen).

- rolling: ``apps/v1`` Deployment, ``RollingUpdate`` with the spec's ``maxSurge``/``maxUnavailable``
  (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-update-deployment);
- canary: Rollout ``strategy.canary`` with setWeight/pause steps and a background analysis from the first step
  (https://argoproj.github.io/argo-rollouts/features/canary/). A failed analysis aborts the rollout: the
  controller scales the canary ReplicaSet down and the stable pods take every request again;
- blueGreen: Rollout ``strategy.blueGreen`` with an active and a preview Service, analysis before the switch
  and after it, the previous ReplicaSet kept for the post-promotion analysis so a failure switches back
  (https://argoproj.github.io/argo-rollouts/features/bluegreen/). Auto-promotion is off in prod.

Without a traffic router (Plinth configures none) a canary's weight is a share of the pods, and the Service spreads
requests over all pods, so the share of requests follows.
"""

from __future__ import annotations

import math
from typing import Any

from components.deployment.analysis import pre_promotion_name, template_name
from components.deployment.spec import MANUAL, Step, duration_seconds
from components.deployment.workload import Manifest, Target, pod_template

ROLLOUT_API = "argoproj.io/v1alpha1"
#: Old ReplicaSets kept for ``kubectl rollout undo`` / ``kubectl argo rollouts undo``.
REVISION_HISTORY = 5
#: How long a rollout may make no progress before it counts as failed (and a Rollout aborts).
PROGRESS_DEADLINE_SECONDS = 600


def progress_deadline(t: Target) -> int:
    """Ten minutes, or longer than a model takes to load."""
    model = t.spec.model
    return (
        max(PROGRESS_DEADLINE_SECONDS, model.load_timeout_seconds + 120)
        if model is not None
        else PROGRESS_DEADLINE_SECONDS
    )


def _replicas(t: Target) -> dict[str, Any]:
    """Fixed replicas; none with an autoscaler (it owns the count, and Pulumi would reset it on every update)."""
    return {} if t.spec.autoscaling is not None else {"replicas": t.spec.replicas}


def deployment(t: Target) -> Manifest:
    """rolling: an ``apps/v1`` Deployment."""
    s = t.spec.strategy
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": t.metadata(),
        "spec": {
            **_replicas(t),
            "revisionHistoryLimit": REVISION_HISTORY,
            "progressDeadlineSeconds": progress_deadline(t),
            "selector": {"matchLabels": dict(t.selector)},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": s.max_surge, "maxUnavailable": s.max_unavailable},
            },
            "template": pod_template(t),
        },
    }


def canary_steps(steps: list[Step]) -> list[dict[str, Any]]:
    """Argo Rollouts steps: ``{setWeight: n}``, ``{pause: {duration: 5m}}``, ``{pause: {}}`` (manual)."""
    out: list[dict[str, Any]] = []
    for step in steps:
        if step.set_weight is not None:
            out.append({"setWeight": step.set_weight})
        elif step.pause == MANUAL:
            out.append({"pause": {}})
        else:
            out.append({"pause": {"duration": step.pause}})
    return out


def model_steps(t: Target) -> list[Step]:
    """A model canary: the candidate takes ``trafficShare`` percent of the pods for ``duration``, then all."""
    model = t.spec.model
    assert model is not None and model.canary is not None
    return [Step(set_weight=model.canary.traffic_share), Step(pause=model.canary.duration)]


def _analysis_ref(name: str) -> dict[str, Any]:
    return {"templates": [{"templateName": name}]}


def _canary(t: Target) -> dict[str, Any]:
    s = t.spec.strategy
    model = t.spec.model
    steps = model_steps(t) if model is not None and model.canary is not None else s.canary_steps
    return {
        "canary": {
            "maxSurge": s.max_surge,
            "maxUnavailable": s.max_unavailable,
            "steps": canary_steps(steps),
            # Background analysis from the first step until the rollout completes; a failure aborts it.
            "analysis": _analysis_ref(template_name(t)),
        }
    }


def _blue_green(t: Target) -> dict[str, Any]:
    s = t.spec.strategy
    auto = s.auto_promotion if s.auto_promotion is not None else t.environment != "prod"
    return {
        "blueGreen": {
            "activeService": t.name,
            "previewService": t.preview_service,
            "autoPromotionEnabled": auto,
            # Before the switch: one measurement, so a version is never switched to during an incident.
            "prePromotionAnalysis": _analysis_ref(pre_promotion_name(t)),
            # After it: the new version judged on all the traffic for analysis.duration.
            "postPromotionAnalysis": _analysis_ref(template_name(t)),
            # The previous version keeps running while the new one is judged on real traffic: an abort
            # switches the active Service back to it at once.
            "scaleDownDelaySeconds": duration_seconds(s.analysis.duration) + 60,
        }
    }


def rollout(t: Target) -> Manifest:
    """canary or blueGreen: an Argo Rollouts Rollout; aborted when it makes no progress for the deadline."""
    strategy = _canary(t) if t.spec.strategy.type == "canary" else _blue_green(t)
    return {
        "apiVersion": ROLLOUT_API,
        "kind": "Rollout",
        "metadata": t.metadata(),
        "spec": {
            **_replicas(t),
            "revisionHistoryLimit": REVISION_HISTORY,
            "progressDeadlineSeconds": progress_deadline(t),
            "progressDeadlineAbort": True,
            "selector": {"matchLabels": dict(t.selector)},
            "template": pod_template(t),
            "strategy": strategy,
        },
    }


def workload(t: Target) -> Manifest:
    """The workload of the deployment's strategy."""
    return deployment(t) if t.spec.strategy.type == "rolling" else rollout(t)


def scale_target(t: Target) -> dict[str, str]:
    """What an autoscaler scales: the Deployment, or the Rollout itself (never its ReplicaSets, which Argo
    Rollouts sizes from the Rollout's replica count)."""
    manifest_kind = ("apps/v1", "Deployment") if t.spec.strategy.type == "rolling" else (ROLLOUT_API, "Rollout")
    return {"apiVersion": manifest_kind[0], "kind": manifest_kind[1], "name": t.name}


def weights(steps: list[dict[str, Any]]) -> list[int]:
    """The canary weights of Argo Rollouts steps, in order (100 is implied at the end)."""
    return [int(step["setWeight"]) for step in steps if "setWeight" in step]


def pods_at(weight: int, replicas: int) -> int:
    """Canary pods at ``weight`` percent of ``replicas`` (Argo Rollouts rounds up)."""
    return math.ceil(replicas * weight / 100)
