"""The three real packs, spawned as the engine spawns them and driven over gRPC by the gate."""

from __future__ import annotations

import json

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
    assert {p["version"] for p in dev_report.packs} == {"0.3.0"}, (
        "the version PulumiPolicy.yaml declares, as the CLI reports it"
    )
    assert sum(p["policies"] for p in dev_report.packs) == len(list(all_policies()))


#: The dev stack's cluster is EKS: initech's pods reach their Azure storage account over its public endpoint,
#: restricted by the account's firewall to the cluster's NAT addresses (plinth:azure.allowedIpRanges). CIS Azure
#: 3.7 asks for private endpoints only, which a cluster outside Azure cannot use without a VPN: the one advisory
#: finding the dev stack has by design. Without allowed networks Plinth disables the public endpoint.
BY_DESIGN = {("azure-storage-account-publicnetwork-disabled", "initech-storage")}


def test_dev_stack_has_no_finding_beyond_its_documented_trade_off(dev_report):
    found = {(f.policy, f.urn.rsplit("::", 1)[-1]) for f in dev_report.of("violation")}
    assert found == BY_DESIGN, [f"{f.policy}: {f.message}" for f in dev_report.of("violation")]


def test_dev_stack_values_unknown_at_preview_are_listed_not_passed(dev_report):
    unknown = {(f.policy, f.urn.rsplit("::", 1)[-1]) for f in dev_report.of("unknown")}
    # acme's workload policy names the KMS key ARN, which exists only after apply.
    assert ("aws-iam-policy-wildcard-forbidden", "acme-workload-policy") in unknown


def misconfigured_program():
    """A stack someone wrote by hand, with the classic mistakes."""
    bucket = aws.s3.Bucket(
        "reports", bucket="acme-reports", acl="public-read", tags={"managed-by": "plinth", "environment": "dev"}
    )
    aws.s3.BucketPublicAccessBlock(
        "reports-pab",
        bucket="acme-reports",
        block_public_acls=False,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )
    aws.ec2.SecurityGroup(
        "ssh", ingress=[{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}]
    )
    aws.iam.RolePolicyAttachment("admin", role="ci", policy_arn="arn:aws:iam::aws:policy/AdministratorAccess")
    k8s.apps.v1.Deployment(
        "agent",
        metadata={"name": "agent", "namespace": "ops"},
        spec={
            "selector": {"matchLabels": {"app": "agent"}},
            "template": {
                "metadata": {"labels": {"app": "agent"}},
                "spec": {
                    "hostNetwork": True,
                    "containers": [{"name": "agent", "image": "agent:latest", "securityContext": {"privileged": True}}],
                },
            },
        },
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
    resources = [
        {"urn": "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod", "type": "pulumi:pulumi:Stack", "custom": False}
    ]
    expected = {}
    for name, (type_, good, mutations, _) in sorted(CASES.items()):
        path, value = mutations[0]
        res_name = f"r-{name}"
        urn = f"urn:pulumi:prod::shop::{type_}::{res_name}"
        props = mutate(good, path, value)
        resources.append(
            {
                "urn": urn,
                "type": type_,
                "custom": True,
                "id": res_name,
                "inputs": props,
                "outputs": props,
                "protect": True,
            }
        )
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
    builders = {
        p.relative_to(project_root).as_posix()
        for p in (project_root / "policies").rglob("*.py")
        if "PolicyPack(" in p.read_text()
    }
    assert (
        builders == {"policies/sdk.py"} and (project_root / "policies" / "sdk.py").read_text().count("PolicyPack(") == 1
    )


def _start_pack(pack_dir, env):
    import subprocess
    import sys

    # As the CLI's analyzer plugin runs a Python pack: `python -m pulumi.policy <engine> <pack dir>`, in the pack dir.
    return subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(pack_dir)],
        cwd=pack_dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("pack", ["security", "compliance", "cost"])
def test_the_real_entry_point_describes_itself_then_serves(project_root, pack, tmp_path):
    import os
    import select

    import grpc
    from google.protobuf import empty_pb2
    from pulumi.runtime.proto import analyzer_pb2_grpc

    from policies import meta, sdk

    target = tmp_path / "describe.json"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", sdk.DESCRIBE_ENV)}
    env[sdk.DESCRIBE_ENV] = str(target)
    process = _start_pack(project_root / "policies" / pack, env)
    try:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        assert ready, "the pack printed no port within 60 s"
        port = process.stdout.readline().strip()
        assert port.isdigit(), (port, process.stderr.read() if process.poll() is not None else "")
        assert json.loads(target.read_text()) == meta.describe(pack), "written before the port line"
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            info = analyzer_pb2_grpc.AnalyzerStub(channel).GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
        assert info.name == f"plinth-{pack}"
        assert [p.name for p in info.policies] == [p.name for p in meta.pack_policies(pack)]
    finally:
        process.kill()
        process.wait(timeout=30)
        process.stdout.close()
        process.stderr.close()


def test_every_policy_is_in_exactly_one_pack_and_packs_list_them_explicitly(project_root):
    from policies import meta

    listed = {pack: [p.name for p in meta.pack_policies(pack)] for pack in meta.PACKS}
    names = [name for pack in listed.values() for name in pack]
    assert len(names) == len(set(names)), "a policy listed twice"
    assert sorted(names) == [p.name for p in meta.all_policies()], "a policy module that no pack lists"
    for pack in meta.PACKS:
        text = (project_root / "policies" / pack / "pack.py").read_text()
        for policy in meta.pack_policies(pack):
            directory, _, module = policy.module.rpartition(".")
            assert f"from {directory} import" in text and f"    {module},\n" in text, f"{pack}/pack.py names {module}"


def test_one_malformed_resource_leaves_the_rest_of_the_report_standing():
    # Issue 8 item 11, pack side: a Deployment whose pod spec is a list (the SDK's typed class refuses it,
    # a hand-edited or foreign preview JSON does not) yields "[not checked]" findings for that resource,
    # and the other resources' findings are still reported.
    def program():
        aws.ebs.Volume(
            "plain",
            availability_zone="eu-west-1a",
            size=10,
            encrypted=False,
            tags={"managed-by": "plinth", "environment": "dev"},
        )
        k8s.apps.v1.Deployment(
            "broken",
            metadata={"name": "broken", "namespace": "ops"},
            spec={
                "selector": {"matchLabels": {"app": "b"}},
                "template": {"metadata": {"labels": {"app": "b"}}, "spec": {"containers": []}},
            },
        )

    plan = engine.run(program, stack="dev", preview=True).to_json()
    for step in plan["steps"]:
        if step["urn"].endswith("::broken"):
            step["newState"]["inputs"]["spec"]["template"]["spec"] = [{"name": "b"}]
    report = gate.run_gate(plan, list(gate.DEFAULT_PACKS), stack="dev")
    broken = [f for f in report.findings if f.urn.endswith("::broken")]
    assert broken and all(
        f.status == "error" and f.message.startswith("TypeError: spec.template.spec is a list") for f in broken
    ), [(f.status, f.message) for f in broken]
    assert {f.policy for f in broken} >= {"kubernetes-pod-privileged-forbidden", "kubernetes-pod-runasnonroot-required"}
    assert ("aws-ebs-volume-encryption-required", "plain") in {
        (f.policy, f.urn.rsplit("::", 1)[-1]) for f in report.mandatory
    }
