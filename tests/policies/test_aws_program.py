"""The AWS policies against a real program: pulumi_aws's typed classes through the offline engine and the
three real packs, so the property names and shapes the policies read are the ones the SDK sends
(camelCase, nested blocks, launch-template strings, references unknown at preview)."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from scripts import engine, gate

KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE = "arn:aws:iam::123456789012:role/app"
OPEN = [{"protocol": "tcp", "from_port": 5601, "to_port": 5601, "cidr_blocks": ["0.0.0.0/0"]}]


def misconfigured():
    """One of each family, written the way people write them, each with the classic mistake."""
    bucket = aws.s3.Bucket("raw")  # auto-named, no companions at all
    aws.s3.BucketPolicy(
        "raw-policy",
        bucket=bucket.id,  # unknown at preview: linked through the property dependency
        policy=json.dumps(
            {
                "Statement": [
                    {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
                    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
                ]
            }
        ),
    )  # fmt: skip
    aws.ec2.SecurityGroup("kibana", ingress=OPEN)
    aws.eks.Cluster("k8s", role_arn=ROLE, vpc_config={"subnet_ids": ["subnet-1"]})
    aws.eks.NodeGroup(
        "nodes",
        cluster_name="k8s",
        node_role_arn=ROLE,
        subnet_ids=["subnet-1"],
        scaling_config={"desired_size": 1, "max_size": 1, "min_size": 1},
        remote_access={"ec2_ssh_key": "ops"},
    )
    aws.msk.Cluster(
        "kafka",
        kafka_version="3.6.0",
        number_of_broker_nodes=3,
        broker_node_group_info={"instance_type": "kafka.m5.large", "client_subnets": ["a", "b", "c"],
                                "security_groups": ["sg"]},
        encryption_info={"encryption_in_transit": {"client_broker": "TLS_PLAINTEXT"}},
    )  # fmt: skip
    aws.opensearch.Domain("search", engine_version="OpenSearch_2.13")
    aws.lb.Listener(
        "http", load_balancer_arn="arn:lb", port=80, protocol="HTTP", default_actions=[{"type": "forward",
        "target_group_arn": "arn:tg"}]
    )  # fmt: skip
    aws.rds.ParameterGroup("pg", family="postgres14", parameters=[{"name": "rds.force_ssl", "value": "0"}])
    aws.sqs.Queue("jobs")
    aws.lambda_.FunctionUrl("hook", function_name="hook", authorization_type="NONE")
    aws.sagemaker.NotebookInstance("lab", instance_type="ml.t3.medium", role_arn=ROLE)
    aws.ec2.LaunchTemplate(
        "nodes-lt",
        network_interfaces=[{"associate_public_ip_address": "true"}],
        block_device_mappings=[{"device_name": "/dev/xvda", "ebs": {"volume_size": 20}}],
    )
    aws.iam.Role(
        "anyone",
        assume_role_policy=json.dumps(
            {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
        ),
    )
    aws.cloudwatch.LogGroup("app-logs")
    aws.dynamodb.Table("t", hash_key="id", attributes=[{"name": "id", "type": "S"}], billing_mode="PAY_PER_REQUEST")
    secret = aws.secretsmanager.Secret("db", name="acme/db")
    aws.ec2.Vpc("main", cidr_block="10.0.0.0/16")
    return secret


def well_configured():
    """The same resources written the way the rules ask."""
    bucket = aws.s3.Bucket("data", opts=pulumi.ResourceOptions(protect=True))
    aws.s3.BucketServerSideEncryptionConfiguration(
        "data-sse",
        bucket=bucket.id,
        rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": KEY}}],
    )
    aws.s3.BucketVersioning("data-versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
    aws.s3.BucketPublicAccessBlock(
        "data-pab",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )
    aws.s3.BucketPolicy(
        "data-policy",
        bucket=bucket.id,
        policy=json.dumps(
            {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
        ),
    )  # fmt: skip
    aws.eks.Cluster(
        "k8s",
        role_arn=ROLE,
        vpc_config={"subnet_ids": ["subnet-1"], "endpoint_public_access": False, "endpoint_private_access": True},
        encryption_config={"resources": ["secrets"], "provider": {"key_arn": KEY}},
        enabled_cluster_log_types=["api", "audit", "authenticator", "controllerManager", "scheduler"],
    )
    vpc = aws.ec2.Vpc("main", cidr_block="10.0.0.0/16")
    aws.ec2.FlowLog("main-flow", vpc_id=vpc.id, traffic_type="ALL", log_destination="arn:aws:s3:::flow",
                    log_destination_type="s3")  # fmt: skip
    secret = aws.secretsmanager.Secret("db", name="acme/db", kms_key_id=KEY)
    aws.secretsmanager.SecretRotation(
        "db-rotation",
        secret_id=secret.id,
        rotation_lambda_arn="arn:fn",
        rotation_rules={"automatically_after_days": 30},
    )
    aws.lambda_.FunctionUrl("hook", function_name="hook", authorization_type="AWS_IAM")


EXPECTED = {
    ("aws-s3-bucket-companions-required", "raw"),
    ("aws-s3-bucketpolicy-public-forbidden", "raw-policy"),
    ("aws-ec2-securitygroup-ingress-restricted", "kibana"),
    ("aws-eks-cluster-endpoint-restricted", "k8s"),
    ("aws-eks-cluster-secrets-encrypted", "k8s"),
    ("aws-eks-cluster-logging-enabled", "k8s"),
    ("aws-eks-nodegroup-ssh-restricted", "nodes"),
    ("aws-msk-cluster-transit-encrypted", "kafka"),
    ("aws-kms-cmk-required", "kafka"),
    ("aws-opensearch-domain-transit-encrypted", "search"),
    ("aws-opensearch-domain-encryption-required", "search"),
    ("aws-lb-listener-https-required", "http"),
    ("aws-rds-parametergroup-ssl-required", "pg"),
    ("aws-sqs-queue-encryption-required", "jobs"),
    ("aws-lambda-functionurl-auth-required", "hook"),
    ("aws-sagemaker-notebook-root-disabled", "lab"),
    ("aws-sagemaker-notebook-internet-disabled", "lab"),
    ("aws-ec2-instance-public-ip-forbidden", "nodes-lt"),
    ("aws-ec2-launchtemplate-volumes-encrypted", "nodes-lt"),
    ("aws-iam-role-trust-restricted", "anyone"),
    ("aws-cloudwatch-loggroup-retention-set", "app-logs"),
    ("aws-dynamodb-table-pitr-enabled", "t"),
    ("aws-dynamodb-table-encryption-required", "t"),
    ("aws-secretsmanager-secret-rotation-enabled", "db"),
    ("aws-ec2-vpc-flowlogs-enabled", "main"),
}


def _findings(program, *statuses: str) -> set[tuple[str, str]]:
    plan = engine.run(program, stack="dev", preview=True).to_json()
    report = gate.run_gate(plan, list(gate.DEFAULT_PACKS), stack="dev")
    assert not report.of("error"), [f.message for f in report.of("error")]
    return {
        (f.policy, f.urn.rsplit("::", 1)[-1])
        for status in statuses
        for f in report.of(status)
        if f.policy.startswith("aws-")
    }


def test_each_family_fires_on_what_the_sdk_really_sends():
    missed = sorted(EXPECTED - _findings(misconfigured, "violation"))
    assert missed == [], f"policies that did not report a violation on the typed program: {missed}"


def test_the_well_configured_twins_pass_even_with_references_unknown_at_preview():
    found = _findings(well_configured, "violation", "unknown")
    twins = {name for _, name in EXPECTED}
    assert sorted(f for f in found if f[1] in twins) == [], (
        "companions written as bucket=bucket.id, vpc_id=vpc.id, secret_id=secret.id are resolved "
        "through their property dependencies, and the settings the rules ask for pass"
    )
