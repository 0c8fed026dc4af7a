"""The three real packs, spawned as the engine spawns them and driven over gRPC by the gate."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
import pytest

from policies.meta import all_policies
from scripts import cli, engine, gate
from tests.policies.cases import CASES
from tests.policies.harness import mutate

RESOURCE_POLICIES = {p.name for p in all_policies() if p.kind == "resource"}


@pytest.fixture(scope="module")
def dev_report(dev_plan):
    return gate.run_gate(dev_plan.to_json(), list(gate.DEFAULT_PACKS), stack="dev")


def test_dev_stack_passes_every_mandatory_policy(dev_report):
    assert dev_report.mandatory == [], [f"{f.policy}: {f.message}" for f in dev_report.mandatory]
    assert {p["name"] for p in dev_report.packs} == {"plinth-security", "plinth-compliance", "plinth-cost"}
    assert {p["version"] for p in dev_report.packs} == {"0.3.0"}, "the version PulumiPolicy.yaml declares, as the CLI reports it"
    assert sum(p["policies"] for p in dev_report.packs) == len(list(all_policies()))


def test_dev_stack_values_unknown_at_preview_are_listed_not_passed(dev_report):
    unknown = {(f.policy, f.urn.rsplit("::", 1)[-1]) for f in dev_report.of("unknown")}
    # acme's workload policy names the KMS key ARN, which exists only after apply.
    assert ("aws-iam-policy-wildcard-forbidden", "acme-workload-policy") in unknown


def misconfigured_program():
    """A stack someone wrote by hand, with the classic mistakes."""
    bucket = aws.s3.Bucket("reports", bucket="acme-reports", acl="public-read", tags={"managed-by": "plinth", "environment": "dev"})
    aws.s3.BucketPublicAccessBlock("reports-pab", bucket="acme-reports", block_public_acls=False, block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True)
    aws.ec2.SecurityGroup("ssh", ingress=[{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}])
    aws.iam.RolePolicyAttachment("admin", role="ci", policy_arn="arn:aws:iam::aws:policy/AdministratorAccess")
    k8s.apps.v1.Deployment(
        "agent",
        metadata={"name": "agent", "namespace": "ops"},
        spec={"selector": {"matchLabels": {"app": "agent"}}, "template": {"metadata": {"labels": {"app": "agent"}}, "spec": {"hostNetwork": True, "containers": [{"name": "agent", "image": "agent:latest", "securityContext": {"privileged": True}}]}}},
    )
    k8s.core.v1.Namespace("tenant-x", metadata={"name": "tenant-x", "labels": {"plinth.dev/tenant": "x"}})
    return bucket


def test_a_misconfigured_stack_fails_with_the_expected_violations():
    plan = engine.run(misconfigured_program, stack="dev", preview=True).to_json()
    report = gate.run_gate(plan, list(gate.DEFAULT_PACKS), stack="dev")
    mandatory = {(f.policy, f.urn.rsplit("::", 1)[-1] or "stack") for f in report.mandatory}
    expected = {
        ("aws-s3-bucket-public-acl-forbidden", "reports"),
        ("aws-s3-bucket-public-access-blocked", "reports-pab"),
        ("aws-ec2-securitygroup-admin-ports-restricted", "ssh"),
        ("aws-iam-role-admin-forbidden", "admin"),
        ("kubernetes-pod-privileged-forbidden", "agent"),
        ("kubernetes-pod-hostnamespaces-forbidden", "agent"),
        ("stack-stateful-resource-protected", "reports"),
        ("stack-tenant-namespace-isolated", "tenant-x"),
    }
    assert expected <= mandatory, expected - mandatory
    assert report.exit_code == 1
    advisory = {f.policy for f in report.of("violation") if f.enforcementLevel == "advisory"}
    assert "kubernetes-pod-image-pinned" in advisory


def test_a_stack_export_with_every_covered_misconfiguration_is_caught(tmp_path, capsys):
    resources = [{"urn": "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod", "type": "pulumi:pulumi:Stack", "custom": False}]
    expected = {}
    for name, (type_, good, mutations, _) in sorted(CASES.items()):
        path, value = mutations[0]
        res_name = f"r-{name}"
        urn = f"urn:pulumi:prod::shop::{type_}::{res_name}"
        props = mutate(good, path, value)
        resources.append({"urn": urn, "type": type_, "custom": True, "id": res_name, "inputs": props, "outputs": props, "protect": True})
        expected[name] = urn
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"version": 3, "deployment": {"manifest": {}, "resources": resources}}))
    code = cli.main(["policy", "--state", str(state), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    caught = {(v["policy"], v["urn"]) for v in report["violations"]}
    missed = sorted(name for name, urn in expected.items() if (name, urn) not in caught)
    assert missed == [], missed
    assert code == 1 and report["summary"]["mandatory"] > 0


@pytest.mark.parametrize("pack", ["security", "compliance", "cost"])
def test_pack_project_files_are_what_the_cli_reads(project_root, pack):
    import yaml

    doc = yaml.safe_load((project_root / "policies" / pack / "PulumiPolicy.yaml").read_text())
    assert doc["runtime"] == "python" and doc["description"].endswith(".") and doc["version"]
    main = (project_root / "policies" / pack / "__main__.py").read_text()
    # The entry point hands its pack to the adapter, which builds the PolicyPack: once, and nowhere else.
    assert f"from policies.{pack} import pack" in main and main.count("sdk.serve(pack)") == 1
    assert "sys.path.insert(0, str(Path(__file__).resolve().parents[2]))" in main, "the project root stays importable"
    builders = {p.relative_to(project_root).as_posix() for p in (project_root / "policies").rglob("*.py") if "PolicyPack(" in p.read_text()}
    assert builders == {"policies/sdk.py"} and (project_root / "policies" / "sdk.py").read_text().count("PolicyPack(") == 1
