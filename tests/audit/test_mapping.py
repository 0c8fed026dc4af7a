"""The pure mappings from API answers to the pulumi-aws 7 input shape, and the evidence recorder."""

from __future__ import annotations

import pytest

from policies import meta
from scripts.audit import subject as subjects
from scripts.audit.aws import ec2, iam, s3
from scripts.audit.evaluate import Run, Settings, pack_checks
from scripts.findings import Report
from scripts.pulumi_json import UNKNOWN


def test_a_bucket_becomes_the_bucket_and_the_companions_a_program_declares():
    answers = {
        "get_bucket_acl": {
            "Grants": [
                {
                    "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
                    "Permission": "READ",
                }
            ],
            "Owner": {"ID": "abc"},
        },  # fmt: skip
        "get_bucket_policy": None,
        "get_public_access_block": None,
        "get_bucket_encryption": {
            "ServerSideEncryptionConfiguration": {
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            }
        },  # fmt: skip
        "get_bucket_versioning": {},
        "get_bucket_ownership_controls": None,
        "get_bucket_logging": {},
        "get_bucket_tagging": {"TagSet": [{"Key": "tenant", "Value": "acme"}]},
    }
    shapes = dict(s3.companions("data", answers))
    assert shapes[s3.BUCKET] == {"bucket": "data", "tags": {"tenant": "acme"}}
    assert shapes[s3.ACL]["accessControlPolicy"]["grants"][0]["grantee"]["uri"].endswith("/global/AllUsers")
    assert shapes[s3.SSE] == {
        "bucket": "data",
        "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}],
    }
    assert shapes[s3.OWNERSHIP] == {"bucket": "data", "rule": {"objectOwnership": "ObjectWriter"}}, (
        "without ownership controls S3 keeps ACLs in force (ObjectWriter)"
    )
    assert (
        s3.POLICY not in shapes and s3.PAB not in shapes and s3.VERSIONING not in shapes and s3.LOGGING not in shapes
    ), "a setting that is not configured has no companion, as in a program that never declared it"
    assert s3.bucket_region({"LocationConstraint": None}) == "us-east-1"
    assert s3.bucket_region({"LocationConstraint": "EU"}) == "eu-west-1"
    assert s3.account_block(None, "1") == {"accountId": "1", "blockPublicAcls": False, "blockPublicPolicy": False,
                                            "ignorePublicAcls": False, "restrictPublicBuckets": False}  # fmt: skip


def test_security_groups_nacls_and_launch_templates_take_the_providers_shape():
    kind, props = ec2.security_group({
        "GroupName": "default", "GroupId": "sg-1", "VpcId": "vpc-1",
        "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    })  # fmt: skip
    assert kind == ec2.DEFAULT_SECURITY_GROUP
    assert props["ingress"] == [{"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}]
    assert props["egress"] == [{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}]
    allow_all = {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"}
    acl = ec2.network_acl(
        {"VpcId": "vpc-1", "Entries": [{**allow_all, "Egress": False}, {**allow_all, "Egress": True}]}
    )
    assert len(acl["ingress"]) == 1 and acl["ingress"][0]["ruleNo"] == 100 and len(acl["egress"]) == 1
    template = ec2.launch_template({"LaunchTemplateName": "lt"}, {
        "NetworkInterfaces": [{"AssociatePublicIpAddress": True, "DeviceIndex": 0}],
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": False}}]})  # fmt: skip
    assert template["networkInterfaces"][0]["associatePublicIpAddress"] == "true", "the provider takes strings"
    assert template["blockDeviceMappings"][0]["ebs"]["encrypted"] == "false"


def test_account_facts():
    assert iam.root_account({"SummaryMap": {"AccountMFAEnabled": 0, "AccountAccessKeysPresent": 1}}) == {
        "mfaEnabled": False, "accessKeysPresent": True}  # fmt: skip
    assert iam.password_policy(None) == {"present": False}
    assert iam.password_policy({"PasswordPolicy": {"MinimumPasswordLength": 8}}) == {
        "present": True, "minimumPasswordLength": 8}  # fmt: skip


def test_the_recorder_logs_exactly_what_a_check_reads_and_hides_credentials():
    props = {"metadataOptions": {"httpTokens": "optional", "httpEndpoint": "enabled"}, "userData": "c2VjcmV0", "x": 1}
    wrapped, log = subjects.recording(props)
    assert wrapped.get("metadataOptions").get("httpTokens") == "optional"
    assert "userData" in wrapped
    subject = subjects.Subject("aws:ec2/instance:Instance", props, sensitive=("userData",))
    assert subjects.evidence(subject, log) == {"metadataOptions.httpTokens": "optional", "userData": subjects.NOT_SHOWN}
    wrapped, _ = subjects.recording({"a": [{"b": UNKNOWN}]})
    with pytest.raises(subjects.UnknownValue) as err:
        list(wrapped["a"])[0]["b"]
    assert err.value.path == "a[0].b"


def test_a_value_unknown_at_preview_is_unknown_not_a_pass():
    check = next(c for c in pack_checks() if c.name == "aws-ebs-volume-encryption-required")
    report = Report(resources=1, packs=[])
    volume = subjects.Subject("aws:ebs/volume:Volume", {"encrypted": UNKNOWN}, name="v", urn="urn:x")
    Run(report).evaluate([check], [volume], Settings())
    assert [f.status for f in report.findings] == ["unknown"]
    assert report.checks[check.name] == {"failed": 0, "error": 0, "unknown": 1, "suppressed": 0, "passed": 0}


def test_a_check_that_raises_is_could_not_check():
    check = next(c for c in pack_checks() if c.name == "aws-ecs-taskdefinition-secrets-forbidden")
    report = Report(resources=1, packs=[])
    task = subjects.Subject("aws:ecs/taskDefinition:TaskDefinition", {"containerDefinitions": "{not json"}, name="t")
    Run(report).evaluate([check], [task], Settings())
    assert [f.status for f in report.findings] == ["error"] and report.exit_code == 2
    assert meta.policy(check.name).enforcement == report.findings[0].enforcementLevel


def test_a_gap_stops_only_the_judgement_of_what_it_covers():
    from scripts.audit.evaluate import Gap

    tags = next(c for c in pack_checks() if c.name == "stack-resource-tags-required")
    flow = next(c for c in pack_checks() if c.name == "aws-ec2-vpc-flowlogs-enabled")
    role = subjects.Subject("aws:iam/role:Role", {"name": "r", "tags": {}}, name="r", arn="arn:role")
    instance = subjects.Subject("aws:ec2/instance:Instance", {"tags": {}}, name="i-1", arn="arn:i", region="eu-west-1")
    vpc = subjects.Subject("aws:ec2/vpc:Vpc", {"id": "vpc-1"}, name="vpc-1", arn="arn:vpc", region="eu-west-1")
    gaps = [Gap(("aws:ec2/instance:Instance", "aws:ec2/flowLog:FlowLog"), "ec2:DescribeFlowLogs was denied",
                region="eu-west-1")]  # fmt: skip
    report = Report(resources=3, packs=[])
    Run(report).evaluate([tags, flow], [role, instance, vpc], Settings(), gaps)
    judged = {(f.policy, f.name, f.status) for f in report.findings}
    assert ("stack-resource-tags-required", "r", "violation") in judged, "the role was read whole: judged"
    assert not any(name == "i-1" and status == "violation" for _, name, status in judged), "the instance was not"
    assert ("aws-ec2-vpc-flowlogs-enabled", "vpc-1", "violation") not in judged, (
        "without the flow logs a VPC cannot be said to have none"
    )
    assert report.checks["aws-ec2-vpc-flowlogs-enabled"]["error"] == 1 and report.exit_code == 2


def _account_run(name: str, subjects_: list[subjects.Subject]) -> Report:
    from scripts.audit.aws import account
    from scripts.audit.evaluate import settings

    check = next(c for c in account.CHECKS if c.name == name)
    report = Report(resources=len(subjects_), packs=[])
    Run(report).evaluate([check], subjects_, settings([check], None))  # the check's defaults (90 days...)
    return report


def test_root_access_keys_fail_and_their_absence_passes():
    with_keys = iam.root_account({"SummaryMap": {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 1}})
    without = iam.root_account({"SummaryMap": {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0}})
    report = _account_run("aws-account-root-accesskeys-absent", [
        subjects.Subject(iam.ROOT, with_keys, name="root of 111111111111"),
        subjects.Subject(iam.ROOT, without, name="root of 222222222222"),
    ])  # fmt: skip
    assert [(f.name, f.enforcementLevel) for f in report.of("violation")] == [("root of 111111111111", "mandatory")]
    assert report.checks["aws-account-root-accesskeys-absent"]["passed"] == 1


def test_access_keys_older_than_90_days_fail_unless_inactive():
    import datetime as dt

    now = dt.datetime.now(dt.timezone.utc)
    keys = {
        "old": iam.access_key("old", {"Status": "Active", "CreateDate": now - dt.timedelta(days=91)}),
        "young": iam.access_key("young", {"Status": "Active", "CreateDate": now - dt.timedelta(days=89)}),
        "parked": iam.access_key("parked", {"Status": "Inactive", "CreateDate": now - dt.timedelta(days=400)}),
    }
    report = _account_run("aws-iam-accesskey-rotated", [subjects.Subject(iam.ACCESS_KEY, props, name=user)
                                                        for user, props in keys.items()])  # fmt: skip
    [old] = report.of("violation")
    assert old.name == "old" and "91 days old" in old.message, old.message
    assert report.checks["aws-iam-accesskey-rotated"]["passed"] == 2, "a young key and an inactive one pass"


def test_the_account_needs_one_logging_multi_region_trail_with_validation():
    from scripts.audit.aws import cloudtrail, guardduty

    region = subjects.Subject(guardduty.REGION, {}, name="eu-west-1", region="eu-west-1")
    good = {"isMultiRegionTrail": True, "enableLogFileValidation": True, "enableLogging": True}
    cases = {
        "no trail": [],
        "one region only": [{**good, "isMultiRegionTrail": False}],
        "no validation": [{**good, "enableLogFileValidation": False}],
        "stopped": [{**good, "enableLogging": False}],
    }
    for case, trails in cases.items():
        found = [subjects.Subject(cloudtrail.TRAIL, t, name=f"trail-{i}") for i, t in enumerate(trails)]
        report = _account_run("aws-cloudtrail-multiregion-enabled", [region, *found])
        assert len(report.of("violation")) == 1, f"{case}: the account has no trail that records every region"
    report = _account_run("aws-cloudtrail-multiregion-enabled", [
        region, subjects.Subject(cloudtrail.TRAIL, {**good, "isMultiRegionTrail": False}, name="regional"),
        subjects.Subject(cloudtrail.TRAIL, good, name="org-trail"),
    ])  # fmt: skip
    assert report.of("violation") == [] and report.errors == [], "one good trail is enough"
