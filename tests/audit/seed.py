"""A moto account seeded through boto3 with a good and a bad resource for every check the audit runs.

``seed(endpoint)`` returns the expectations: ``(policy, resource label, fails)`` - the bad twin must
be reported under the policy's name, the good twin must not. Also used by the benchmark.
"""

from __future__ import annotations

import json
from typing import Any

import boto3

REGION = "eu-west-1"
ACCOUNT = "123456789012"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def session() -> Any:
    return boto3.Session(region_name=REGION, **CREDENTIALS)


def s3control(endpoint: str) -> Any:
    """An S3 Control client that reaches ``endpoint`` (boto3 would prefix the account id to its host)."""
    from scripts.audit.aws.api import _to_endpoint

    client = session().client("s3control", endpoint_url=endpoint)
    client.meta.events.register("before-sign.s3-control", _to_endpoint(endpoint))
    return client


def clients(endpoint: str) -> dict[str, Any]:
    s = session()
    names = ("s3", "s3control", "ec2", "iam", "kms", "cloudtrail", "logs", "dynamodb", "sqs", "sns",
             "secretsmanager", "efs", "ecr", "kinesis", "rds", "backup", "guardduty", "lambda", "eks",
             "elasticache", "elbv2", "redshift", "sagemaker", "opensearch", "kafka", "ecs", "autoscaling")  # fmt: skip
    return {n: s.client(n, endpoint_url=endpoint) for n in names}


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


TLS_ONLY = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::good-bucket/*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}  # fmt: skip
PUBLIC_READ = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bad-bucket/*"}
ASSUME_EC2 = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
ASSUME_ANYONE = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}


def seed_s3(c: dict[str, Any]) -> list[tuple[str, str, bool]]:
    s3 = c["s3"]
    where = {"LocationConstraint": REGION}
    s3.create_bucket(Bucket="bad-bucket", CreateBucketConfiguration=where, ObjectOwnership="ObjectWriter")
    s3.put_bucket_acl(Bucket="bad-bucket", ACL="public-read")
    s3.put_bucket_policy(Bucket="bad-bucket", Policy=doc(PUBLIC_READ))
    s3.put_public_access_block(
        Bucket="bad-bucket",
        PublicAccessBlockConfiguration={"BlockPublicAcls": False, "IgnorePublicAcls": False,
                                        "BlockPublicPolicy": False, "RestrictPublicBuckets": False},
    )  # fmt: skip
    s3.put_bucket_encryption(
        Bucket="bad-bucket",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_bucket_versioning(Bucket="bad-bucket", VersioningConfiguration={"Status": "Suspended"})
    s3.create_bucket(Bucket="good-bucket", CreateBucketConfiguration=where, ObjectOwnership="BucketOwnerEnforced")
    s3.put_public_access_block(
        Bucket="good-bucket",
        PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                        "BlockPublicPolicy": True, "RestrictPublicBuckets": True},
    )  # fmt: skip
    s3.put_bucket_policy(Bucket="good-bucket", Policy=doc(TLS_ONLY))
    s3.put_bucket_encryption(
        Bucket="good-bucket",
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {
            "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "arn:aws:kms:eu-west-1:123456789012:key/k"}}]},
    )  # fmt: skip
    s3.put_bucket_versioning(Bucket="good-bucket", VersioningConfiguration={"Status": "Enabled"})
    out = []
    for policy in ("aws-s3-bucket-public-acl-forbidden", "aws-s3-bucketpolicy-public-forbidden",
                   "aws-s3-bucket-public-access-blocked", "aws-s3-bucket-encryption-required",
                   "aws-s3-bucket-versioning-enabled", "aws-s3-bucket-ownership-enforced",
                   "aws-s3-bucketpolicy-tls-required"):  # fmt: skip
        out += [(policy, "bad-bucket", True), (policy, "good-bucket", False)]
    return out


def seed_ec2(c: dict[str, Any]) -> list[tuple[str, str, bool]]:
    ec2 = c["ec2"]
    bad = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=1, TagSpecifications=_name("bad-volume", "volume"))
    good = ec2.create_volume(
        AvailabilityZone=f"{REGION}a", Size=1, Encrypted=True, TagSpecifications=_name("good-volume", "volume")
    )
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    open_ssh = ec2.create_security_group(GroupName="bad-ssh", Description="ssh from anywhere", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=open_ssh, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                          "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )  # fmt: skip
    internal = ec2.create_security_group(GroupName="good-ssh", Description="ssh from inside", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=internal, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                          "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}],
    )  # fmt: skip
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    common = {"ImageId": "ami-12c6146b", "MinCount": 1, "MaxCount": 1, "InstanceType": "t3.micro", "SubnetId": subnet}
    v1 = ec2.run_instances(**common, MetadataOptions={"HttpTokens": "optional"})["Instances"][0]["InstanceId"]
    v2 = ec2.run_instances(**common, MetadataOptions={"HttpTokens": "required"})["Instances"][0]["InstanceId"]
    ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogDestinationType="s3",
                         LogDestination="arn:aws:s3:::good-bucket")  # fmt: skip
    return [
        ("aws-ebs-volume-encryption-required", bad["VolumeId"], True),
        ("aws-ebs-volume-encryption-required", good["VolumeId"], False),
        ("aws-ec2-securitygroup-admin-ports-restricted", f"{open_ssh} (bad-ssh)", True),
        ("aws-ec2-securitygroup-admin-ports-restricted", f"{internal} (good-ssh)", False),
        ("aws-ec2-instance-imdsv2-required", v1, True),
        ("aws-ec2-instance-imdsv2-required", v2, False),
        ("aws-ec2-vpc-flowlogs-enabled", vpc, False),
    ]


def _name(name: str, kind: str) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


def seed_iam(c: dict[str, Any]) -> list[tuple[str, str, bool]]:
    iam = c["iam"]
    iam.create_role(RoleName="bad-admin", AssumeRolePolicyDocument=doc(ASSUME_EC2))
    iam.attach_role_policy(RoleName="bad-admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    iam.create_role(RoleName="good-reader", AssumeRolePolicyDocument=doc(ASSUME_EC2))
    iam.attach_role_policy(RoleName="good-reader", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    iam.create_role(RoleName="bad-trust", AssumeRolePolicyDocument=doc(ASSUME_ANYONE))
    iam.create_policy(PolicyName="bad-star", PolicyDocument=doc({"Effect": "Allow", "Action": "*", "Resource": "*"}))
    iam.create_policy(
        PolicyName="good-scoped",
        PolicyDocument=doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::good-bucket/*"}),
    )
    iam.create_user(UserName="bad-user")
    iam.put_user_policy(UserName="bad-user", PolicyName="inline", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::good-bucket/*"}))  # fmt: skip
    iam.create_access_key(UserName="bad-user")
    return [
        ("aws-iam-role-admin-forbidden", "bad-admin/AdministratorAccess", True),
        ("aws-iam-role-admin-forbidden", "good-reader/ReadOnlyAccess", False),
        ("aws-iam-role-trust-restricted", "bad-trust", True),
        ("aws-iam-role-trust-restricted", "good-reader", False),
        ("aws-iam-policy-wildcard-forbidden", "bad-star", True),
        ("aws-iam-policy-wildcard-forbidden", "good-scoped", False),
        ("aws-iam-user-policy-forbidden", "bad-user/inline", True),
    ]


def seed_data(c: dict[str, Any]) -> list[tuple[str, str, bool]]:
    out: list[tuple[str, str, bool]] = []
    kms = c["kms"]
    bad_key = kms.create_key(Description="bad-key")["KeyMetadata"]["KeyId"]
    good_key = kms.create_key(Description="good-key")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=good_key)
    out += [("aws-kms-key-rotation-enabled", bad_key, True), ("aws-kms-key-rotation-enabled", good_key, False)]
    logs = c["logs"]
    logs.create_log_group(logGroupName="bad-logs")
    logs.create_log_group(logGroupName="good-logs")
    logs.put_retention_policy(logGroupName="good-logs", retentionInDays=400)
    out += [("aws-cloudwatch-loggroup-retention-set", "bad-logs", True),
            ("aws-cloudwatch-loggroup-retention-set", "good-logs", False)]  # fmt: skip
    ddb = c["dynamodb"]
    for name in ("bad-table", "good-table"):
        ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")  # fmt: skip
    ddb.update_continuous_backups(TableName="good-table",
                                  PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})  # fmt: skip
    out += [
        ("aws-dynamodb-table-pitr-enabled", "bad-table", True),
        ("aws-dynamodb-table-pitr-enabled", "good-table", False),
    ]
    sqs = c["sqs"]
    sqs.create_queue(QueueName="bad-queue", Attributes={"SqsManagedSseEnabled": "false"})
    sqs.create_queue(QueueName="good-queue", Attributes={"SqsManagedSseEnabled": "true"})
    out += [("aws-sqs-queue-encryption-required", "bad-queue", True),
            ("aws-sqs-queue-encryption-required", "good-queue", False)]  # fmt: skip
    sns = c["sns"]
    sns.create_topic(Name="bad-topic")
    sns.create_topic(Name="good-topic", Attributes={"KmsMasterKeyId": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{good_key}"})
    out += [("aws-sns-topic-encryption-required", "bad-topic", True),
            ("aws-sns-topic-encryption-required", "good-topic", False)]  # fmt: skip
    efs = c["efs"]
    bad_fs = efs.create_file_system(CreationToken="bad-fs")["FileSystemId"]
    good_fs = efs.create_file_system(CreationToken="good-fs", Encrypted=True)["FileSystemId"]
    out += [("aws-efs-filesystem-encryption-required", bad_fs, True),
            ("aws-efs-filesystem-encryption-required", good_fs, False)]  # fmt: skip
    ecr = c["ecr"]
    ecr.create_repository(repositoryName="bad-repo")
    ecr.set_repository_policy(repositoryName="bad-repo", policyText=doc(
        {"Sid": "pull", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}))  # fmt: skip
    ecr.create_repository(repositoryName="good-repo")
    out += [("aws-ecr-repository-public-forbidden", "bad-repo", True)]
    kinesis = c["kinesis"]
    kinesis.create_stream(StreamName="bad-stream", ShardCount=1)
    kinesis.create_stream(StreamName="good-stream", ShardCount=1)
    kinesis.start_stream_encryption(StreamName="good-stream", EncryptionType="KMS", KeyId=good_key)
    out += [("aws-kinesis-stream-encryption-required", "bad-stream", True),
            ("aws-kinesis-stream-encryption-required", "good-stream", False)]  # fmt: skip
    rds = c["rds"]
    common = {"DBInstanceClass": "db.t3.micro", "Engine": "postgres", "MasterUsername": "admin",
              "MasterUserPassword": "correct-horse-battery", "AllocatedStorage": 20}  # fmt: skip
    rds.create_db_instance(DBInstanceIdentifier="bad-db", PubliclyAccessible=True, StorageEncrypted=False, **common)
    rds.create_db_instance(DBInstanceIdentifier="good-db", PubliclyAccessible=False, StorageEncrypted=True,
                           DeletionProtection=True, BackupRetentionPeriod=14, **common)  # fmt: skip
    for policy in ("aws-rds-instance-public-forbidden", "aws-rds-instance-encryption-required"):
        out += [(policy, "bad-db", True), (policy, "good-db", False)]
    secrets = c["secretsmanager"]
    secrets.create_secret(Name="bad-secret", SecretString="x")
    out += [("aws-secretsmanager-secret-rotation-enabled", "bad-secret", True)]
    trail = c["cloudtrail"]
    trail.create_trail(Name="bad-trail", S3BucketName="good-bucket")
    trail.create_trail(Name="good-trail", S3BucketName="good-bucket", IsMultiRegionTrail=True,
                       EnableLogFileValidation=True)  # fmt: skip
    trail.start_logging(Name="good-trail")
    out += [("aws-cloudtrail-trail-validated", "bad-trail", True),
            ("aws-cloudtrail-trail-validated", "good-trail", False)]  # fmt: skip
    backup = c["backup"]
    backup.create_backup_vault(BackupVaultName="bad-vault", BackupVaultTags={"compliance": "hipaa"})
    backup.create_backup_vault(BackupVaultName="good-vault", BackupVaultTags={"compliance": "hipaa"})
    backup.put_backup_vault_lock_configuration(BackupVaultName="good-vault", MinRetentionDays=30)
    out += [
        ("aws-backup-vault-locked-hipaa", "bad-vault", True),
        ("aws-backup-vault-locked-hipaa", "good-vault", False),
    ]
    return out


def _zip() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:db"
PLAIN_DISK = {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "Encrypted": False}}
SEALED_DISK = {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "Encrypted": True}}


def seed_platform(c: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """Compute, networking, analytics and ML services: a bad and a good twin each."""
    out: list[tuple[str, str, bool]] = []
    role = c["iam"].create_role(RoleName="service-role", AssumeRolePolicyDocument=doc(ASSUME_EC2))["Role"]["Arn"]
    ec2 = c["ec2"]
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.8.{i}.0/24", AvailabilityZone=f"{REGION}{z}")["Subnet"]["SubnetId"]
        for i, z in ((1, "a"), (2, "b"))
    ]
    eks = c["eks"]
    eks.create_cluster(name="bad-eks", roleArn=role, resourcesVpcConfig={"subnetIds": subnets})
    eks.create_cluster(
        name="good-eks", roleArn=role,
        resourcesVpcConfig={"subnetIds": subnets, "endpointPublicAccess": False, "endpointPrivateAccess": True},
        logging={"clusterLogging": [{"types": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
                                     "enabled": True}]},
        encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k"}}],
    )  # fmt: skip
    for policy in ("aws-eks-cluster-endpoint-restricted", "aws-eks-cluster-logging-enabled",
                   "aws-eks-cluster-secrets-encrypted"):  # fmt: skip
        out += [(policy, "bad-eks", True), (policy, "good-eks", False)]
    eks.create_nodegroup(clusterName="bad-eks", nodegroupName="ssh", subnets=subnets, nodeRole=role,
                         remoteAccess={"ec2SshKey": "ops"})  # fmt: skip
    bastion = ec2.create_security_group(GroupName="bastion", Description="bastion", VpcId=vpc)["GroupId"]
    eks.create_nodegroup(clusterName="good-eks", nodegroupName="ssm", subnets=subnets, nodeRole=role,
                         remoteAccess={"ec2SshKey": "ops", "sourceSecurityGroups": [bastion]})  # fmt: skip
    out += [("aws-eks-nodegroup-ssh-restricted", "bad-eks/ssh", True),
            ("aws-eks-nodegroup-ssh-restricted", "good-eks/ssm", False)]  # fmt: skip
    cache = c["elasticache"]
    cache.create_replication_group(ReplicationGroupId="bad-cache", ReplicationGroupDescription="plain",
                                   Engine="redis", CacheNodeType="cache.t3.micro")  # fmt: skip
    cache.create_replication_group(ReplicationGroupId="good-cache", ReplicationGroupDescription="tls",
                                   Engine="redis", CacheNodeType="cache.t3.micro", AtRestEncryptionEnabled=True,
                                   TransitEncryptionEnabled=True)  # fmt: skip
    for policy in ("aws-elasticache-replicationgroup-encryption-required",
                   "aws-elasticache-replicationgroup-transit-encrypted"):  # fmt: skip
        out += [(policy, "bad-cache", True), (policy, "good-cache", False)]
    elb = c["elbv2"]
    lb = elb.create_load_balancer(Name="web", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    group = elb.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0][
        "TargetGroupArn"
    ]
    elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=8080,
                        DefaultActions=[{"Type": "forward", "TargetGroupArn": group}])  # fmt: skip
    to_https = {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}
    elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                        DefaultActions=[{"Type": "redirect", "RedirectConfig": to_https}])  # fmt: skip
    out += [("aws-lb-listener-https-required", "web:8080", True), ("aws-lb-listener-https-required", "web:80", False)]
    redshift = c["redshift"]
    common = {"NodeType": "dc2.large", "MasterUsername": "admin", "MasterUserPassword": "Correct-Horse-1"}
    redshift.create_cluster(ClusterIdentifier="bad-warehouse", PubliclyAccessible=True, **common)
    redshift.create_cluster(ClusterIdentifier="good-warehouse", PubliclyAccessible=False, Encrypted=True, **common)
    out += [("aws-redshift-cluster-public-forbidden", "bad-warehouse", True),
            ("aws-redshift-cluster-public-forbidden", "good-warehouse", False)]  # fmt: skip
    sm = c["sagemaker"]
    sm.create_notebook_instance(NotebookInstanceName="bad-lab", InstanceType="ml.t3.medium", RoleArn=role)
    sm.create_notebook_instance(NotebookInstanceName="good-lab", InstanceType="ml.t3.medium", RoleArn=role,
                                SubnetId=subnets[0], SecurityGroupIds=[], DirectInternetAccess="Disabled",
                                RootAccess="Disabled")  # fmt: skip
    for policy in ("aws-sagemaker-notebook-internet-disabled", "aws-sagemaker-notebook-root-disabled"):
        out += [(policy, "bad-lab", True), (policy, "good-lab", False)]
    search = c["opensearch"]
    search.create_domain(DomainName="bad-search")
    search.create_domain(
        DomainName="good-search", EncryptionAtRestOptions={"Enabled": True},
        NodeToNodeEncryptionOptions={"Enabled": True},
        DomainEndpointOptions={"EnforceHTTPS": True, "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"},
    )  # fmt: skip
    for policy in ("aws-opensearch-domain-encryption-required", "aws-opensearch-domain-transit-encrypted"):
        out += [(policy, "bad-search", True), (policy, "good-search", False)]
    kafka = c["kafka"]
    brokers = {"InstanceType": "kafka.m5.large", "ClientSubnets": subnets}
    for name, client_broker in (("bad-kafka", "TLS_PLAINTEXT"), ("good-kafka", "TLS")):
        kafka.create_cluster(
            ClusterName=name, KafkaVersion="3.6.0", NumberOfBrokerNodes=2, BrokerNodeGroupInfo=brokers,
            EncryptionInfo={"EncryptionInTransit": {"ClientBroker": client_broker, "InCluster": True}},
        )  # fmt: skip
    out += [("aws-msk-cluster-transit-encrypted", "bad-kafka", True),
            ("aws-msk-cluster-transit-encrypted", "good-kafka", False)]  # fmt: skip
    ecs = c["ecs"]
    ecs.register_task_definition(family="bad-task", containerDefinitions=[
        {"name": "app", "image": "app:1", "memory": 128,
         "environment": [{"name": "DB_PASSWORD", "value": "hunter2xyzQ9v8w"}]}])  # fmt: skip
    ecs.register_task_definition(family="good-task", containerDefinitions=[
        {"name": "app", "image": "app:1", "memory": 128,
         "secrets": [{"name": "DB_PASSWORD", "valueFrom": SECRET_ARN}]}])  # fmt: skip
    out += [("aws-ecs-taskdefinition-secrets-forbidden", "bad-task:1", True),
            ("aws-ecs-taskdefinition-secrets-forbidden", "good-task:1", False)]  # fmt: skip
    lam = c["lambda"]
    for name, auth in (("bad-fn", "NONE"), ("good-fn", "AWS_IAM")):
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="handler.handler",
                            Code={"ZipFile": _zip()},
                            Environment={"Variables": {"API_TOKEN": "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"}
                                         if name == "bad-fn" else {"LOG_LEVEL": "info"}})  # fmt: skip
        lam.create_function_url_config(FunctionName=name, AuthType=auth)
    for policy in ("aws-lambda-functionurl-auth-required", "aws-lambda-function-secrets-forbidden"):
        out += [(policy, "bad-fn", True), (policy, "good-fn", False)]
    lam.add_permission(FunctionName="bad-fn", StatementId="anyone", Action="lambda:InvokeFunction", Principal="*")
    lam.add_permission(FunctionName="good-fn", StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::good-bucket")  # fmt: skip
    out += [("aws-lambda-permission-public-forbidden", "bad-fn/anyone", True),
            ("aws-lambda-permission-public-forbidden", "good-fn/s3", False)]  # fmt: skip
    rds = c["rds"]
    rds.create_db_parameter_group(DBParameterGroupName="bad-pg", DBParameterGroupFamily="postgres14", Description="x")
    rds.modify_db_parameter_group(DBParameterGroupName="bad-pg", Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "0", "ApplyMethod": "immediate"}])  # fmt: skip
    rds.create_db_parameter_group(DBParameterGroupName="good-pg", DBParameterGroupFamily="postgres14", Description="x")
    rds.modify_db_parameter_group(DBParameterGroupName="good-pg", Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}])  # fmt: skip
    out += [("aws-rds-parametergroup-ssl-required", "bad-pg", True),
            ("aws-rds-parametergroup-ssl-required", "good-pg", False)]  # fmt: skip
    backup = c["backup"]
    for name, days in (("bad-plan", 7), ("good-plan", 40)):
        backup.create_backup_plan(BackupPlan={"BackupPlanName": name, "Rules": [
            {"RuleName": "daily", "TargetBackupVaultName": "good-vault", "ScheduleExpression": "cron(0 5 * * ? *)",
             "Lifecycle": {"DeleteAfterDays": days}}]})  # fmt: skip
    out += [("aws-backup-plan-retention-minimum", "bad-plan", True),
            ("aws-backup-plan-retention-minimum", "good-plan", False)]  # fmt: skip
    templates = c["ec2"]
    templates.create_launch_template(LaunchTemplateName="bad-template", LaunchTemplateData={
        "ImageId": "ami-12c6146b", "MetadataOptions": {"HttpTokens": "optional"},
        "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": True}],
        "BlockDeviceMappings": [PLAIN_DISK]})  # fmt: skip
    templates.create_launch_template(LaunchTemplateName="good-template", LaunchTemplateData={
        "ImageId": "ami-12c6146b", "MetadataOptions": {"HttpTokens": "required"},
        "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": False}],
        "BlockDeviceMappings": [SEALED_DISK]})  # fmt: skip
    for policy in ("aws-ec2-instance-imdsv2-required", "aws-ec2-instance-public-ip-forbidden",
                   "aws-ec2-launchtemplate-volumes-encrypted"):  # fmt: skip
        out += [(policy, "bad-template", True), (policy, "good-template", False)]
    volume = templates.create_volume(AvailabilityZone=f"{REGION}a", Size=1, Encrypted=True)["VolumeId"]
    public = templates.create_snapshot(VolumeId=volume, Description="public")["SnapshotId"]
    templates.modify_snapshot_attribute(SnapshotId=public, Attribute="createVolumePermission",
                                        OperationType="add", GroupNames=["all"])  # fmt: skip
    out += [("aws-ec2-snapshot-sharing-restricted", public, True)]
    secrets = c["secretsmanager"]
    fn = c["lambda"].get_function(FunctionName="good-fn")["Configuration"]["FunctionArn"]
    secrets.create_secret(Name="good-secret", SecretString="x")
    secrets.rotate_secret(SecretId="good-secret", RotationLambdaARN=fn, RotationRules={"AutomaticallyAfterDays": 30})
    out += [("aws-secretsmanager-secret-rotation-enabled", "good-secret", False)]
    out += seed_databases(c)
    return out


def seed_databases(c: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """Aurora members, cluster snapshots and parameter groups, and AMIs: shared or public, or not."""
    out: list[tuple[str, str, bool]] = []
    rds = c["rds"]
    rds.create_db_cluster(DBClusterIdentifier="aurora", Engine="aurora-postgresql", MasterUsername="admin",
                          MasterUserPassword="correct-horse-battery", StorageEncrypted=True)  # fmt: skip
    for name, public in (("bad-member", True), ("good-member", False)):
        rds.create_db_instance(DBInstanceIdentifier=name, DBClusterIdentifier="aurora", Engine="aurora-postgresql",
                               DBInstanceClass="db.r6g.large", PubliclyAccessible=public)  # fmt: skip
    out += [("aws-rds-instance-public-forbidden", "bad-member", True),
            ("aws-rds-instance-public-forbidden", "good-member", False)]  # fmt: skip
    for name, shared in (("bad-cluster-snap", ["all"]), ("good-cluster-snap", [])):
        rds.create_db_cluster_snapshot(DBClusterIdentifier="aurora", DBClusterSnapshotIdentifier=name)
        if shared:
            rds.modify_db_cluster_snapshot_attribute(DBClusterSnapshotIdentifier=name, AttributeName="restore",
                                                     ValuesToAdd=shared)  # fmt: skip
    out += [("aws-rds-snapshot-public-forbidden", "bad-cluster-snap", True),
            ("aws-rds-snapshot-public-forbidden", "good-cluster-snap", False)]  # fmt: skip
    ec2 = c["ec2"]
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    for name, public in (("bad-image", True), ("good-image", False)):
        image = ec2.create_image(InstanceId=instance, Name=name)["ImageId"]
        if public:
            ec2.modify_image_attribute(ImageId=image, LaunchPermission={"Add": [{"Group": "all"}]})
            out.append(("aws-ec2-snapshot-sharing-restricted", image, True))
    asg = c["autoscaling"]
    asg.create_launch_configuration(LaunchConfigurationName="bad-lc", ImageId="ami-12c6146b",
                                    InstanceType="t3.micro", AssociatePublicIpAddress=True)  # fmt: skip
    asg.create_launch_configuration(LaunchConfigurationName="good-lc", ImageId="ami-12c6146b",
                                    InstanceType="t3.micro", AssociatePublicIpAddress=False)  # fmt: skip
    out += [("aws-ec2-instance-public-ip-forbidden", "bad-lc", True),
            ("aws-ec2-instance-public-ip-forbidden", "good-lc", False)]  # fmt: skip
    sm = c["sagemaker"]
    role = c["iam"].get_role(RoleName="service-role")["Role"]["Arn"]
    sm.create_model(
        ModelName="m", ExecutionRoleArn=role, PrimaryContainer={"Image": "123.dkr.ecr.eu-west-1.amazonaws.com/m:1"}
    )
    variant = [{"VariantName": "v", "ModelName": "m", "InitialInstanceCount": 1, "InstanceType": "ml.t2.medium"}]
    sm.create_endpoint_config(EndpointConfigName="bad-endpoint", ProductionVariants=variant)
    sm.create_endpoint_config(EndpointConfigName="good-endpoint", ProductionVariants=variant,
                              KmsKeyId=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k")  # fmt: skip
    out += [("aws-kms-cmk-required", "bad-endpoint", True), ("aws-kms-cmk-required", "good-endpoint", False)]
    return out


def seed(endpoint: str) -> list[tuple[str, str, bool]]:
    """Seed the account; the expectations for every check (the account-level ones start failing)."""
    c = clients(endpoint)
    expected = seed_s3(c) + seed_ec2(c) + seed_iam(c) + seed_data(c) + seed_platform(c)
    expected += [
        ("aws-s3-bucket-public-access-blocked", f"account {ACCOUNT}", True),
        ("aws-ebs-encryptionbydefault-enabled", f"EBS encryption by default ({REGION})", True),
        ("aws-account-root-mfa-enabled", f"root user of {ACCOUNT}", True),
        ("aws-iam-passwordpolicy-strength-required", f"password policy of {ACCOUNT}", True),
        ("aws-guardduty-detector-enabled", f"region {REGION}", True),
    ]
    return expected
