"""Bad deployment specs are refused at preview, naming the key: images without a digest, SLOs that do not exist,
GPUs without GPU quota, autoscaler combinations Argo Rollouts gets wrong, and tenants whose deployments cannot
fit their ResourceQuota at the peak of a rollout (exit 2 naming the deployment, the resource and the numbers)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from components.config import ConfigError, parse
from scripts import cli
from tests.deployment.helpers import (
    BASE_STACK,
    IMAGE,
    S3_EGRESS,
    SLO,
    canary,
    deployment_stack,
    model_service,
    run_platform,
    service,
    tenant,
)


def problems(doc: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as info:
        parse(doc, source="stacks/Pulumi.t.yaml")
    return str(info.value)


def test_a_valid_stack_parses():
    parse(deployment_stack(service(), canary(name="api2")), source="t")


@pytest.mark.parametrize(
    ("spec", "key", "words"),
    [
        (service(image="registry.example.com/team/app:1.4.2"), "services[0].image", "must be pinned by digest"),
        (service(image=IMAGE.replace("ab" * 32, "ab" * 31)), "services[0].image", "must be pinned by digest"),
        (service(slo="latency"), "services[0].slo", "names no SLO of tenant acme"),
        (service(tenant="nobody"), "services[0].tenant", "no tenant 'nobody'"),
        (
            service(strategy={"type": "canary"}),
            "services[0].slo",
            "a canary rollout needs something to judge it",
        ),
        (
            service(strategy={"type": "canary", "steps": [{"setWeight": 20}, {"setWeight": 10}]}),
            "services[0].strategy.steps",
            "is not followed by a pause",
        ),
        (
            service(
                strategy={
                    "type": "canary",
                    "steps": [{"setWeight": 20}, {"pause": "5m"}, {"setWeight": 10}, {"pause": "5m"}],
                }
            ),
            "services[0].strategy.steps",
            "does not rise above the previous weight 20",
        ),
        (
            canary(
                autoscaling={
                    "hpa": {"minReplicas": 2, "maxReplicas": 4, "cpuUtilization": 60},
                    "keda": {"minReplicas": 2, "maxReplicas": 4, "query": "sum(up)", "threshold": 1},
                }
            ),
            "services[0].autoscaling",
            "set exactly one of hpa or keda",
        ),
        (
            canary(strategy={"type": "canary", "maxSurge": "25%", "maxUnavailable": 0}),
            "services[0].strategy.maxSurge",
            "argoproj/argo-rollouts#2857",
        ),
        (
            canary(autoscaling={"hpa": {"minReplicas": 1, "maxReplicas": 4, "cpuUtilization": 60}}),
            "services[0].autoscaling",
            "minReplicas must be at least 2",
        ),
        (
            canary(slo=None),
            "services[0].slo",
            "argoproj/argo-rollouts#4607",
        ),
        (
            service(strategy={"type": "rolling", "maxSurge": 0, "maxUnavailable": 0}),
            "services[0].strategy.maxUnavailable",
            "could never start",
        ),
        (service(secrets=[{"name": "TOKEN"}]), "services[0].secrets[0]", "set exactly one of secretRef or value"),
        (service(ports=[{"name": "8080", "port": 8080}]), "services[0].ports[0].name", "needs a letter"),
    ],
)
def test_bad_specs_are_refused_naming_the_key(spec, key, words):
    if spec.get("slo", "") is None:
        del spec["slo"]
    message = problems(deployment_stack(spec))
    assert f"plinth:deployments.{key}" in message, message
    assert words in message, message


def test_a_model_on_a_tier_without_gpu_quota_is_refused():
    bucket = f"s3://plinth-dev-acme-data-{BASE_STACK['aws']['accountId']}/"
    doc = deployment_stack(
        model_service(bucket), tenants=[tenant(tier="standard", cloud="aws", allowedEgress=S3_EGRESS)]
    )
    message = problems(doc)
    assert "plinth:deployments.services[0].model.gpus" in message and "has no GPU quota" in message, message


def test_a_model_whose_tenant_allows_no_egress_cannot_load_and_is_refused():
    bucket = f"s3://plinth-dev-acme-data-{BASE_STACK['aws']['accountId']}/"
    message = problems(deployment_stack(model_service(bucket), tenants=[tenant(tier="premium", cloud="aws")]))
    assert "plinth:deployments.services[0].model.uri: tenant acme allows no egress" in message, message


def test_a_model_outside_the_tenants_bucket_is_refused_before_anything_is_created():
    """The tenant's bucket name comes from its cloud module (and provider SDK): the component checks it."""
    doc = deployment_stack(model_service("s3://somebody-elses-bucket/"))
    with pytest.raises(Exception) as err:
        run_platform(doc)
    message = str(err.value)
    assert "TenantDeployment acme-whisper: args.service.model.uri: must be in tenant acme's bucket" in message, message


def test_a_model_of_a_tenant_without_cloud_has_no_bucket():
    doc = deployment_stack(model_service("s3://b/"), tenants=[tenant(tier="premium", cloud="none")])
    message = problems(doc)
    assert "plinth:deployments.services[0].model.uri: tenant acme has no bucket (cloud: none)" in message, message


def test_an_slo_whose_page_alert_is_disabled_cannot_judge_a_canary():
    slo = copy.deepcopy(SLO)
    slo["alerting"]["pageAlert"] = {"disable": True}
    message = problems(deployment_stack(canary(), slos=[slo]))
    assert "plinth:deployments.services[0].slo: SLO api/availability has its page alert disabled" in message, message


def test_deployments_need_a_cluster():
    doc = deployment_stack(service())
    doc["kubernetes"] = None
    assert "plinth:deployments: deployments run on a cluster" in problems(doc)


def test_the_quota_names_the_deployment_the_resource_and_the_numbers():
    # standard: 8 CPUs. 3 x (2 + 1 surge) x 1 CPU = 9 at the peak of three rolling updates at once.
    services = [service(name=f"svc{i}", resources={"requests": {"cpu": "1", "memory": "1Gi"}}) for i in range(3)]
    doc = deployment_stack(*services, tenants=[tenant(tier="standard", cloud="aws")])
    message = problems(doc)
    assert "plinth:deployments.services[2]: deployment svc2 takes tenant acme over its ResourceQuota" in message
    assert "need 9 cpu (limits.cpu) but the quota allows 8 (svc0 3, svc1 3, svc2 3)" in message, message
    assert "services[0]" not in message and "services[1]" not in message, "only the deployment that tips it"


def test_blue_green_counts_the_preview_pods_and_a_quota_override_makes_room():
    spec = service(
        slo="availability",
        replicas=5,
        strategy={"type": "blueGreen"},
        resources={"requests": {"cpu": "1", "memory": "1Gi"}},
    )
    low = tenant(tier="standard", cloud="aws", quotas={"cpu": "9"})
    message = problems(deployment_stack(spec, tenants=[low]))
    assert "need 10 cpu (limits.cpu) but the quota allows 9" in message, message
    parse(deployment_stack(spec, tenants=[tenant(tier="standard", cloud="aws", quotas={"cpu": "10"})]), source="t")


def test_preview_exits_2_with_the_quota_message(make_project, capsys):
    doc = deployment_stack(
        service(replicas=30, resources={"requests": {"cpu": "100m", "memory": "128Mi"}}),
        tenants=[tenant(tier="free")],
    )
    doc["deployments"]["services"][0]["tenant"] = "acme"
    project = make_project("quota", {"config": {f"plinth:{k}": v for k, v in doc.items()}})
    code = cli.main(["preview", "--stack", "quota", "--no-policy", "--project-dir", str(project)])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    lines = [line for line in err.splitlines() if "ResourceQuota" in line]
    assert len(lines) == 3, "one line per resource over the quota: cpu, memory, pods"
    for line in lines:
        assert "stacks/Pulumi.quota.yaml: plinth:deployments.services[0]: deployment api takes tenant acme" in line
    # 30 replicas + 25 % surge (7.5, rounded up) = 38 pods of 100m / 128Mi against free's 2 CPUs, 4Gi, 20 pods.
    assert "need 3.8 cpu (limits.cpu) but the quota allows 2" in lines[0], lines[0]
    assert "need 4.75Gi memory (limits.memory) but the quota allows 4Gi" in lines[1], lines[1]
    assert "need 38 pods (pods) but the quota allows 20" in lines[2], lines[2]
    assert "Traceback" not in err


def test_two_deployments_that_would_share_a_name_are_refused():
    doc = deployment_stack(service(), service())
    assert "plinth:deployments: services[1]: tenant acme's deployment api and tenant acme's api" in problems(doc)
    a, ab = tenant(id="a", tier="premium"), tenant(id="a-b", tier="premium")
    doc = deployment_stack(service(tenant="a-b", name="c"), service(tenant="a", name="b-c"), tenants=[a, ab])
    assert "would both be named a-b-c: rename one" in problems(doc)
