"""Stack policies: passing, failing and unknown-at-preview cases, as AnalyzeStack sends them."""

from __future__ import annotations

from policies.meta import all_policies
from tests.policies.harness import UNKNOWN, analyze_stack

P = {p.name: p for p in all_policies()}

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


def test_tenant_isolation():
    policy = P["stack-tenant-namespace-isolated"]
    assert analyze_stack(policy, [NS, DENY, QUOTA]).passed
    allow_all = {
        **DENY,
        "props": {**DENY["props"], "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"], "ingress": [{}]}},
    }
    out = analyze_stack(policy, [NS, allow_all])
    assert any("no default-deny NetworkPolicy" in v for v in out.violations) and any(
        "no ResourceQuota" in v for v in out.violations
    )
    unknown = {**DENY, "props": {**DENY["props"], "spec": {"podSelector": {}, "policyTypes": UNKNOWN}}}
    assert analyze_stack(policy, [NS, unknown, QUOTA]).unknown


def test_stateful_resources_are_protected_unless_deletion_is_allowed():
    policy = P["stack-stateful-resource-protected"]
    bucket = {"type": "aws:s3/bucket:Bucket", "props": {"bucket": "b", "tags": {"tenant": "a"}}}
    assert analyze_stack(policy, [{**bucket, "protect": True}]).passed
    assert analyze_stack(policy, [bucket]).violations
    assert analyze_stack(policy, [{**bucket, "props": {"tags": {"data-deletion": "delete"}}}]).passed
    assert analyze_stack(policy, [{**bucket, "props": {"tags": UNKNOWN}}]).unknown


def test_gdpr_residency():
    policy = P["stack-gdpr-data-resident"]
    bucket = {"type": "aws:s3/bucket:Bucket", "props": {"bucket": "b", "tags": {"compliance": "gdpr.soc2"}}}
    assert analyze_stack(policy, [{**bucket, "provider": {"region": "eu-west-1"}}]).passed
    out = analyze_stack(policy, [{**bucket, "provider": {"region": "us-east-1"}}])
    assert (
        out.violations == ["b belongs to a GDPR tenant but lives in us-east-1, outside the EU."]
        or "us-east-1" in out.violations[0]
    )
    gcs = {"type": "gcp:storage/bucket:Bucket", "props": {"location": "US", "labels": {"compliance": "gdpr"}}}
    assert analyze_stack(policy, [gcs]).violations
    assert analyze_stack(
        policy, [{**gcs, "props": {"location": "EUROPE-WEST4", "labels": {"compliance": "gdpr"}}}]
    ).passed
    assert analyze_stack(policy, [{**gcs, "props": {"location": UNKNOWN, "labels": {"compliance": "gdpr"}}}]).unknown
    azure = {
        "type": "azure-native:storage:StorageAccount",
        "props": {"location": "eastus", "tags": {"compliance": "gdpr"}},
    }
    assert analyze_stack(policy, [azure]).violations


def test_hipaa_buckets_log_and_vaults_lock():
    logging = P["aws-s3-bucket-logging-enabled"]
    bucket = {"type": "aws:s3/bucket:Bucket", "props": {"bucket": "phi", "tags": {"compliance": "hipaa"}}}
    logs = {"type": "aws:s3/bucketLogging:BucketLogging", "props": {"bucket": "phi", "targetBucket": "logs"}}
    assert analyze_stack(logging, [bucket, logs]).passed
    assert analyze_stack(logging, [bucket]).violations
    assert analyze_stack(logging, [{**bucket, "props": {"bucket": "phi", "tags": UNKNOWN}}]).unknown
    lock = P["aws-backup-vault-locked-hipaa"]
    vault = {"type": "aws:backup/vault:Vault", "props": {"name": "v", "tags": {"compliance": "hipaa"}}}
    locked = {
        "type": "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
        "props": {"backupVaultName": "v", "minRetentionDays": 2190.0},
    }
    assert analyze_stack(lock, [vault, locked]).passed
    assert analyze_stack(lock, [vault]).violations
    assert analyze_stack(lock, [vault, {**locked, "props": {"backupVaultName": UNKNOWN}}]).unknown


def test_monthly_budget():
    policy = P["stack-cost-budget-limited"]
    small = {"type": "aws:ec2/instance:Instance", "props": {"instanceType": "m6i.large"}}
    assert analyze_stack(policy, [small]).passed
    big = [
        {"type": "aws:ec2/instance:Instance", "name": f"gpu{i}", "props": {"instanceType": "p5.48xlarge"}}
        for i in range(3)
    ]
    out = analyze_stack(policy, big)
    assert out.violations and "exceeds the budget of $20,000" in out.violations[0]
    assert analyze_stack(policy, big, config={"monthlyBudgetUsd": 1_000_000}).passed
    assert (
        "not in the price table"
        in analyze_stack(
            policy, [{"type": "aws:ec2/instance:Instance", "props": {"instanceType": "x9.huge"}}]
        ).violations[0]
    )
    assert analyze_stack(policy, [{"type": "aws:ec2/instance:Instance", "props": {"instanceType": UNKNOWN}}]).unknown


def test_decoding_is_shared_within_a_call_and_never_across_calls():
    # Two different buckets analysed in separate calls must not see each other's props.
    from policies import analyzer_cache
    from tests.policies.harness import analyze

    assert analyzer_cache.install()
    policy = P["stack-resource-tags-required"]
    good = {"bucket": "a", "tags": {"managed-by": "plinth", "environment": "dev"}}
    bad = {"bucket": "b", "tags": {"managed-by": "plinth"}}
    assert analyze(policy, "aws:s3/bucket:Bucket", good).passed
    assert analyze(policy, "aws:s3/bucket:Bucket", bad).violations
    assert analyze(policy, "aws:s3/bucket:Bucket", good).passed
    # Within one AnalyzeStack call, identical props of different resources decode once and stay correct.
    stack = P["stack-stateful-resource-protected"]
    same = {"type": "aws:s3/bucket:Bucket", "props": {"bucket": "x"}}
    out = analyze_stack(stack, [{**same, "name": "one", "protect": True}, {**same, "name": "two"}])
    assert len(out.violations) == 1 and "two" in out.violations[0]


def test_stack_policies_only_see_what_they_declare():
    # The budget policy reads compute, volumes and databases; a bucket never reaches its check.
    policy = P["stack-cost-budget-limited"]
    assert "aws:s3/bucket:Bucket" not in policy.types
    out = analyze_stack(policy, [{"type": "aws:s3/bucket:Bucket", "props": {"instanceType": "x9.huge"}}])
    assert out.passed
