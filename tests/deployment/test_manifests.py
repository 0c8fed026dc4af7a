"""What the deployments put on the cluster: Rollouts, AnalysisTemplates and ScaledObjects valid against the upstream
CRD schemas, core objects valid for the API server (kubernetes-validate strict), hardened pods running as the
tenant's workload identity, autoscalers on the Rollout, GPU model servers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest

from components.config import ConfigError, parse
from components.monitoring import slo as slo_rules
from components.monitoring.spec import SloSpec
from components.platform import Platform
from components.tenant import gcp
from scripts import engine
from tests.deployment.helpers import (
    SLO,
    canary,
    deployment_resources,
    deployment_stack,
    model_service,
    objects,
    run_platform,
    service,
    tenant,
)

CRDS = Path(__file__).resolve().parents[1] / "schemas" / "crds"
SCHEMAS = {
    "Rollout": "argoproj.io_rollout_v1alpha1.json",
    "AnalysisTemplate": "argoproj.io_analysistemplate_v1alpha1.json",
    "ScaledObject": "keda.sh_scaledobject_v1alpha1.json",
}
CUSTOM_GROUPS = ("argoproj.io/", "keda.sh/")


def crd_errors(obj: dict[str, Any]) -> list[str]:
    schema = json.loads((CRDS / SCHEMAS[obj["kind"]]).read_text())
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in jsonschema.Draft7Validator(schema).iter_errors(obj)]


def dev_deployment_objects(dev_plan) -> list[dict[str, Any]]:
    found = []
    for component in dev_plan.of_type("plinth:index:TenantDeployment"):
        found += objects(dev_plan.children(component.urn, recursive=True)).values()
    return found


def test_the_dev_stack_has_a_rolling_service_an_autoscaled_slo_canary_and_a_gpu_model_canary(dev_plan):
    kinds = {
        c.name: sorted(objects(dev_plan.children(c.urn, recursive=True)))
        for c in dev_plan.of_type("plinth:index:TenantDeployment")
    }
    assert kinds == {
        "initech-web": ["Deployment", "PodDisruptionBudget", "Service"],
        "acme-audio-api": ["AnalysisTemplate", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Rollout", "Service"],
        "globex-inference": ["AnalysisTemplate", "PodDisruptionBudget", "Rollout", "Service"],
    }, kinds


def test_custom_resources_validate_against_the_upstream_crds(dev_plan):
    doc = deployment_stack(
        canary(
            name="queue",
            autoscaling={"keda": {"minReplicas": 2, "maxReplicas": 5, "query": "sum(queue_depth)", "threshold": 100}},
        ),
        service(name="shop", slo="availability", strategy={"type": "blueGreen"}),
    )
    extra = []
    plan = run_platform(doc)
    for name in ("queue", "shop"):
        extra += objects(deployment_resources(plan, "acme", name)).values()
    custom = [o for o in [*dev_deployment_objects(dev_plan), *extra] if o["apiVersion"].startswith(CUSTOM_GROUPS)]
    assert sorted({o["kind"] for o in custom}) == ["AnalysisTemplate", "Rollout", "ScaledObject"]
    for obj in custom:
        assert not crd_errors(obj), (obj["metadata"]["name"], crd_errors(obj))


def test_the_crd_check_catches_a_broken_rollout_and_template():
    """Guard for the test above: the schemas do reject what Argo Rollouts would."""
    rollout = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Rollout",
        "metadata": {},
        "spec": {"strategy": {"canary": {"steps": [{"pause": {"duration": []}}]}}},
    }
    assert crd_errors(rollout)
    template = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "AnalysisTemplate",
        "metadata": {},
        "spec": {"metrics": [{"interval": "1m"}]},
    }
    assert any("name" in e for e in crd_errors(template)), crd_errors(template)


def test_core_objects_pass_kubernetes_validate_strict(dev_plan):
    doc = deployment_stack(service(secrets=[{"name": "TOKEN", "secretRef": {"name": "api-token", "key": "token"}}]))
    plan = run_platform(doc)
    core = [o for o in dev_deployment_objects(dev_plan) if not o["apiVersion"].startswith(CUSTOM_GROUPS)]
    core += objects(deployment_resources(plan, "acme", "api")).values()
    assert {o["kind"] for o in core} >= {"Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler"}
    for version in sorted({"1.33.0", kubernetes_validate.latest_version()}):
        for obj in core:
            kubernetes_validate.validate(obj, version, strict=True)


def _pod(obj: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = obj["spec"]["template"]["spec"]
    return spec


def test_pods_are_hardened_to_pod_security_restricted_and_run_as_the_workload_account(dev_plan):
    workloads = [o for o in dev_deployment_objects(dev_plan) if o["kind"] in ("Deployment", "Rollout")]
    assert len(workloads) == 3
    for obj in workloads:
        pod = _pod(obj)
        assert pod["serviceAccountName"] == "workload", "the tenant's ServiceAccount carries its cloud identity"
        assert pod["automountServiceAccountToken"] is False, "no Kubernetes API token in application pods"
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        for c in pod["containers"]:
            sc = c["securityContext"]
            assert sc["allowPrivilegeEscalation"] is False and sc["readOnlyRootFilesystem"] is True
            assert sc["capabilities"] == {"drop": ["ALL"]}
            assert "@sha256:" in c["image"], "images are pinned by digest"
            assert c["resources"]["limits"]["cpu"] and c["resources"]["limits"]["memory"]


def test_secrets_are_files_never_environment_values():
    doc = deployment_stack(
        service(
            env={"LOG_LEVEL": "info"},
            secrets=[
                {"name": "TOKEN", "secretRef": {"name": "api-token", "key": "token"}},
                {"name": "DB_PASSWORD", "value": "s3cret-from-config"},
            ],
        )
    )
    secure = {"deployments.services[0].secrets[1].value"}
    with pytest.raises(ConfigError, match="is a credential and must be encrypted"):
        parse(doc, source="test")
    cfg = parse(doc, source="test", secure_paths=secure)
    plan = engine.run(lambda: Platform.from_config("plinth", cfg), stack="test", preview=True)
    obj = objects(deployment_resources(plan, "acme", "api"))
    container = _pod(obj["Deployment"])["containers"][0]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env == {
        "LOG_LEVEL": "info",
        "TOKEN_FILE": "/var/run/secrets/plinth/app/TOKEN",
        "DB_PASSWORD_FILE": "/var/run/secrets/plinth/app/DB_PASSWORD",
    }
    assert not any("valueFrom" in e for e in container["env"]), "CIS 5.4.1: secrets as files"
    volume = next(v for v in _pod(obj["Deployment"])["volumes"] if v["name"] == "secrets")
    sources = {s["secret"]["name"]: s["secret"]["items"] for s in volume["projected"]["sources"]}
    assert sources == {
        "api-token": [{"key": "token", "path": "TOKEN"}],
        "api-secrets": [{"key": "DB_PASSWORD", "path": "DB_PASSWORD"}],
    }
    assert "s3cret-from-config" not in json.dumps(obj["Secret"]), "the value reaches the Secret only as a Pulumi secret"


def _identity_pod(cloud: str, **stack_overrides: Any) -> dict[str, Any]:
    t = tenant(id="acme", tier="premium", cloud=cloud)
    doc = deployment_stack(service(), tenants=[t])
    doc.update(stack_overrides)
    return objects(deployment_resources(run_platform(doc), "acme", "api"))["Deployment"]["spec"]["template"]


def test_gcp_tenants_off_gke_mount_the_credential_configuration_and_a_token_for_the_provider():
    template = _identity_pod("gcp")
    pod = template["spec"]
    volume = next(v for v in pod["volumes"] if v["name"] == "gcp-workload-identity")
    sources = volume["projected"]["sources"]
    assert sources[0]["configMap"]["name"] == "workload-identity"
    token = sources[1]["serviceAccountToken"]
    provider = gcp.provider_name("123456789012", "dev", "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789")
    assert token["audience"] == f"//iam.googleapis.com/{provider}"
    container = pod["containers"][0]
    mount = next(m for m in container["volumeMounts"] if m["name"] == "gcp-workload-identity")
    assert f"{mount['mountPath']}/{token['path']}" == gcp.TOKEN_PATH == "/var/run/secrets/plinth/gcp/token"
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["GOOGLE_APPLICATION_CREDENTIALS"] == "/var/run/secrets/plinth/gcp/credential-configuration.json"


def test_gcp_tenants_on_gke_and_aws_tenants_need_only_the_service_account():
    gke = _identity_pod(
        "gcp",
        kubernetes={
            "distribution": "gke",
            "oidcIssuerUrl": "https://container.googleapis.com/v1/projects/p/locations/europe-west4/clusters/c",
        },
    )
    aws = _identity_pod("aws")
    for template in (gke, aws):
        assert [v["name"] for v in template["spec"]["volumes"]] == ["tmp"], "nothing beyond the annotated account"
        assert "azure.workload.identity/use" not in template["metadata"]["labels"]


def test_azure_pods_carry_the_workload_identity_label():
    template = _identity_pod("azure")
    assert template["metadata"]["labels"]["azure.workload.identity/use"] == "true"


def test_the_canary_is_judged_by_the_slo_page_condition_and_the_hpa_scales_the_rollout():
    obj = objects(deployment_resources(run_platform(deployment_stack(canary())), "acme", "api"))
    rollout, template, hpa = obj["Rollout"], obj["AnalysisTemplate"], obj["HorizontalPodAutoscaler"]
    assert rollout["spec"]["strategy"]["canary"]["analysis"] == {"templates": [{"templateName": "api-analysis"}]}
    assert "replicas" not in rollout["spec"], "the HPA owns the replica count"
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "api"}
    metric = template["spec"]["metrics"][0]
    slo = SloSpec.model_validate(SLO)
    assert metric["provider"]["prometheus"]["query"] == slo_rules.page_analysis_query(slo)
    assert slo_rules.severity_condition(slo, "page") in metric["provider"]["prometheus"]["query"]
    page = next(r for r in slo_rules.alert_rules(slo)["rules"] if r["labels"].get("severity") == "page")
    assert slo_rules.severity_condition(slo, "page") == page["expr"], "one expression for the pager and the canary"
    assert metric["failureCondition"] == "result[0] > 0" and metric["failureLimit"] == 0
    assert metric["provider"]["prometheus"]["address"] == "http://prometheus-operated.monitoring.svc:9090"


def test_blue_green_has_active_and_preview_services_and_no_auto_promotion_in_prod():
    doc = deployment_stack(service(slo="availability", strategy={"type": "blueGreen"}))
    doc["environment"] = "prod"
    obj = objects(deployment_resources(run_platform(doc), "acme", "api"))
    bg = obj["Rollout"]["spec"]["strategy"]["blueGreen"]
    assert bg["activeService"] == "api" and bg["previewService"] == "api-preview"
    assert bg["autoPromotionEnabled"] is False, "prod: a person promotes"
    assert bg["prePromotionAnalysis"]["templates"][0]["templateName"] == "api-pre-promotion"
    assert bg["postPromotionAnalysis"]["templates"][0]["templateName"] == "api-analysis"
    assert bg["scaleDownDelaySeconds"] > 15 * 60, "the old version stays until the post-promotion analysis is done"
    services = {o["metadata"]["name"]: o for k, o in obj.items() if k.startswith("Service")}
    assert sorted(services) == ["api", "api-preview"]
    assert services["api-preview"]["spec"]["selector"] == {"app.kubernetes.io/name": "api"}, (
        "Argo Rollouts adds the preview ReplicaSet's hash to it"
    )
    templates = {
        o["metadata"]["name"]: o["spec"]["metrics"][0] for k, o in obj.items() if k.startswith("AnalysisTemplate")
    }
    assert templates["api-pre-promotion"]["count"] == 1 and templates["api-analysis"]["count"] == 15


def test_a_gpu_model_canary_serves_the_candidate_on_gpu_nodes_and_shifts_its_share():
    from tests.deployment.helpers import BASE_STACK

    bucket = f"s3://plinth-dev-acme-data-{BASE_STACK['aws']['accountId']}/"
    doc = deployment_stack(model_service(bucket))
    obj = objects(deployment_resources(run_platform(doc), "acme", "whisper"))
    rollout = obj["Rollout"]
    assert rollout["spec"]["strategy"]["canary"]["steps"] == [{"setWeight": 50}, {"pause": {"duration": "30m"}}]
    pod = _pod(rollout)
    container = pod["containers"][0]
    assert (
        container["resources"]["requests"]["nvidia.com/gpu"]
        == container["resources"]["limits"]["nvidia.com/gpu"]
        == "1"
    )
    assert pod["nodeSelector"] == {"nvidia.com/gpu.product": "NVIDIA-L4"}
    assert pod["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["MODEL_VERSION"] == "v2" and env["MODEL_URI"] == f"{bucket}models/whisper/v2/"
    startup = container["startupProbe"]
    assert startup["httpGet"] == container["readinessProbe"]["httpGet"], "ready once the model is loaded"
    assert startup["failureThreshold"] * startup["periodSeconds"] >= 900, "the model may take its load timeout"
    assert rollout["spec"]["progressDeadlineSeconds"] > 900


@pytest.mark.parametrize("strategy", ["rolling", "canary"])
def test_keda_scales_the_workload_itself(strategy):
    keda = {"keda": {"minReplicas": 2, "maxReplicas": 5, "query": "sum(rate(jobs_total[1m]))", "threshold": 50}}
    spec = canary(autoscaling=keda) if strategy == "canary" else service(autoscaling=keda)
    spec.pop("replicas", None)
    obj = objects(deployment_resources(run_platform(deployment_stack(spec)), "acme", "api"))
    scaled = obj["ScaledObject"]
    assert "HorizontalPodAutoscaler" not in obj, "never two autoscalers on one workload"
    kind = "Rollout" if strategy == "canary" else "Deployment"
    assert scaled["spec"]["scaleTargetRef"]["kind"] == kind
    trigger = scaled["spec"]["triggers"][0]
    assert trigger["type"] == "prometheus" and trigger["metadata"]["threshold"] == "50"
