"""Autoscaling: an ``autoscaling/v2`` HorizontalPodAutoscaler or a KEDA ScaledObject, never both.

Both target the workload itself - the Deployment or the Rollout (Argo Rollouts serves the ``scale`` subresource
and sizes the stable and canary ReplicaSets from the Rollout's replica count:
https://argoproj.github.io/argo-rollouts/features/hpa-support/), never a ReplicaSet. KEDA drives an HPA of
its own (https://keda.sh/docs/latest/reference/scaledobject-spec/), so a second autoscaler on the same
workload would fight it over the replica count.
"""

from __future__ import annotations

from typing import Any

from components.deployment.spec import Hpa, Keda
from components.deployment.strategies import scale_target
from components.deployment.workload import Manifest, Target


def _scale_down(seconds: int) -> dict[str, Any]:
    return {"scaleDown": {"stabilizationWindowSeconds": seconds}}


def hpa(t: Target, h: Hpa) -> Manifest:
    metrics = [
        {"type": "Resource", "resource": {"name": name, "target": {"type": "Utilization", "averageUtilization": v}}}
        for name, v in (("cpu", h.cpu_utilization), ("memory", h.memory_utilization))
        if v is not None
    ]
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": t.metadata(),
        "spec": {
            "scaleTargetRef": scale_target(t),
            "minReplicas": h.min_replicas,
            "maxReplicas": h.max_replicas,
            "metrics": metrics,
            "behavior": _scale_down(h.scale_down_stabilization_seconds),
        },
    }


def _number(value: float) -> str:
    """KEDA's trigger metadata are strings: ``100``, ``0.5``."""
    return format(value, "g")


def scaled_object(t: Target, k: Keda, address: str) -> Manifest:
    return {
        "apiVersion": "keda.sh/v1alpha1",
        "kind": "ScaledObject",
        "metadata": t.metadata(),
        "spec": {
            "scaleTargetRef": scale_target(t),
            "minReplicaCount": k.min_replicas,
            "maxReplicaCount": k.max_replicas,
            "advanced": {
                "horizontalPodAutoscalerConfig": {"behavior": _scale_down(k.scale_down_stabilization_seconds)}
            },
            "triggers": [
                {
                    "type": "prometheus",
                    "metadata": {
                        "serverAddress": address,
                        "query": k.query,
                        "threshold": _number(k.threshold),
                        "activationThreshold": _number(k.activation_threshold),
                    },
                }
            ],
        },
    }


def autoscaler(t: Target, address: str) -> Manifest | None:
    """The deployment's one autoscaler, or None."""
    scaling = t.spec.autoscaling
    if scaling is None:
        return None
    if scaling.hpa is not None:
        return hpa(t, scaling.hpa)
    assert scaling.keda is not None
    return scaled_object(t, scaling.keda, address)
