"""Stacks with deployments for the deployment tests, and queries over their plans."""

from __future__ import annotations

import copy
from typing import Any

from components import conventions
from scripts import engine
from tests.tenant.helpers import BASE_STACK, run_platform, stack, tenant

DIGEST = "sha256:" + "ab" * 32
IMAGE = f"registry.example.com/team/app@{DIGEST}"

#: An availability SLO of tenant acme's ``api`` service.
SLO: dict[str, Any] = {
    "name": "availability",
    "service": "api",
    "tenant": "acme",
    "objective": 99.9,
    "period": "30d",
    "sli": {
        "ratio": {
            "errorQuery": 'sum(rate(http_requests_total{namespace="tenant-acme",job="api",code=~"5.."}[{{.window}}]))',
            "totalQuery": 'sum(rate(http_requests_total{namespace="tenant-acme",job="api"}[{{.window}}]))',
        }
    },
    "alerting": {"name": "ApiAvailability", "pagePriority": "P1", "ticketPriority": "P3"},
}


#: S3 in eu-west-1 (what a model server on AWS reads its artefacts from).
S3_EGRESS = [{"cidr": "52.95.0.0/16", "ports": [443]}]


def service(**overrides: Any) -> dict[str, Any]:
    """A small rolling service of tenant acme."""
    doc: dict[str, Any] = {
        "name": "api",
        "tenant": "acme",
        "image": IMAGE,
        "replicas": 2,
        "ports": [{"name": "http", "port": 8080}],
        "probes": {"readiness": {"path": "/ready"}},
        "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}},
    }
    doc.update(overrides)
    return doc


def canary(**overrides: Any) -> dict[str, Any]:
    """An autoscaled canary judged by the SLO."""
    doc = service(
        slo="availability",
        strategy={"type": "canary", "maxSurge": 0, "maxUnavailable": 1},
        autoscaling={"hpa": {"minReplicas": 2, "maxReplicas": 6, "cpuUtilization": 70}},
    )
    del doc["replicas"]
    doc.update(overrides)
    return doc


def model_service(bucket: str, **overrides: Any) -> dict[str, Any]:
    """A GPU model canary of tenant ``acme`` reading from ``bucket`` (the tenant's data URI)."""
    doc = service(
        name="whisper",
        slo="availability",
        # Two pods of one GPU each, replaced one at a time: premium's two GPUs suffice.
        strategy={"type": "canary", "maxSurge": 0, "maxUnavailable": 1},
        model={
            "name": "whisper",
            "version": "v1",
            "uri": f"{bucket}models/whisper/{{version}}/",
            "gpus": 1,
            "gpuType": "NVIDIA-L4",
            "canary": {"version": "v2", "trafficShare": 50},
        },
    )
    doc.update(overrides)
    return doc


def deployment_stack(
    *services: dict[str, Any],
    tenants: list[dict[str, Any]] | None = None,
    slos: list[dict[str, Any]] | None = None,
    **section: Any,
) -> dict[str, Any]:
    """A stack with tenants (default: acme, premium on AWS), the SLO and ``services``."""
    tenant_docs = tenants if tenants is not None else [tenant(tier="premium", cloud="aws", allowedEgress=S3_EGRESS)]
    doc = stack(*tenant_docs)
    doc["monitoring"] = {"slos": copy.deepcopy(slos if slos is not None else [SLO])}
    doc["deployments"] = {"services": list(services), **section}
    return doc


def deployment_resources(plan: engine.Plan, tenant_id: str, name: str) -> list[engine.Registration]:
    component = next(r for r in plan.of_type("plinth:index:TenantDeployment") if r.name == f"{tenant_id}-{name}")
    return plan.children(component.urn, recursive=True)


def objects(resources: list[engine.Registration]) -> dict[str, dict[str, Any]]:
    """The Kubernetes objects of a deployment by kind, as the API server would receive them."""
    out: dict[str, dict[str, Any]] = {}
    for r in resources:
        if not r.type.startswith("kubernetes:"):
            continue
        _, group_version, kind = r.type.split(":")
        api = group_version.replace("core/", "") if group_version.startswith("core/") else group_version
        key = kind if kind not in out else f"{kind}:{r.inputs['metadata']['name']}"
        out[key] = {"apiVersion": api, "kind": kind, **r.inputs}
    return out


def namespace(tenant_id: str) -> str:
    return conventions.namespace_name(tenant_id)


__all__ = [
    "DIGEST",
    "IMAGE",
    "SLO",
    "S3_EGRESS",
    "BASE_STACK",
    "service",
    "canary",
    "model_service",
    "deployment_stack",
    "deployment_resources",
    "objects",
    "namespace",
    "run_platform",
    "tenant",
]
