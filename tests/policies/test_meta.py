"""policies/meta.py: pure metadata, discovery, naming, pack membership and the catalogue join - no policy SDK."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

from policies import frameworks, meta

ROOT = Path(__file__).resolve().parents[2]
POLICIES = meta.all_policies()


def test_meta_and_every_policy_and_pack_module_import_without_the_policy_sdk():
    # A fresh interpreter: what the runtime audit and the compliance report will do.
    code = """
import json, sys
from policies import meta
policies = meta.all_policies()
packs = {pack: [p.name for p in meta.pack_policies(pack)] for pack in meta.PACKS}
described = [meta.describe(pack) for pack in meta.PACKS]
controls = meta.controls()
print(json.dumps({"policies": len(policies), "packs": packs,
                  "sdk": sorted(m for m in sys.modules if m == "pulumi_policy" or m.startswith("pulumi_policy."))}))
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["sdk"] == [], f"importing policy metadata loaded the policy SDK: {result['sdk']}"
    assert result["policies"] == len(POLICIES) and sum(len(v) for v in result["packs"].values()) == len(POLICIES)


def test_module_name_is_the_policy_name():
    # <cloud>-<rest> lives in policies/<cloud>/<rest with underscores>.py: directory = first word of the name.
    for policy in POLICIES:
        assert policy.check.__module__ == policy.module, f"{policy.name} is defined in {policy.check.__module__}"
    for directory in meta.POLICY_DIRS:
        package = ROOT / "policies" / directory
        for info in pkgutil.iter_modules([str(package)]):
            if info.name.startswith("_"):
                continue
            module = __import__(f"policies.{directory}.{info.name}", fromlist=["POLICY"])
            assert hasattr(module, "POLICY"), f"policies/{directory}/{info.name}.py defines no POLICY"
            assert module.POLICY.module == module.__name__, (
                f"policies/{directory}/{info.name}.py defines {module.POLICY.name}; "
                f"module name = policy name: {meta.module_name(module.POLICY.name)}"
            )


def test_module_name_mapping():
    assert meta.module_name("aws-s3-bucket-public-acl-forbidden") == "policies.aws.s3_bucket_public_acl_forbidden"
    assert meta.module_name("stack-cost-budget-limited") == "policies.stack.cost_budget_limited"
    assert not [p.name for p in POLICIES if p.module.startswith("policies.stack.") and not p.name.startswith("stack-")]


def test_policy_lookup_and_packs():
    ebs = meta.policy("aws-ebs-volume-encryption-required")
    assert ebs.kind == "resource" and ebs.types == ("aws:ebs/volume:Volume",)
    assert meta.pack_of(ebs.name) == "security"
    assert meta.pack_of("stack-cost-budget-limited") == "cost"
    with pytest.raises(KeyError, match="no policy named 'aws-nothing-here-forbidden'"):
        meta.policy("aws-nothing-here-forbidden")
    with pytest.raises(KeyError, match="unknown pack"):
        meta.pack_policies("finance")


def test_config_defaults_are_what_a_check_runs_with():
    backup = meta.policy("aws-rds-instance-backup-retained")
    assert backup.defaults() == {"minimumDays": 7, "hipaaMinimumDays": 30}
    assert backup.configured({"minimumDays": 14}) == {"minimumDays": 14, "hipaaMinimumDays": 30}
    assert meta.policy("aws-ebs-volume-encryption-required").configured() == {}


def test_the_catalogue_join():
    cited = meta.by_control("cis:k8s-5.2.2")
    assert [p.name for p in cited] == ["kubernetes-pod-privileged-forbidden"]
    soc2 = meta.by_framework("soc2")
    assert soc2 and all(any(ref.startswith("soc2:") for ref in p.frameworks) for p in soc2)
    assert "stack-cost-budget-limited" not in {p.name for p in soc2}
    with pytest.raises(KeyError, match="unknown control"):
        meta.by_control("soc2:CC99.9")
    with pytest.raises(KeyError, match="unknown framework"):
        meta.by_framework("iso")
    every = meta.controls()
    assert len(every) == sum(len(v) for v in frameworks.CATALOGUE.values()), "every catalogue control, cited or not"
    by_ref = {c.ref: c for c in every}
    assert by_ref["cis:k8s-5.2.2"].title == frameworks.control("cis:k8s-5.2.2")
    assert by_ref["cis:k8s-5.2.2"].policies == ("kubernetes-pod-privileged-forbidden",)
    assert all(c.framework == "hipaa" for c in meta.controls("hipaa"))
    ebs = meta.policy("aws-ebs-volume-encryption-required")
    assert [c.ref for c in ebs.controls()] == list(ebs.frameworks) and all(c.title for c in ebs.controls())


def test_reads_type():
    assert meta.reads_type((), "aws:s3/bucket:Bucket"), "empty reads everything"
    assert meta.reads_type(("aws:",), "aws:s3/bucket:Bucket")
    assert not meta.reads_type(("aws:",), "gcp:storage/bucket:Bucket")
    assert meta.reads_type(("aws:s3/bucket:Bucket",), "aws:s3/bucket:Bucket")
    assert not meta.reads_type(("aws:s3/bucket:Bucket",), "aws:s3/bucketV2:BucketV2")
    from policies import base

    assert base.reads_type is meta.reads_type, "the gate's import keeps working"


def test_registry_alias_keeps_the_gates_shape():
    from policies import registry

    entries = registry.all_policies()
    assert [e.name for e in entries] == [p.name for p in POLICIES]
    assert all(e.meta.types == p.types for e, p in zip(entries, POLICIES))


def test_describe_matches_interfaces_section_1():
    doc = meta.describe("compliance")
    assert doc["pack"] == "plinth-compliance" and doc["version"] == meta.pack_version("compliance") == "0.3.0"
    assert set(doc["policies"]) == {p.name for p in meta.pack_policies("compliance")}
    tenant = doc["policies"]["stack-tenant-namespace-isolated"]
    assert tenant == {
        "kind": "stack",
        "types": [
            "kubernetes:core/v1:Namespace",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy",
            "kubernetes:core/v1:ResourceQuota",
        ],
        "severity": "critical",
        "frameworks": list(meta.policy("stack-tenant-namespace-isolated").frameworks),
        "neverWaive": True,
    }
    assert doc["policies"]["stack-gdpr-data-resident"]["types"] == ["aws:", "gcp:", "azure-native:"], "package prefixes"
    json.dumps(doc)  # plain JSON


def test_checks_run_without_the_sdk_on_plain_resources():
    ebs = meta.policy("aws-ebs-volume-encryption-required")
    volume = meta.Resource("aws:ebs/volume:Volume", {"size": 10.0, "encrypted": False}, "data")
    bucket = meta.Resource("aws:s3/bucket:Bucket", {"bucket": "b"}, "b")
    assert meta.evaluate(ebs, [volume, bucket]) == [("The EBS volume is not encrypted.", volume)], "type filter applies"
    stateful = meta.policy("stack-stateful-resource-protected")
    kept = meta.Resource("aws:s3/bucket:Bucket", {"bucket": "k"}, "k", opts=meta.ResourceOptions(protect=True))
    found = meta.evaluate(stateful, [bucket, kept, volume])
    assert [r.name for _, r in found] == ["b", "data"]
    backup = meta.policy("aws-rds-instance-backup-retained")
    db = meta.Resource("aws:rds/instance:Instance", {"backupRetentionPeriod": 10.0}, "db")
    assert meta.evaluate(backup, [db]) == [], "the default floor (7 days) applies"
    assert meta.evaluate(backup, [db], {"minimumDays": 14}), "overrides apply"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"name": "s3-bucket-open"}, "<cloud>-<service>-<resource>-<verb>"),
        ({"severity": "urgent"}, "severity"),
        ({"enforcement": "blocking"}, "enforcement"),
        ({"never_waive": True}, "never-waive control must be mandatory"),
        ({"types": []}, "names the types"),
        ({"config": {"suppressions": {"type": "array"}}}, "'suppressions' is every policy's own config key"),
    ],
)
def test_a_policy_with_bad_metadata_is_refused_at_import(changes, problem):
    args = dict(
        name="aws-test-thing-forbidden",
        description="Things are not done.",
        types=["aws:ebs/volume:Volume"],
        check=lambda props, config: (),
        severity="low",
        frameworks=[],
        remediation="Do not.",
    )
    with pytest.raises(ValueError, match=problem):
        meta.resource_policy(**{**args, **changes})
    with pytest.raises(KeyError, match="unknown control"):
        meta.resource_policy(**{**args, "frameworks": ["soc2:CC99.9"]})
