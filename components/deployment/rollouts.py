"""The Argo Rollouts controller canaries and blue-green deployments need, and the one flow it (and KEDA) need into
the monitoring namespace: querying Prometheus. Pure functions.

Installed as a pinned release of the argoproj/argo-helm ``argo-rollouts`` chart (``installCRDs``: the Rollout,
AnalysisTemplate and AnalysisRun CRDs come with it), or an existing install is used (mode ``existing``).
"""

from __future__ import annotations

from typing import Any

from components import conventions
from components.deployment.spec import ArgoRolloutsSettings
from components.monitoring.isolation import PROMETHEUS_PODS, PROMETHEUS_PORT

Manifest = dict[str, Any]
CHART = "argo-rollouts"
HELM_REPO = "https://argoproj.github.io/argo-helm"
#: The controller's pods (the chart's ``app.kubernetes.io/name`` label).
CONTROLLER_PODS = {"app.kubernetes.io/name": "argo-rollouts"}


def labels(environment: str) -> dict[str, str]:
    return {
        conventions.LABEL_MANAGED_BY: conventions.MANAGED_BY_VALUE,
        conventions.LABEL_PART_OF: "plinth",
        conventions.LABEL_ENVIRONMENT: environment,
    }


def namespace(settings: ArgoRolloutsSettings, environment: str) -> Manifest:
    """The controller's namespace (install mode): its pods meet the restricted profile, which is enforced."""
    pod_security = {f"pod-security.kubernetes.io/{mode}": "restricted" for mode in ("enforce", "audit", "warn")}
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": settings.namespace, "labels": {**labels(environment), **pod_security}},
    }


def helm_values(environment: str) -> dict[str, Any]:
    """The chart's values: CRDs installed, two controller replicas (leader election) outside dev, no dashboard,
    the restricted security context spelled out rather than left to chart defaults."""
    return {
        "installCRDs": True,
        "keepCRDs": True,
        "dashboard": {"enabled": False},
        "controller": {
            "replicas": 1 if environment == "dev" else 2,
            "metrics": {"enabled": True},
            "resources": {
                "requests": {"cpu": "100m", "memory": "128Mi"},
                "limits": {"cpu": "1", "memory": "512Mi"},
            },
        },
        "podSecurityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
        "containerSecurityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
    }


def prometheus_access(monitoring_namespace: str, clients: dict[str, dict[str, str]], environment: str) -> Manifest:
    """A NetworkPolicy letting ``clients`` (namespace -> pod labels: the Argo Rollouts controller running
    analyses, the KEDA operator reading triggers) query Prometheus in the isolated monitoring namespace."""
    sources = [
        {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": ns}},
            **({"podSelector": {"matchLabels": dict(pods)}} if pods else {}),
        }
        for ns, pods in sorted(clients.items())
    ]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {
            "name": "allow-deployment-queries",
            "namespace": monitoring_namespace,
            "labels": labels(environment),
        },
        "spec": {
            "podSelector": {"matchLabels": dict(PROMETHEUS_PODS)},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": sources, "ports": [{"protocol": "TCP", "port": PROMETHEUS_PORT}]}],
        },
    }
