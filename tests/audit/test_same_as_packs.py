"""The audit and the packs agree: the same misconfiguration of the same resource type gets the same
policy names, whether it is planned (a typed pulumi_aws program through the offline engine and the
real packs) or deployed (seeded into moto and read by the audit)."""

from __future__ import annotations

import json

import pulumi_aws as aws

from scripts import audit, engine, gate
from tests.audit import seed as seeding

OPEN_SSH = [{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}]
TRUST_ANYONE = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
ANYONE = json.dumps({"Version": "2012-10-17", "Statement": [TRUST_ANYONE]})
#: Policies about the program, not the resource (they need `protect` or the stack's budget): not run live.
PROGRAM_ONLY = set(audit.STACK_SCOPED)


def program():
    aws.ebs.Volume("plain-volume", availability_zone="eu-west-1a", size=1)
    aws.ec2.SecurityGroup("open-ssh", description="ssh from anywhere", ingress=OPEN_SSH)
    aws.kms.Key("no-rotation", description="no rotation")
    aws.iam.Role("anyone", assume_role_policy=ANYONE)
    aws.cloudwatch.LogGroup("no-retention", name="no-retention")
    aws.sqs.Queue("plain-queue", name="plain-queue", sqs_managed_sse_enabled=False)
    aws.efs.FileSystem("plain-fs", creation_token="plain-fs")


def live(endpoint: str) -> dict[str, str]:
    """The same resources in moto; their audit labels by resource type."""
    s = seeding.session()
    ec2 = s.client("ec2", endpoint_url=endpoint)
    volume = ec2.create_volume(AvailabilityZone="eu-west-1a", Size=1)["VolumeId"]
    group = ec2.create_security_group(GroupName="open-ssh", Description="ssh from anywhere")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])  # fmt: skip
    ec2.revoke_security_group_egress(
        GroupId=group, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    key = s.client("kms", endpoint_url=endpoint).create_key(Description="no rotation")["KeyMetadata"]["KeyId"]
    s.client("iam", endpoint_url=endpoint).create_role(RoleName="anyone", AssumeRolePolicyDocument=ANYONE)
    s.client("logs", endpoint_url=endpoint).create_log_group(logGroupName="no-retention")
    s.client("sqs", endpoint_url=endpoint).create_queue(
        QueueName="plain-queue", Attributes={"SqsManagedSseEnabled": "false"}
    )
    fs = s.client("efs", endpoint_url=endpoint).create_file_system(CreationToken="plain-fs")["FileSystemId"]
    return {
        "aws:ebs/volume:Volume": volume,
        "aws:ec2/securityGroup:SecurityGroup": f"{group} (open-ssh)",
        "aws:kms/key:Key": key,
        "aws:iam/role:Role": "anyone",
        "aws:cloudwatch/logGroup:LogGroup": "no-retention",
        "aws:sqs/queue:Queue": "plain-queue",
        "aws:efs/fileSystem:FileSystem": fs,
    }


def test_the_audit_and_the_packs_report_the_same_policy_names(moto):
    plan = engine.run(program, stack="dev", preview=True).to_json()
    packs = gate.run_gate(plan, list(gate.DEFAULT_PACKS), stack="dev")
    assert not packs.errors, [f.message for f in packs.errors]
    labels = live(moto)
    report = audit.audit_aws(seeding.session(), [seeding.REGION], endpoint_url=moto)
    differences = {}
    for resource_type, label in labels.items():
        planned = {f.policy for f in packs.of("violation") if f.resourceType == resource_type} - PROGRAM_ONLY
        deployed = {f.policy for f in report.of("violation") if f.resourceType == resource_type and f.name == label}
        if planned != deployed:
            differences[resource_type] = {
                "packs only": sorted(planned - deployed),
                "audit only": sorted(deployed - planned),
            }
        assert planned, f"{resource_type}: the program's resource is misconfigured, the packs must say so"
    assert differences == {}, f"the same misconfiguration must get the same policy names: {differences}"
