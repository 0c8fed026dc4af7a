"""Edge cases of single policies beyond one mutation, and type tokens checked against the installed SDKs."""

from __future__ import annotations

import importlib.util
import keyword
from pathlib import Path

import pytest

from policies.kubernetes import autoscaler_minreplicas_production
from policies.kubernetes._workloads import CUSTOM_WORKLOAD_TYPES
from policies.meta import all_policies
from policies.stack import stateful_resource_protected
from tests.policies.harness import analyze, analyze_stack

P = {p.name: p for p in all_policies()}
#: Custom resources Plinth's policies understand that no provider SDK ships (Argo Rollouts, KubeRay, Kubeflow, Velero,
#: KEDA).
CRD_TYPES = set(CUSTOM_WORKLOAD_TYPES) | {
    "kubernetes:velero.io/v1:Schedule",
    autoscaler_minreplicas_production.SCALED_OBJECT,
}


def _sdk_dir(token: str) -> Path:
    package, module, _ = token.split(":")
    if package == "kubernetes":
        group, version = module.split("/")
        root = Path(importlib.util.find_spec("pulumi_kubernetes").origin).parent
        return root / group.split(".")[0] / version
    name = {"aws": "pulumi_aws", "gcp": "pulumi_gcp", "azure-native": "pulumi_azure_native"}[package]
    root = Path(importlib.util.find_spec(name).origin).parent
    directory = module.split("/")[0]
    # A module named after a Python keyword gets a trailing underscore (aws:lambda/... lives in lambda_).
    return root / (f"{directory}_" if keyword.iskeyword(directory) else directory)


# Package prefixes ("aws:") that stack policies read are not type tokens.
TOKENS = sorted(
    {t for p in all_policies() for t in p.types if not t.endswith(":")} | stateful_resource_protected.STATEFUL
)


@pytest.mark.parametrize("token", TOKENS)
def test_type_tokens_exist_in_the_installed_provider_sdks(token):
    if token in CRD_TYPES:
        pytest.skip("custom resource")
    directory = _sdk_dir(token)
    assert directory.is_dir(), f"{token}: no SDK module {directory.name}"
    assert any(f"'{token}'" in f.read_text() for f in directory.glob("*.py")), (
        f"{token} is not a resource type of the installed SDK"
    )


SG = "aws:ec2/securityGroup:SecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"


def test_security_group_rules_of_every_shape():
    policy = P["aws-ec2-securitygroup-admin-ports-restricted"]
    world_ssh = {
        "type": "ingress",
        "protocol": "tcp",
        "fromPort": 22.0,
        "toPort": 22.0,
        "cidrBlocks": ["0.0.0.0/0"],
        "securityGroupId": "sg",
    }
    assert analyze(policy, SG_RULE, world_ssh).violations
    assert analyze(
        policy, SG_RULE, {**world_ssh, "type": "egress", "protocol": "-1", "fromPort": 0.0, "toPort": 0.0}
    ).passed
    assert analyze(
        policy, SG, {"ingress": [{"protocol": "icmp", "fromPort": -1.0, "toPort": -1.0, "cidrBlocks": ["0.0.0.0/0"]}]}
    ).passed
    assert analyze(
        policy, SG, {"egress": [{"protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "cidrBlocks": ["0.0.0.0/0"]}]}
    ).passed
    rule = {
        "securityGroupId": "sg",
        "ipProtocol": "tcp",
        "fromPort": 5432.0,
        "toPort": 5432.0,
        "cidrIpv4": "10.0.0.0/16",
    }
    assert analyze(policy, INGRESS_RULE, rule).passed
    assert "5432" in analyze(policy, INGRESS_RULE, {**rule, "cidrIpv4": "0.0.0.0/0"}).violations[0]
    everything = analyze(policy, INGRESS_RULE, {"securityGroupId": "sg", "ipProtocol": "-1", "cidrIpv6": "::/0"})
    assert everything.violations and "3389" in everything.violations[0]


def test_nsg_standalone_rule_and_service_tag():
    policy = P["azure-network-nsg-admin-ports-restricted"]
    rule = {
        "direction": "Inbound",
        "access": "Allow",
        "protocol": "Tcp",
        "sourceAddressPrefix": "Internet",
        "destinationPortRanges": ["3380-3390"],
        "priority": 100.0,
    }
    assert analyze(policy, "azure-native:network:SecurityRule", rule).violations
    assert analyze(policy, "azure-native:network:SecurityRule", {**rule, "access": "Deny"}).passed
    assert analyze(policy, "azure-native:network:SecurityRule", {**rule, "sourceAddressPrefix": "10.1.0.0/16"}).passed


def test_gpu_requests_count_when_limits_are_absent():
    policy = P["kubernetes-pod-gpu-limited"]
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"labels": {"plinth.dev/tier": "standard"}},
        "spec": {"containers": [{"name": "c", "image": "i:1", "resources": {"requests": {"nvidia.com/gpu": "1"}}}]},
    }
    assert "standard tier allows 0" in analyze(policy, "kubernetes:core/v1:Pod", pod).violations[0]
    pod["metadata"]["labels"]["plinth.dev/tier"] = "premium"
    assert analyze(policy, "kubernetes:core/v1:Pod", pod).passed


NS = {
    "type": "kubernetes:core/v1:Namespace",
    "props": {"metadata": {"name": "tenant-a", "labels": {"plinth.dev/tenant": "a"}}},
}
DENY = {
    "type": "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    "props": {
        "metadata": {"name": "default-deny", "namespace": "tenant-a"},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
    },
}
QUOTA = {
    "type": "kubernetes:core/v1:ResourceQuota",
    "props": {"metadata": {"name": "q", "namespace": "tenant-a"}, "spec": {"hard": {"pods": "10"}}},
}


def _netpol(name: str, spec: dict) -> dict:
    return {
        "type": DENY["type"],
        "name": name,
        "props": {"metadata": {"name": name, "namespace": "tenant-a"}, "spec": {"podSelector": {}, **spec}},
    }


def test_tenant_network_policies_that_allow_all_undo_the_default_deny():
    policy = P["stack-tenant-namespace-isolated"]
    same_ns = _netpol("same", {"policyTypes": ["Ingress"], "ingress": [{"from": [{"podSelector": {}}]}]})
    dns = _netpol(
        "dns",
        {
            "policyTypes": ["Egress"],
            "egress": [{"to": [{"namespaceSelector": {}}], "ports": [{"protocol": "UDP", "port": 53.0}]}],
        },
    )
    assert analyze_stack(policy, [NS, DENY, QUOTA, same_ns, dns]).passed
    for spec in (
        {"policyTypes": ["Ingress"], "ingress": [{}]},
        {"policyTypes": ["Egress"], "egress": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}]},
        {"policyTypes": ["Ingress"], "ingress": [{"from": [{"namespaceSelector": {}}]}]},
    ):
        out = analyze_stack(policy, [NS, DENY, QUOTA, _netpol("open", spec)])
        assert len(out.violations) == 1 and "allows all" in out.violations[0], spec
    # Not a tenant namespace: not this policy's business.
    other = {
        **_netpol("open", {"ingress": [{}]}),
        "props": {
            "metadata": {"name": "open", "namespace": "kube-system"},
            "spec": {"podSelector": {}, "ingress": [{}]},
        },
    }
    assert analyze_stack(policy, [NS, DENY, QUOTA, other]).passed


def test_tenant_isolation_cannot_be_suppressed():
    policy = P["stack-tenant-namespace-isolated"]
    waiver = {
        "resource": "tenant-a",
        "reason": "Migration window for legacy tenant",
        "owner": "platform",
        "expires": "2999-01-01",
    }
    out = analyze_stack(policy, [{**NS, "name": "tenant-a"}, DENY], config={"suppressions": [waiver]})
    assert out.violations and all("cannot be suppressed" in v for v in out.violations)


def test_required_tags_remediation_adds_only_managed_by():
    from tests.policies.harness import UNKNOWN, remediate

    policy = P["stack-resource-tags-required"]
    assert policy.enforcement == "advisory", "remediation is opt-in"
    assert remediate(policy, "aws:s3/bucket:Bucket", {"bucket": "b", "tags": {"environment": "dev"}}) is None, (
        "advisory: nothing changes"
    )
    on = {"enforcementLevel": "remediate"}
    fixed = remediate(policy, "aws:s3/bucket:Bucket", {"bucket": "b", "tags": {"environment": "dev"}}, config=on)
    assert fixed["tags"] == {"environment": "dev", "managed-by": "plinth"} and fixed["bucket"] == "b"
    gcs = remediate(policy, "gcp:storage/bucket:Bucket", {"name": "b", "location": "EU"}, config=on)
    assert gcs["labels"] == {"managed-by": "plinth"}
    assert remediate(policy, "aws:s3/bucket:Bucket", {"tags": {"managed-by": "plinth"}}, config=on) is None
    # What remediation cannot know is still reported (as mandatory, the SDK's rule at remediate level).
    out = analyze(
        policy,
        "aws:s3/bucket:Bucket",
        {"tags": {"managed-by": "plinth", "tenant": "acme", "environment": "dev"}},
        config={"enforcementLevel": "remediate"},
    )
    assert out.violations == ["Missing required tag(s): cost-center."] and out.levels == ["mandatory"]
    # A tag whose value is unknown at preview is present.
    assert analyze(policy, "aws:s3/bucket:Bucket", {"tags": {"managed-by": "plinth", "environment": UNKNOWN}}).passed


def test_gdpr_residency_reads_azure_display_names_and_aws_region_props():
    policy = P["stack-gdpr-data-resident"]
    azure = {
        "type": "azure-native:storage:StorageAccount",
        "props": {"location": "West Europe", "tags": {"compliance": "gdpr"}},
    }
    assert analyze_stack(policy, [azure]).passed
    bucket = {
        "type": "aws:s3/bucket:Bucket",
        "props": {"region": "eu-central-1", "tags": {"compliance": "soc2.gdpr"}},
        "provider": {"region": "us-east-1"},
    }
    assert analyze_stack(policy, [bucket]).passed
    gcs = {
        "type": "gcp:storage/bucket:Bucket",
        "props": {"location": "US-CENTRAL1", "labels": {"compliance": "gdpr_soc2"}},
    }
    out = analyze_stack(
        policy,
        [gcs],
        config={
            "suppressions": [
                {"resource": "*", "reason": "Trying to waive residency", "owner": "x", "expires": "2999-01-01"}
            ]
        },
    )
    assert out.violations and "cannot be suppressed" in out.violations[0]
