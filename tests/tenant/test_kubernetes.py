"""Kubernetes isolation: every object validates strictly; namespaces are locked down by default."""

from __future__ import annotations

import kubernetes_validate
import pytest

from components import conventions
from components.stackfiles import load_stack_file
from tests.tenant.helpers import kubernetes_objects, of_kind, only, run_platform, stack, tenant, tenant_resources

DEV_TENANTS = ["acme", "globex", "initech", "hooli"]


def _versions(project_root) -> list[str]:
    cluster = load_stack_file(project_root / "stacks" / "Pulumi.dev.yaml").config.kubernetes.version
    return sorted({f"{cluster}.0", kubernetes_validate.latest_version()})


@pytest.mark.parametrize("tenant_id", DEV_TENANTS)
def test_every_object_passes_strict_validation(dev_plan, project_root, tenant_id):
    objects = kubernetes_objects(tenant_resources(dev_plan, tenant_id))
    assert len(objects) >= 10
    for version in _versions(project_root):
        for obj in objects:
            # Strict mode rejects unknown fields as well as wrong types and missing required fields.
            kubernetes_validate.validate(obj, version, strict=True)


def test_strict_validation_catches_a_broken_object():
    """Guard for the test above: the validator really rejects a malformed NetworkPolicy."""
    bad = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "x"},
        "spec": {"podSelektor": {}},
    }
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, kubernetes_validate.latest_version(), strict=True)


def test_namespace_enforces_restricted_pod_security_and_carries_tenant_labels(dev_plan):
    ns = only(tenant_resources(dev_plan, "acme"), "kubernetes:core/v1:Namespace").inputs
    assert ns["metadata"]["name"] == "tenant-acme"
    labels = ns["metadata"]["labels"]
    for mode in ("enforce", "audit", "warn"):
        assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"
    assert labels[conventions.LABEL_TENANT] == "acme"
    assert labels[conventions.LABEL_TIER] == "premium"
    assert labels[conventions.LABEL_COMPLIANCE] == "gdpr.soc2"


@pytest.mark.parametrize(
    ("tenant_id", "cpu", "gpus", "pods"),
    [
        ("acme", "32", "2", "300"),
        ("globex", "128", "4", "1000"),
        ("initech", "8", "0", "100"),
        ("hooli", "2", "0", "20"),
    ],
)
def test_quota_follows_the_tier_with_overrides(dev_plan, tenant_id, cpu, gpus, pods):
    hard = only(tenant_resources(dev_plan, tenant_id), "kubernetes:core/v1:ResourceQuota").inputs["spec"]["hard"]
    assert hard["limits.cpu"] == cpu and hard["requests.nvidia.com/gpu"] == gpus and hard["pods"] == pods
    assert hard["services.loadbalancers"] == "0", "tenants must not open load balancers on their own"


def _policies(resources):
    return {
        r.inputs["metadata"]["name"]: r.inputs["spec"]
        for r in of_kind(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy")
    }


def test_network_policies_deny_by_default_and_allow_only_the_needed_flows(dev_plan):
    policies = _policies(tenant_resources(dev_plan, "acme"))
    deny = policies["default-deny"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    assert policies["allow-same-namespace"]["ingress"] == [{"from": [{"podSelector": {}}]}]
    dns = policies["allow-dns"]["egress"][0]
    assert {(p["protocol"], p["port"]) for p in dns["ports"]} == {("UDP", 53), ("TCP", 53)}
    assert dns["to"][0]["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "kube-system"}
    monitoring = policies["allow-monitoring"]["ingress"][0]["from"][0]
    assert (
        monitoring["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        == conventions.MONITORING_NAMESPACE
    )
    ingress = policies["allow-ingress-controller"]["ingress"][0]["from"][0]
    assert ingress["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] == conventions.INGRESS_NAMESPACE
    egress = policies["allow-egress"]["egress"]
    assert egress == [{"to": [{"ipBlock": {"cidr": "52.95.0.0/16"}}], "ports": [{"protocol": "TCP", "port": 443}]}]
    # Nothing opens the namespace to the world: no empty rule, no 0.0.0.0/0.
    for name, spec in policies.items():
        for rule in spec.get("ingress", []) + spec.get("egress", []):
            assert rule.get("from", rule.get("to")), f"{name} has a rule without peers (allows everything)"
            for peer in rule.get("from", rule.get("to")):
                assert peer.get("ipBlock", {}).get("cidr") not in ("0.0.0.0/0", "::/0"), name


def test_tenant_without_egress_rules_gets_no_egress_policy(dev_plan):
    assert "allow-egress" not in _policies(tenant_resources(dev_plan, "initech"))


def test_rbac_is_namespaced_and_bound_to_the_owner_groups(dev_plan):
    resources = tenant_resources(dev_plan, "acme")
    assert not [r for r in resources if "ClusterRole" in r.type], "tenant RBAC must never be cluster-wide"
    bindings = {
        r.inputs["metadata"]["name"]: r.inputs
        for r in of_kind(resources, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")
    }
    assert [s["name"] for s in bindings["tenant-admin"]["subjects"]] == ["acme-admins"]
    assert [s["name"] for s in bindings["tenant-viewer"]["subjects"]] == ["acme-support"]
    for binding in bindings.values():
        assert binding["metadata"]["namespace"] == "tenant-acme" and binding["roleRef"]["kind"] == "Role"
    roles = {
        r.inputs["metadata"]["name"]: r.inputs["rules"]
        for r in of_kind(resources, "kubernetes:rbac.authorization.k8s.io/v1:Role")
    }
    viewer_resources = {res for rule in roles["tenant-viewer"] for res in rule["resources"]}
    assert "secrets" not in viewer_resources, "viewers must not read secrets"
    admin_writes = {res for rule in roles["tenant-admin"] if "update" in rule["verbs"] for res in rule["resources"]}
    assert not admin_writes & {"resourcequotas", "limitranges", "networkpolicies", "roles", "rolebindings"}


def test_tenant_without_viewers_gets_no_viewer_role(dev_plan):
    names = [
        r.inputs["metadata"]["name"]
        for r in of_kind(tenant_resources(dev_plan, "globex"), "kubernetes:rbac.authorization.k8s.io/v1:Role")
    ]
    assert names == ["tenant-admin"]


@pytest.mark.parametrize(
    ("tenant_id", "annotation"),
    [
        ("acme", "eks.amazonaws.com/role-arn"),
        ("globex", None),
        ("initech", "azure.workload.identity/client-id"),
        ("hooli", None),
    ],
)
def test_workload_service_account_has_no_token_automount_and_the_cloud_identity(dev_plan, tenant_id, annotation):
    # globex (GCP from an EKS cluster) uses Workload Identity Federation: a credential file, no annotation.
    sa = only(tenant_resources(dev_plan, tenant_id), "kubernetes:core/v1:ServiceAccount").inputs
    assert sa["automountServiceAccountToken"] is False
    assert sa["metadata"]["name"] == "workload"
    assert list(sa["metadata"].get("annotations", {})) == ([annotation] if annotation else [])


def test_stack_without_a_cluster_creates_no_kubernetes_objects():
    plan = run_platform(stack(tenant(cloud="aws"), kubernetes=None))
    resources = tenant_resources(plan, "acme")
    assert not kubernetes_objects(resources)
    assert not of_kind(resources, "aws:iam/role:Role"), "no cluster, no workload identity to trust"
    assert of_kind(resources, "aws:s3/bucket:Bucket")
