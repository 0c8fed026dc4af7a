"""`plinth audit aws` against moto in server mode: every planted misconfiguration is found under the
pack's policy name, every good twin passes, and a call that is refused is "could not check"."""

from __future__ import annotations

import json
import socket

import boto3
import pytest

from scripts import audit, cli
from scripts.audit import aws
from tests.audit import proxy
from tests.audit import seed as seeding


def _run(endpoint: str, **kwargs):
    return audit.audit_aws(seeding.session(), [seeding.REGION], endpoint_url=endpoint, **kwargs)


def test_every_planted_misconfiguration_is_found_and_every_good_twin_passes(seeded_server):
    url, expected = seeded_server
    report = _run(url)
    found = {(f.policy, f.resource) for f in report.of("violation")}
    wrong = [(policy, name, "missed" if fails else "false alarm") for policy, name, fails in expected
             if ((policy, name) in found) != fails]  # fmt: skip
    assert wrong == [], f"the audit must report each bad twin and none of the good ones: {wrong}"
    assert report.errors == [], [f.message for f in report.errors]
    assert report.exit_code == 1, "mandatory controls failed (public bucket, open SSH...)"
    policies = {p for p, _, _ in expected}
    assert len(policies) >= 30, "every AWS family the audit reads has a planted case"


def test_findings_carry_arn_region_evidence_and_the_packs_metadata(seeded_server):
    url, expected = seeded_server
    report = _run(url)
    bad = next(name for policy, name, fails in expected if policy == "aws-ebs-volume-encryption-required" and fails)
    [volume] = [f for f in report.of("violation") if f.policy == "aws-ebs-volume-encryption-required" and f.name == bad]
    assert volume.arn.startswith("arn:aws:ec2:eu-west-1:123456789012:volume/vol-"), volume.arn
    assert volume.region == "eu-west-1"
    assert volume.policyPack == "plinth-security" and volume.enforcementLevel == "mandatory"
    assert "cis:aws-2.2.1" in volume.frameworks and volume.remediation
    assert volume.evidence is not None and volume.evidence.values == {"encrypted": False, "snapshotId": "(absent)"}, (
        "the evidence is exactly the attributes the check read"
    )
    assert volume.evidence.read_at.endswith("Z") and "ec2:DescribeVolumes" in volume.evidence.calls
    data = report.to_json()
    counts = data["checks"]["aws-ebs-volume-encryption-required"]
    assert counts["passed"] >= 1 and counts["failed"] >= 1, (
        "the good volume passed; the bad one (and root volumes) failed"
    )
    assert data["context"]["account"] == "123456789012" and data["context"]["regions"] == ["eu-west-1"]


def test_user_data_and_environment_values_are_never_shown_as_evidence(moto):
    ec2 = boto3.client("ec2", endpoint_url=moto, region_name=seeding.REGION)
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, UserData="export DB_PASSWORD=hunter2xyzQ9v8w\n")
    report = _run(moto)
    [finding] = [f for f in report.findings if f.policy == "aws-ec2-instance-userdata-secrets-forbidden"]
    assert finding.evidence is not None and finding.evidence.values["userData"].startswith("(not shown")
    assert "hunter2xyz" not in json.dumps(report.to_json()), "a credential in user data never reaches the report"


def test_account_level_fixes_make_the_account_checks_pass(moto):
    s = seeding.session()
    seeding.s3control(moto).put_public_access_block(
        AccountId=seeding.ACCOUNT,
        PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                        "BlockPublicPolicy": True, "RestrictPublicBuckets": True},
    )  # fmt: skip
    s.client("ec2", endpoint_url=moto).enable_ebs_encryption_by_default()
    s.client("iam", endpoint_url=moto).update_account_password_policy(
        MinimumPasswordLength=16, PasswordReusePrevention=24
    )
    s.client("guardduty", endpoint_url=moto).create_detector(Enable=True)
    report = _run(moto)
    failing = {f.policy for f in report.of("violation")}
    for policy in ("aws-s3-bucket-public-access-blocked", "aws-ebs-encryptionbydefault-enabled",
                   "aws-iam-passwordpolicy-strength-required", "aws-guardduty-detector-enabled"):  # fmt: skip
        assert policy not in failing, f"{policy} must pass once the account is configured"
        assert report.checks[policy]["passed"] >= 1, f"{policy} looked at the account and passed"


def test_s3_control_calls_with_an_endpoint_reach_it_instead_of_an_account_host_that_does_not_resolve(moto):
    raw = boto3.client("s3control", endpoint_url=moto, region_name=seeding.REGION)
    with pytest.raises(Exception) as trap:
        raw.get_public_access_block(AccountId=seeding.ACCOUNT)
    assert "123456789012.127.0.0.1" in str(trap.value), "boto3 prefixes the account id to the endpoint's host"
    report = _run(moto)
    [account] = [f for f in report.of("violation") if f.policy == "aws-s3-bucket-public-access-blocked"]
    assert account.resource == f"account {seeding.ACCOUNT}", "the account block is read, not silently skipped"
    assert report.checks["aws-s3-bucket-public-access-blocked"]["failed"] == 1


def test_an_account_host_that_does_not_resolve_is_could_not_check_not_a_silent_skip(moto, monkeypatch):
    from scripts.audit.aws import api

    # Without the rewrite, S3 Control goes to <account>.<endpoint host>, which does not resolve.
    monkeypatch.setattr(api, "_to_endpoint", lambda endpoint_url: lambda request, **_: None)
    report = _run(moto, max_attempts=1)
    errors = [f for f in report.errors if f.policy == "aws-s3-bucket-public-access-blocked"]
    assert errors, "the account's public access block could not be read: the check must say so"
    assert "s3:GetAccountPublicAccessBlock" in errors[0].message and "not reachable" in errors[0].message
    assert errors[0].resource == f"account {seeding.ACCOUNT}", "the finding names the account it could not read"
    assert report.checks["aws-s3-bucket-public-access-blocked"]["error"] >= 1
    assert not [f for f in report.findings if f.policy == "aws-s3-bucket-public-access-blocked"
                and f.resource == f"account {seeding.ACCOUNT}" and f.status != "error"], "never a pass"  # fmt: skip
    assert report.exit_code == 2


def test_a_denied_call_is_could_not_check_and_exit_2_never_a_pass(moto, capsys):
    boto3.client("ec2", endpoint_url=moto, region_name=seeding.REGION).create_volume(
        AvailabilityZone="eu-west-1a", Size=1
    )
    with proxy.Injector(moto, proxy.action("DescribeVolumes", 403, "UnauthorizedOperation")) as injector:
        report = _run(injector.url, max_attempts=1)
        code = cli.main(["audit", "aws", "--region", seeding.REGION, "--endpoint-url", injector.url,
                         "--max-attempts", "1", "--format", "json"])  # fmt: skip
    assert injector.injected >= 2
    errors = [f for f in report.errors if f.policy == "aws-ebs-volume-encryption-required"]
    assert errors and "ec2:DescribeVolumes" in errors[0].message and "denied" in errors[0].message
    assert report.checks["aws-ebs-volume-encryption-required"]["passed"] == 0, "nothing unread may pass"
    assert not [f for f in report.of("violation") if f.resourceType == "aws:ebs/volume:Volume"]
    assert report.exit_code == 2 and code == 2
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["errors"] >= 1


def test_throttling_is_retried_with_backoff_and_could_not_check_when_it_persists(moto):
    with proxy.Injector(moto, proxy.action("DescribeSecurityGroups", 400, "RequestLimitExceeded", times=2)) as injector:
        report = _run(injector.url, max_attempts=3)
    assert injector.injected == 2, "the two throttled attempts were retried"
    assert not [f for f in report.errors if "DescribeSecurityGroups" in f.message], "the third attempt answered"
    with proxy.Injector(moto, proxy.action("DescribeSecurityGroups", 400, "RequestLimitExceeded")) as injector:
        report = _run(injector.url, max_attempts=2)
    errors = [f for f in report.errors if f.policy == "aws-ec2-securitygroup-admin-ports-restricted"]
    assert errors and "throttled" in errors[0].message
    assert report.exit_code == 2


def test_suppressions_are_the_packs_waivers(moto):
    ec2 = boto3.client("ec2", endpoint_url=moto, region_name=seeding.REGION)
    vol = ec2.create_volume(AvailabilityZone="eu-west-1a", Size=1)["VolumeId"]
    config = {
        "aws-ebs-volume-encryption-required": {
            "suppressions": [
                {
                    "resource": "vol-*",
                    "reason": "re-encryption in PLAT-123",
                    "owner": "storage",
                    "expires": "2999-01-01",
                }
            ]
        }
    }
    report = _run(moto, policy_config=config)
    [waived] = [f for f in report.of("suppressed") if f.policy == "aws-ebs-volume-encryption-required"]
    assert waived.name == vol and waived.suppression is not None and waived.suppression.owner == "storage"
    assert waived.enforcementLevel == "advisory"
    expired = {
        "aws-ebs-volume-encryption-required": {
            "suppressions": [
                {
                    "resource": "vol-*",
                    "reason": "re-encryption in PLAT-123",
                    "owner": "storage",
                    "expires": "2000-01-01",
                }
            ]
        }
    }
    report = _run(moto, policy_config=expired)
    [still] = [f for f in report.of("violation") if f.policy == "aws-ebs-volume-encryption-required"]
    assert "expired" in still.message and still.enforcementLevel == "mandatory"


def test_the_state_scopes_the_audit_maps_urns_and_reports_drift(moto, tmp_path):
    ec2 = boto3.client("ec2", endpoint_url=moto, region_name=seeding.REGION)
    vol = ec2.create_volume(AvailabilityZone="eu-west-1a", Size=1)["VolumeId"]
    ec2.create_volume(AvailabilityZone="eu-west-1a", Size=2)  # not the stack's: left out
    stack = "urn:pulumi:prod::plinth::"
    export = {"version": 3, "deployment": {"resources": [
        {"urn": f"{stack}pulumi:pulumi:Stack::plinth-prod", "type": "pulumi:pulumi:Stack", "custom": False},
        {"urn": f"{stack}plinth:index:Tenant::acme", "type": "plinth:index:Tenant", "custom": False,
         "parent": f"{stack}pulumi:pulumi:Stack::plinth-prod"},
        {"urn": f"{stack}plinth:index:Tenant$aws:ebs/volume:Volume::acme-data", "type": "aws:ebs/volume:Volume",
         "custom": True, "id": vol, "parent": f"{stack}plinth:index:Tenant::acme", "protect": True,
         "inputs": {"availabilityZone": "eu-west-1a", "size": 1, "encrypted": True},
         "outputs": {"availabilityZone": "eu-west-1a", "size": 1, "encrypted": True, "id": vol}},
        {"urn": f"{stack}plinth:index:Tenant$aws:ebs/volume:Volume::acme-gone", "type": "aws:ebs/volume:Volume",
         "custom": True, "id": "vol-0000000000000dead", "parent": f"{stack}plinth:index:Tenant::acme",
         "inputs": {"size": 1}, "outputs": {"size": 1}},
    ]}}  # fmt: skip
    path = tmp_path / "prod.json"
    path.write_text(json.dumps(export))
    from scripts.audit import state

    report = _run(moto, state=state.read(export, str(path)))
    volumes = [f for f in report.of("violation") if f.policy == "aws-ebs-volume-encryption-required"]
    assert [f.name for f in volumes] == ["acme-data"], "only the stack's volume, by its Pulumi name"
    [f] = volumes
    assert f.urn.endswith("::acme-data") and f.component.endswith("plinth:index:Tenant::acme") and f.tenant == "acme"
    assert [(d.path, d.live, d.state) for d in f.drift] == [("encrypted", False, True)], "changed by hand"
    assert [m["name"] for m in report.context["missing"]] == ["acme-gone"]
    assert report.context["stack"] == "prod"


def test_the_command_checks_its_options_and_says_what_cannot_be_reached(moto, tmp_path, capsys):
    assert cli.main(["audit", "aws", "--endpoint-url", moto, "--out", str(tmp_path / "no" / "x.json")]) == 2
    assert "no such directory" in capsys.readouterr().err
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    assert cli.main(["audit", "aws", "--region", "eu-west-1", "--endpoint-url", closed, "--max-attempts", "1"]) == 2
    err = capsys.readouterr().err
    assert "cannot read the account: sts:GetCallerIdentity" in err and "Traceback" not in err
    bad = tmp_path / "config.json"
    bad.write_text(json.dumps({"aws-no-such-policy": "mandatory"}))
    assert cli.main(["audit", "aws", "--region", "eu-west-1", "--endpoint-url", moto, "--config", str(bad)]) == 2
    assert "aws-no-such-policy" in capsys.readouterr().err
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"deployment": {"resources": []}}))
    assert cli.main(["audit", "aws", "--region", "eu-west-1", "--endpoint-url", moto, "--state", str(state)]) == 2
    assert "empty" in capsys.readouterr().err


def test_the_read_only_policy_lists_exactly_the_calls_the_audit_makes(seeded_server):
    from pathlib import Path

    doc = json.loads((Path(__file__).resolve().parents[2] / "docs" / "audit-readonly-policy.json").read_text())
    listed = {a for st in doc["Statement"] for a in st["Action"]}
    declared = {c.action for c in aws.all_calls()}
    assert listed == declared, f"policy vs code: missing {sorted(declared - listed)}, extra {sorted(listed - declared)}"
    assert all(a.split(":")[1].startswith(("Get", "List", "Describe")) for a in listed), "read-only actions only"
    url, _ = seeded_server
    collection = aws.collect(seeding.session(), [seeding.REGION], endpoint_url=url)
    made = {action for action, _ in collection.made}
    assert made <= listed, f"calls made but not allowed by the policy: {sorted(made - listed)}"
    assert len(made) >= 60, "the seeded account exercises most of the declared calls"


def test_a_service_subset_reads_only_those_services_and_finds_what_the_full_audit_finds_there(seeded_server):
    url, _ = seeded_server
    chosen = ["ec2", "kms"]
    full, part = _run(url), _run(url, services=chosen)
    read = aws.types_of(chosen)
    assert part.context["services"] == chosen
    outside = sorted({f.resourceType for f in part.findings} - read)
    assert outside == [], f"only EC2 and KMS resources are judged: {outside}"
    assert part.resources < full.resources, "buckets, roles, tables... are not read"

    def pairs(report):
        return {(f.policy, f.arn, f.status) for f in report.findings if f.resourceType in read}

    other_services = ("aws-guardduty-detector-enabled", "aws-cloudtrail-multiregion-enabled")  # judge the regions
    expected = {p for p in pairs(full) if p[0] not in other_services}
    assert pairs(part) == expected, "reading fewer services changes nothing about the ones read"
    assert {"aws-ebs-volume-encryption-required", "aws-kms-key-rotation-enabled"} <= {
        f.policy for f in part.of("violation")
    }, "the planted volume and key are still found"
    collection = aws.collect(seeding.session(), [seeding.REGION], endpoint_url=url, services=chosen)
    services = {action.split(":")[0] for action, _ in collection.made}
    assert services == {"sts", "ec2", "kms"}, f"calls only to the chosen services (and the identity): {services}"


def test_account_checks_run_only_when_the_service_they_read_is_selected(moto):
    full = _run(moto)  # an empty account: no detector, no trail, no password policy, root without MFA
    account_checks = {
        "aws-account-root-mfa-enabled": "iam",
        "aws-iam-passwordpolicy-strength-required": "iam",
        "aws-guardduty-detector-enabled": "guardduty",
        "aws-cloudtrail-multiregion-enabled": "cloudtrail",
        "aws-s3-bucket-public-access-blocked": "s3",
        "aws-ebs-encryptionbydefault-enabled": "ec2",
    }
    failing = {f.policy for f in full.of("violation")}
    assert set(account_checks) <= failing, f"the full audit fails them all: {set(account_checks) - failing}"
    for check, service in account_checks.items():
        others = [s for s in aws.service_names() if s != service]
        without = _run(moto, services=others)
        assert check not in without.checks and check not in {f.policy for f in without.findings}, (
            f"{check} reads {service}: without it, it would be a false failure or a false could-not-check"
        )
        alone = _run(moto, services=[service])
        assert check in {f.policy for f in alone.of("violation")}, f"{check} runs when {service} is read"
        assert alone.errors == [], [f.message for f in alone.errors]


def test_an_unknown_service_is_a_usage_error_naming_the_option_and_the_valid_names(moto, capsys):
    code = cli.main(["audit", "aws", "--region", "eu-west-1", "--endpoint-url", moto, "--service", "ec2",
                     "--service", "ec3"])  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert code == 2, "bad input is exit 2"
    assert "--service ec3" in err and "ec2" in err and "guardduty" in err and "lambda" in err, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    with pytest.raises(ValueError, match="ec3"):
        _run(moto, services=["ec3"])
