"""TenantDeployment and DeliveryController used directly (as a YAML or TypeScript program would): plain arguments
checked like the stack config, the tenant's quota included; the controller installed by a pinned chart or not at
all; Prometheus reachable from the controller and KEDA in an isolated monitoring namespace."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from components.deployment.component import DeliveryController, TenantDeployment
from components.deployment.spec import ROLLOUTS_CHART_VERSION
from scripts import engine
from tests.deployment.helpers import IMAGE, SLO, canary, deployment_stack, run_platform, service

SNAKE_SLO: dict[str, Any] = {
    "name": "availability",
    "service": "api",
    "tenant": "acme",
    "objective": 99.9,
    "sli": {
        "ratio": {"error_query": SLO["sli"]["ratio"]["errorQuery"], "total_query": SLO["sli"]["ratio"]["totalQuery"]}
    },
    "alerting": {"name": "ApiAvailability"},
}


def args(**service_overrides: Any) -> dict[str, Any]:
    return {
        "service": {
            "name": "api",
            "tenant": "acme",
            "image": IMAGE,
            "ports": [{"name": "http", "port": 8080}],
            "probes": {"readiness": {"path": "/ready"}},
            "resources": {"requests": {"cpu": "500m", "memory": "512Mi"}},
            "slo": "availability",
            "strategy": {"type": "canary", "max_surge": "1", "max_unavailable": "0"},
            **service_overrides,
        },
        "environment": "dev",
        "tenant": {"id": "acme", "tier": "standard", "quota": {"cpu": "8", "memory": "32Gi", "pods": 100}},
        "slo": copy.deepcopy(SNAKE_SLO),
    }


def run(a: dict[str, Any]) -> engine.Plan:
    return engine.run(lambda: TenantDeployment("acme-api", a), stack="test", preview=True)  # type: ignore[arg-type]


def test_the_component_runs_from_plain_arguments():
    plan = run(args())
    kinds = sorted(r.type.rsplit(":", 1)[1] for r in plan.resources if r.type.startswith("kubernetes:"))
    assert kinds == ["AnalysisTemplate", "PodDisruptionBudget", "Rollout", "Service"]
    rollout = plan.of_type("kubernetes:argoproj.io/v1alpha1:Rollout")[0].inputs
    assert rollout["spec"]["strategy"]["canary"]["maxSurge"] == 1, "a count given as a string is a count"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda a: a["service"].update(image="app:latest"), "args.service.image: must be pinned by digest"),
        (lambda a: a.update(colour="blue"), "args.colour: unknown key"),
        (lambda a: a.pop("slo"), "args.slo: service.slo names 'availability': pass that SLO"),
        (lambda a: a["slo"].update(name="latency"), "args.slo: is api/latency, not the SLO 'availability'"),
        (
            lambda a: a["service"].update(slo="web/availability"),
            "args.slo: is api/availability, not the SLO 'web/availability'",
        ),
        (lambda a: a["tenant"].update(id="globex"), "args.service.tenant: is 'acme' but args.tenant.id is 'globex'"),
        (lambda a: a.update(environment="qa"), "args.environment: must be dev, staging or prod"),
        (
            lambda a: a["service"].update(replicas=40),
            "args.tenant.quota: deployment api takes tenant acme over its ResourceQuota",
        ),
        (
            lambda a: a["service"].update(model={"name": "m", "version": "1", "uri": "s3://b/{version}/"}),
            "args.service.model.gpus: tenant acme (standard tier) has no GPU quota",
        ),
    ],
)
def test_bad_arguments_are_refused_naming_each_argument(change, expected):
    a = args()
    change(a)
    with pytest.raises(Exception) as err:
        run(a)
    assert expected in str(err.value), str(err.value)


def test_the_controller_is_a_pinned_helm_release_or_an_existing_install():
    def controller(mode: str) -> engine.Plan:
        a = {"environment": "prod", "argo_rollouts": {"mode": mode}, "monitoring_namespace": "monitoring"}
        return engine.run(lambda: DeliveryController("d", a), stack="test", preview=True)  # type: ignore[arg-type]

    installed = controller("install")
    release = installed.of_type("kubernetes:helm.sh/v3:Release")[0].inputs
    assert (release["chart"], release["version"]) == ("argo-rollouts", ROLLOUTS_CHART_VERSION)
    assert release["repositoryOpts"]["repo"] == "https://argoproj.github.io/argo-helm"
    assert release["values"]["installCRDs"] is True and release["values"]["controller"]["replicas"] == 2
    namespace = installed.of_type("kubernetes:core/v1:Namespace")[0].inputs
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    existing = controller("existing")
    assert not existing.of_type("kubernetes:helm.sh/v3:Release") and not existing.of_type(
        "kubernetes:core/v1:Namespace"
    )
    assert existing.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy"), "analyses still query Prometheus"


def test_analyses_and_keda_may_query_prometheus_in_the_isolated_monitoring_namespace():
    keda = canary(
        name="q", autoscaling={"keda": {"minReplicas": 2, "maxReplicas": 4, "query": "sum(q)", "threshold": 5}}
    )
    plan = run_platform(deployment_stack(keda))
    policy = next(
        r
        for r in plan.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
        if r.name == "plinth-delivery-prometheus-access"
    )
    spec = policy.inputs["spec"]
    assert policy.inputs["metadata"]["namespace"] == "monitoring"
    assert spec["podSelector"] == {"matchLabels": {"app.kubernetes.io/name": "prometheus"}}
    sources = {s["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] for s in spec["ingress"][0]["from"]}
    assert sources == {"argo-rollouts", "keda"}
    assert spec["ingress"][0]["ports"] == [{"protocol": "TCP", "port": 9090}]


def test_a_stack_of_rolling_services_installs_no_controller():
    plan = run_platform(deployment_stack(service()))
    assert not plan.of_type("plinth:index:DeliveryController")
    assert not [r for r in plan.resources if "argo" in r.type]


def test_deployments_wait_for_their_tenant_and_the_controller():
    plan = run_platform(deployment_stack(canary()))
    component = plan.of_type("plinth:index:TenantDeployment")[0]
    rollout = next(r for r in plan.children(component.urn, recursive=True) if r.type.endswith(":Rollout"))
    waits = {u.rsplit("::", 1)[1] for u in rollout.dependencies}
    # The engine expands a dependency on a component to its children: the tenant's namespace, ServiceAccount and
    # quota, the controller's release (the CRDs), the deployment's own AnalysisTemplate.
    expected = {
        "acme-namespace",
        "acme-workload-sa",
        "acme-quota",
        "plinth-delivery-argo-rollouts",
        "acme-api-analysis",
    }
    assert expected <= waits, sorted(waits)
