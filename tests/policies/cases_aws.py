"""AWS policy cases, merged into tests/policies/cases.py's CASES: happy props as the engine sends them
(camelCase, numbers as floats) and one mutation per condition each policy checks.

``NOT_APPLICABLE`` lists, per policy, resources of its own types that the rule it follows leaves
alone (an egress rule, an engine without the setting, a secure default): they must pass.
"""

from __future__ import annotations

import base64
import json

from tests.policies.harness import DELETE

ACCOUNT = "123456789012"
KEY_ARN = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/app"
TLS_DENY = {
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}
READ_BY_ROLE = {"Sid": "AppRead", "Effect": "Allow", "Principal": {"AWS": ROLE_ARN}, "Action": "s3:GetObject"}
PUBLIC_READ = {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


SNS_TO_QUEUE = {
    "Effect": "Allow",
    "Principal": {"Service": "sns.amazonaws.com"},
    "Action": "sqs:SendMessage",
    "Resource": f"arn:aws:sqs:eu-west-1:{ACCOUNT}:q",
    "Condition": {"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:eu-west-1:{ACCOUNT}:t"}},
}
TOPIC_DEFAULT = {
    "Effect": "Allow",
    "Principal": {"AWS": "*"},
    "Action": ["SNS:Publish", "SNS:Subscribe"],
    "Resource": f"arn:aws:sns:eu-west-1:{ACCOUNT}:t",
    "Condition": {"StringEquals": {"AWS:SourceOwner": ACCOUNT}},
}
KEY_ROOT = {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*"}
KEY_VIA_S3 = {
    "Sid": "ViaS3",
    "Effect": "Allow",
    "Principal": {"AWS": "*"},
    "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
    "Resource": "*",
    "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT, "kms:ViaService": "s3.eu-west-1.amazonaws.com"}},
}
OIDC = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"
IRSA_TRUST = {
    "Effect": "Allow",
    "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{OIDC}"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {f"{OIDC}:sub": "system:serviceaccount:tenant-acme:workload"}},
}
ALL_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
CONTAINERS = [
    {
        "name": "app",
        "image": "registry.example.com/app:1.4.2",
        "environment": [{"name": "LOG_LEVEL", "value": "info"}],
        "secrets": [
            {"name": "DB_PASSWORD", "valueFrom": f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:db-AbCdEf"}
        ],
    }
]
LEAKY_CONTAINERS = [
    {**CONTAINERS[0], "environment": [{"name": "DB_PASSWORD", "value": "hunter2hunter2"}]},
]

# name: (type, good props, [(path, bad value), ...], a path whose unknown value must stop the check)
AWS_CASES: dict[str, tuple[str, dict, list, str]] = {
    "aws-ec2-securitygroup-ingress-restricted": (
        "aws:ec2/securityGroup:SecurityGroup",
        {
            "ingress": [
                {"protocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrBlocks": ["0.0.0.0/0"]},
                {"protocol": "tcp", "fromPort": 8080.0, "toPort": 8080.0, "cidrBlocks": ["10.0.0.0/8"]},
            ]
        },
        [
            ("ingress.1.cidrBlocks", ["0.0.0.0/0"]),
            ("ingress.0", {"protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "ipv6CidrBlocks": ["::/0"]}),
        ],
        "ingress",
    ),
    "aws-ec2-networkacl-admin-ports-restricted": (
        "aws:ec2/networkAcl:NetworkAcl",
        {
            "vpcId": "vpc-1",
            "ingress": [
                {
                    "ruleNo": 100.0,
                    "action": "allow",
                    "protocol": "tcp",
                    "fromPort": 443.0,
                    "toPort": 443.0,
                    "cidrBlock": "0.0.0.0/0",
                },
                {
                    "ruleNo": 200.0,
                    "action": "allow",
                    "protocol": "tcp",
                    "fromPort": 22.0,
                    "toPort": 22.0,
                    "cidrBlock": "10.0.0.0/8",
                },
            ],
        },
        [
            ("ingress.1.cidrBlock", "0.0.0.0/0"),
            (
                "ingress.0",
                {
                    "ruleNo": 100.0,
                    "action": "allow",
                    "protocol": "-1",
                    "fromPort": 0.0,
                    "toPort": 0.0,
                    "ipv6CidrBlock": "::/0",
                },
            ),
        ],
        "ingress",
    ),
    "aws-ec2-defaultsecuritygroup-rules-forbidden": (
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        {"vpcId": "vpc-1", "ingress": [], "egress": []},
        [
            ("ingress", [{"protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "self": True}]),
            ("egress", [{"protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "cidrBlocks": ["0.0.0.0/0"]}]),
        ],
        "ingress",
    ),
    "aws-s3-bucketpolicy-public-forbidden": (
        "aws:s3/bucketPolicy:BucketPolicy",
        {"bucket": "b", "policy": doc(TLS_DENY, READ_BY_ROLE)},
        [
            ("policy", doc(TLS_DENY, PUBLIC_READ)),
            (
                "policy",
                doc(
                    {
                        **PUBLIC_READ,
                        "Principal": {"AWS": ["*"]},
                        "Condition": {"StringLike": {"aws:SourceArn": "arn:aws:s3:::*"}},
                    }
                ),
            ),
            ("policy", doc({"Effect": "Allow", "NotPrincipal": {"AWS": ROLE_ARN}, "Action": "s3:GetObject"})),
        ],
        "policy",
    ),
    "aws-s3-bucket-ownership-enforced": (
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        {"bucket": "b", "rule": {"objectOwnership": "BucketOwnerEnforced"}},
        [("rule.objectOwnership", "ObjectWriter"), ("rule.objectOwnership", "BucketOwnerPreferred")],
        "rule.objectOwnership",
    ),
    "aws-rds-snapshot-public-forbidden": (
        "aws:rds/snapshot:Snapshot",
        {"dbInstanceIdentifier": "db", "dbSnapshotIdentifier": "s", "sharedAccounts": [ACCOUNT]},
        [("sharedAccounts", ["all"]), ("sharedAccounts", [ACCOUNT, "all"])],
        "sharedAccounts",
    ),
    "aws-ec2-snapshot-sharing-restricted": (
        "aws:ec2/amiLaunchPermission:AmiLaunchPermission",
        {"imageId": "ami-0abc", "accountId": ACCOUNT},
        [("group", "all")],
        "group",
    ),
    "aws-sqs-queue-public-forbidden": (
        "aws:sqs/queuePolicy:QueuePolicy",
        {"queueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/q", "policy": doc(SNS_TO_QUEUE)},
        [
            ("policy", doc({**SNS_TO_QUEUE, "Principal": "*", "Condition": {}})),
            (
                "policy",
                doc(
                    {**SNS_TO_QUEUE, "Principal": "*", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:*"}}}
                ),
            ),
        ],
        "policy",
    ),
    "aws-sns-topic-public-forbidden": (
        "aws:sns/topicPolicy:TopicPolicy",
        {"arn": f"arn:aws:sns:eu-west-1:{ACCOUNT}:t", "policy": doc(TOPIC_DEFAULT)},
        [
            ("policy", doc({k: v for k, v in TOPIC_DEFAULT.items() if k != "Condition"})),
            ("policy", doc({**TOPIC_DEFAULT, "Condition": {"StringNotEquals": {"AWS:SourceOwner": "999999999999"}}})),
        ],
        "policy",
    ),
    "aws-ecr-repository-public-forbidden": (
        "aws:ecr/repositoryPolicy:RepositoryPolicy",
        {
            "repository": "app",
            "policy": doc(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                    "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                }
            ),
        },
        [
            ("policy", doc({"Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage"]})),
            ("policy", doc({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "ecr:*"})),
        ],
        "policy",
    ),
    "aws-kms-key-public-forbidden": (
        "aws:kms/key:Key",
        {"enableKeyRotation": True, "policy": doc(KEY_ROOT, KEY_VIA_S3)},
        [
            ("policy", doc(KEY_ROOT, {k: v for k, v in KEY_VIA_S3.items() if k != "Condition"})),
            (
                "policy",
                doc(KEY_ROOT, {**KEY_VIA_S3, "Condition": {"StringEqualsIfExists": {"kms:CallerAccount": ACCOUNT}}}),
            ),
        ],
        "policy",
    ),
    "aws-secretsmanager-secret-public-forbidden": (
        "aws:secretsmanager/secretPolicy:SecretPolicy",
        {
            "secretArn": f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:db-AbCdEf",
            "policy": doc(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": ROLE_ARN},
                    "Action": "secretsmanager:GetSecretValue",
                    "Resource": "*",
                }
            ),
        },
        [
            (
                "policy",
                doc(
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "*"},
                        "Action": "secretsmanager:GetSecretValue",
                        "Resource": "*",
                    }
                ),
            ),
        ],
        "policy",
    ),
    "aws-lambda-permission-public-forbidden": (
        "aws:lambda/permission:Permission",
        {"action": "lambda:InvokeFunction", "function": "f", "principal": ACCOUNT},
        [("principal", "*"), ("principal", " * ")],
        "principal",
    ),
    "aws-lambda-functionurl-auth-required": (
        "aws:lambda/functionUrl:FunctionUrl",
        {"functionName": "f", "authorizationType": "AWS_IAM"},
        [("authorizationType", "NONE")],
        "authorizationType",
    ),
    "aws-redshift-cluster-public-forbidden": (
        "aws:redshift/cluster:Cluster",
        {"clusterIdentifier": "dw", "nodeType": "ra3.xlplus", "publiclyAccessible": False},
        [("publiclyAccessible", True)],
        "publiclyAccessible",
    ),
    "aws-eks-cluster-endpoint-restricted": (
        "aws:eks/cluster:Cluster",
        {
            "roleArn": ROLE_ARN,
            "vpcConfig": {
                "subnetIds": ["subnet-1"],
                "endpointPublicAccess": True,
                "publicAccessCidrs": ["203.0.113.0/24"],
            },
        },
        [
            ("vpcConfig.publicAccessCidrs", ["203.0.113.0/24", "0.0.0.0/0"]),
            ("vpcConfig.publicAccessCidrs", DELETE),
            ("vpcConfig.publicAccessCidrs", []),
        ],
        "vpcConfig.endpointPublicAccess",
    ),
    "aws-eks-cluster-secrets-encrypted": (
        "aws:eks/cluster:Cluster",
        {"roleArn": ROLE_ARN, "encryptionConfig": {"resources": ["secrets"], "provider": {"keyArn": KEY_ARN}}},
        [("encryptionConfig", DELETE), ("encryptionConfig.resources", []), ("encryptionConfig.provider", {})],
        "encryptionConfig.resources",
    ),
    "aws-eks-cluster-logging-enabled": (
        "aws:eks/cluster:Cluster",
        {"roleArn": ROLE_ARN, "enabledClusterLogTypes": ALL_LOG_TYPES},
        [("enabledClusterLogTypes", ["api", "authenticator"]), ("enabledClusterLogTypes", DELETE)],
        "enabledClusterLogTypes",
    ),
    "aws-eks-nodegroup-ssh-restricted": (
        "aws:eks/nodeGroup:NodeGroup",
        {"clusterName": "c", "remoteAccess": {"ec2SshKey": "ops", "sourceSecurityGroupIds": ["sg-bastion"]}},
        [("remoteAccess.sourceSecurityGroupIds", DELETE), ("remoteAccess.sourceSecurityGroupIds", [])],
        "remoteAccess",
    ),
    "aws-ec2-subnet-public-ip-disabled": (
        "aws:ec2/subnet:Subnet",
        {"vpcId": "vpc-1", "cidrBlock": "10.0.1.0/24", "mapPublicIpOnLaunch": False},
        [("mapPublicIpOnLaunch", True)],
        "mapPublicIpOnLaunch",
    ),
    "aws-ec2-instance-sourcedestcheck-enabled": (
        "aws:ec2/instance:Instance",
        {"ami": "ami-0abc", "instanceType": "t3.micro", "sourceDestCheck": True},
        [("sourceDestCheck", False)],
        "sourceDestCheck",
    ),
    "aws-msk-cluster-transit-encrypted": (
        "aws:msk/cluster:Cluster",
        {"clusterName": "k", "encryptionInfo": {"encryptionInTransit": {"clientBroker": "TLS", "inCluster": True}}},
        [
            ("encryptionInfo.encryptionInTransit.clientBroker", "TLS_PLAINTEXT"),
            ("encryptionInfo.encryptionInTransit.clientBroker", "PLAINTEXT"),
            ("encryptionInfo.encryptionInTransit.inCluster", False),
        ],
        "encryptionInfo.encryptionInTransit.clientBroker",
    ),
    "aws-elasticache-replicationgroup-transit-encrypted": (
        "aws:elasticache/replicationGroup:ReplicationGroup",
        {"description": "cache", "engine": "redis", "transitEncryptionEnabled": True},
        [
            ("transitEncryptionEnabled", False),
            ("transitEncryptionEnabled", DELETE),
            ("transitEncryptionMode", "preferred"),
        ],
        "transitEncryptionEnabled",
    ),
    "aws-opensearch-domain-transit-encrypted": (
        "aws:opensearch/domain:Domain",
        {
            "domainName": "search",
            "nodeToNodeEncryption": {"enabled": True},
            "domainEndpointOptions": {"enforceHttps": True, "tlsSecurityPolicy": "Policy-Min-TLS-1-2-PFS-2023-10"},
        },
        [
            ("nodeToNodeEncryption.enabled", False),
            ("nodeToNodeEncryption", DELETE),
            ("domainEndpointOptions.enforceHttps", False),
            ("domainEndpointOptions.tlsSecurityPolicy", "Policy-Min-TLS-1-0-2019-07"),
            ("domainEndpointOptions.tlsSecurityPolicy", DELETE),
        ],
        "nodeToNodeEncryption.enabled",
    ),
    "aws-lb-listener-https-required": (
        "aws:lb/listener:Listener",
        {
            "loadBalancerArn": "arn:lb",
            "port": 443.0,
            "protocol": "HTTPS",
            "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "defaultActions": [{"type": "forward"}],
        },
        [("protocol", "HTTP"), ("protocol", DELETE)],
        "protocol",
    ),
    "aws-lb-listener-tls-current": (
        "aws:lb/listener:Listener",
        {
            "loadBalancerArn": "arn:lb",
            "port": 443.0,
            "protocol": "HTTPS",
            "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        },
        [
            ("sslPolicy", "ELBSecurityPolicy-2016-08"),
            ("sslPolicy", DELETE),
            ("sslPolicy", "ELBSecurityPolicy-TLS13-1-1-2021-06"),
        ],
        "sslPolicy",
    ),
    "aws-rds-parametergroup-ssl-required": (
        "aws:rds/parameterGroup:ParameterGroup",
        {"family": "postgres14", "parameters": [{"name": "rds.force_ssl", "value": "1"}]},
        [("parameters.0.value", "0"), ("parameters", []), ("family", "mysql8.0")],
        "parameters",
    ),
    "aws-sqs-queue-encryption-required": (
        "aws:sqs/queue:Queue",
        {"name": "q", "kmsMasterKeyId": KEY_ARN},
        [("kmsMasterKeyId", DELETE), ("kmsMasterKeyId", "")],
        "kmsMasterKeyId",
    ),
    "aws-sns-topic-encryption-required": (
        "aws:sns/topic:Topic",
        {"name": "t", "kmsMasterKeyId": KEY_ARN},
        [("kmsMasterKeyId", DELETE)],
        "kmsMasterKeyId",
    ),
    "aws-kinesis-stream-encryption-required": (
        "aws:kinesis/stream:Stream",
        {"name": "s", "encryptionType": "KMS", "kmsKeyId": KEY_ARN},
        [("encryptionType", "NONE"), ("encryptionType", DELETE), ("kmsKeyId", DELETE)],
        "encryptionType",
    ),
    "aws-efs-filesystem-encryption-required": (
        "aws:efs/fileSystem:FileSystem",
        {"encrypted": True, "kmsKeyId": KEY_ARN},
        [("encrypted", False), ("encrypted", DELETE)],
        "encrypted",
    ),
    "aws-elasticache-replicationgroup-encryption-required": (
        "aws:elasticache/replicationGroup:ReplicationGroup",
        {"description": "cache", "engine": "redis", "atRestEncryptionEnabled": True},
        [("atRestEncryptionEnabled", False), ("atRestEncryptionEnabled", DELETE)],
        "atRestEncryptionEnabled",
    ),
    "aws-opensearch-domain-encryption-required": (
        "aws:opensearch/domain:Domain",
        {"domainName": "search", "encryptAtRest": {"enabled": True, "kmsKeyId": KEY_ARN}},
        [("encryptAtRest.enabled", False), ("encryptAtRest", DELETE)],
        "encryptAtRest.enabled",
    ),
    "aws-ec2-instance-volumes-encrypted": (
        "aws:ec2/instance:Instance",
        {
            "ami": "ami-0abc",
            "instanceType": "t3.micro",
            "rootBlockDevice": {"encrypted": True, "kmsKeyId": KEY_ARN},
            "ebsBlockDevices": [{"deviceName": "/dev/sdf", "encrypted": True}],
        },
        [("rootBlockDevice.encrypted", False), ("rootBlockDevice", DELETE), ("ebsBlockDevices.0.encrypted", False)],
        "rootBlockDevice",
    ),
    "aws-ec2-launchtemplate-volumes-encrypted": (
        "aws:ec2/launchTemplate:LaunchTemplate",
        {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true", "volumeSize": 20.0}}]},
        [("blockDeviceMappings.0.ebs.encrypted", "false"), ("blockDeviceMappings.0.ebs.encrypted", DELETE)],
        "blockDeviceMappings",
    ),
    "aws-kms-cmk-required": (
        "aws:cloudwatch/logGroup:LogGroup",
        {"name": "/plinth/app", "retentionInDays": 400.0, "kmsKeyId": KEY_ARN},
        [("kmsKeyId", DELETE), ("kmsKeyId", f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/aws/logs")],
        "kmsKeyId",
    ),
    "aws-iam-role-trust-restricted": (
        "aws:iam/role:Role",
        {"name": "workload", "assumeRolePolicy": doc(IRSA_TRUST)},
        [
            ("assumeRolePolicy", doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"})),
            (
                "assumeRolePolicy",
                doc(
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "sts:AssumeRole",
                        "Condition": {"StringEquals": {"sts:ExternalId": "partner-42"}},
                    }
                ),
            ),
        ],
        "assumeRolePolicy",
    ),
    "aws-iam-user-policy-forbidden": (
        "aws:iam/policyAttachment:PolicyAttachment",
        {"name": "readers", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "groups": ["auditors"], "users": []},
        [("users", ["alice"])],
        "users",
    ),
    "aws-iam-accesskey-forbidden": (
        "aws:iam/accessKey:AccessKey",
        {"user": "legacy-integration", "status": "Inactive"},
        [("status", "Active"), ("status", DELETE)],
        "status",
    ),
    "aws-sagemaker-notebook-root-disabled": (
        "aws:sagemaker/notebookInstance:NotebookInstance",
        {"instanceType": "ml.t3.medium", "roleArn": ROLE_ARN, "rootAccess": "Disabled"},
        [("rootAccess", "Enabled"), ("rootAccess", DELETE)],
        "rootAccess",
    ),
    "aws-sagemaker-notebook-internet-disabled": (
        "aws:sagemaker/notebookInstance:NotebookInstance",
        {
            "instanceType": "ml.t3.medium",
            "roleArn": ROLE_ARN,
            "directInternetAccess": "Disabled",
            "subnetId": "subnet-1",
            "securityGroups": ["sg-1"],
        },
        [("directInternetAccess", "Enabled"), ("directInternetAccess", DELETE)],
        "directInternetAccess",
    ),
    "aws-lambda-function-secrets-forbidden": (
        "aws:lambda/function:Function",
        {
            "role": ROLE_ARN,
            "runtime": "python3.12",
            "environment": {
                "variables": {
                    "LOG_LEVEL": "info",
                    "DB_PASSWORD_ARN": f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:db-AbCdEf",
                }
            },
        },
        [
            ("environment.variables.DB_PASSWORD", "hunter2hunter2"),
            ("environment.variables.UPLOAD_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
        ],
        "environment.variables.LOG_LEVEL",
    ),
    "aws-ecs-taskdefinition-secrets-forbidden": (
        "aws:ecs/taskDefinition:TaskDefinition",
        {"family": "app", "containerDefinitions": json.dumps(CONTAINERS)},
        [("containerDefinitions", json.dumps(LEAKY_CONTAINERS))],
        "containerDefinitions",
    ),
    "aws-ec2-instance-userdata-secrets-forbidden": (
        "aws:ec2/instance:Instance",
        {"ami": "ami-0abc", "instanceType": "t3.micro", "userData": "#!/bin/bash\nexport APP_ENV=prod\n"},
        [
            ("userData", "#!/bin/bash\nexport DB_PASSWORD='hunter2hunter2'\n"),
            ("userDataBase64", base64.b64encode(b"aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE").decode()),
        ],
        "userData",
    ),
    "aws-rds-database-deletion-protected": (
        "aws:rds/cluster:Cluster",
        {"engine": "aurora-postgresql", "deletionProtection": True},
        [("deletionProtection", False), ("deletionProtection", DELETE)],
        "deletionProtection",
    ),
    "aws-dynamodb-table-pitr-enabled": (
        "aws:dynamodb/table:Table",
        {"name": "t", "pointInTimeRecovery": {"enabled": True}},
        [("pointInTimeRecovery.enabled", False), ("pointInTimeRecovery", DELETE)],
        "pointInTimeRecovery.enabled",
    ),
    "aws-rds-cluster-backtrack-enabled": (
        "aws:rds/cluster:Cluster",
        {"engine": "aurora-mysql", "backtrackWindow": 86400.0},
        [("backtrackWindow", 0.0), ("backtrackWindow", DELETE)],
        "engine",
    ),
    "aws-ebs-encryptionbydefault-enabled": (
        "aws:ebs/encryptionByDefault:EncryptionByDefault",
        {"enabled": True},
        [("enabled", False)],
        "enabled",
    ),
    "aws-cloudwatch-loggroup-retention-set": (
        "aws:cloudwatch/logGroup:LogGroup",
        {"name": "/plinth/app", "retentionInDays": 400.0},
        [("retentionInDays", 30.0), ("retentionInDays", DELETE)],
        "retentionInDays",
    ),
}

# name: [(type, props), ...] that the policy's rule does not apply to, or that are secure by default.
NOT_APPLICABLE: dict[str, list[tuple[str, dict]]] = {
    "aws-ec2-securitygroup-admin-ports-restricted": [
        (
            "aws:ec2/securityGroupRule:SecurityGroupRule",
            {"type": "egress", "protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "cidrBlocks": ["0.0.0.0/0"]},
        ),
        (
            "aws:ec2/securityGroup:SecurityGroup",
            {"ingress": [{"protocol": "icmp", "fromPort": -1.0, "toPort": -1.0, "cidrBlocks": ["0.0.0.0/0"]}]},
        ),
    ],
    "aws-ec2-securitygroup-ingress-restricted": [
        # SSH to the world is the admin-ports policy's finding, not reported twice.
        (
            "aws:ec2/securityGroup:SecurityGroup",
            {"ingress": [{"protocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "cidrBlocks": ["0.0.0.0/0"]}]},
        ),
        (
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            {"securityGroupId": "sg", "ipProtocol": "tcp", "fromPort": 80.0, "toPort": 80.0, "cidrIpv4": "0.0.0.0/0"},
        ),
    ],
    "aws-ec2-networkacl-admin-ports-restricted": [
        (
            "aws:ec2/networkAclRule:NetworkAclRule",
            {
                "networkAclId": "acl",
                "ruleNumber": 100.0,
                "egress": True,
                "ruleAction": "allow",
                "protocol": "-1",
                "cidrBlock": "0.0.0.0/0",
            },
        ),
        (
            "aws:ec2/networkAcl:NetworkAcl",
            {
                "ingress": [
                    {
                        "ruleNo": 50.0,
                        "action": "deny",
                        "protocol": "tcp",
                        "fromPort": 22.0,
                        "toPort": 22.0,
                        "cidrBlock": "0.0.0.0/0",
                    },
                    {
                        "ruleNo": 60.0,
                        "action": "deny",
                        "protocol": "tcp",
                        "fromPort": 3389.0,
                        "toPort": 3389.0,
                        "cidrBlock": "0.0.0.0/0",
                    },
                    {
                        "ruleNo": 100.0,
                        "action": "allow",
                        "protocol": "-1",
                        "fromPort": 0.0,
                        "toPort": 0.0,
                        "cidrBlock": "0.0.0.0/0",
                    },
                ]
            },
        ),
    ],
    "aws-s3-bucketpolicy-public-forbidden": [
        ("aws:s3/bucket:Bucket", {"bucket": "b"}),
        (
            "aws:s3/bucketPolicy:BucketPolicy",
            {
                "bucket": "b",
                "policy": doc(
                    TLS_DENY, {**PUBLIC_READ, "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}
                ),
            },
        ),
        (
            "aws:s3/bucketPolicy:BucketPolicy",
            {
                "bucket": "b",
                "policy": doc({**PUBLIC_READ, "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}),
            },
        ),
    ],
    "aws-s3-bucketpolicy-tls-required": [("aws:s3/bucket:Bucket", {"bucket": "b"})],
    "aws-s3-bucket-encryption-required": [("aws:s3/bucket:Bucket", {"bucket": "b"})],
    "aws-s3-bucket-versioning-enabled": [("aws:s3/bucketV2:BucketV2", {"bucket": "b"})],
    "aws-ec2-snapshot-sharing-restricted": [
        (
            "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission",
            {"snapshotId": "snap-1", "accountId": ACCOUNT},
        ),
    ],
    "aws-sqs-queue-public-forbidden": [("aws:sqs/queue:Queue", {"name": "q"})],
    "aws-kms-key-public-forbidden": [("aws:kms/key:Key", {"enableKeyRotation": True})],
    "aws-lambda-permission-public-forbidden": [
        (
            "aws:lambda/permission:Permission",
            {"action": "lambda:InvokeFunction", "function": "f", "principal": "*", "principalOrgId": "o-abc123"},
        ),
        (
            "aws:lambda/layerVersionPermission:LayerVersionPermission",
            {
                "layerName": "l",
                "versionNumber": 1.0,
                "action": "lambda:GetLayerVersion",
                "principal": "*",
                "organizationId": "o-abc123",
            },
        ),
    ],
    "aws-rds-instance-public-forbidden": [
        ("aws:rds/cluster:Cluster", {"engine": "aurora-postgresql"}),
        (
            "aws:rds/cluster:Cluster",
            {"engine": "postgres", "dbClusterInstanceClass": "db.m6gd.large", "dbSubnetGroupName": "private"},
        ),
    ],
    "aws-eks-cluster-endpoint-restricted": [
        (
            "aws:eks/cluster:Cluster",
            {"roleArn": ROLE_ARN, "vpcConfig": {"endpointPublicAccess": False, "endpointPrivateAccess": True}},
        ),
    ],
    "aws-eks-nodegroup-ssh-restricted": [("aws:eks/nodeGroup:NodeGroup", {"clusterName": "c"})],
    "aws-msk-cluster-transit-encrypted": [("aws:msk/cluster:Cluster", {"clusterName": "k"})],
    "aws-opensearch-domain-transit-encrypted": [],
    "aws-lb-listener-https-required": [
        (
            "aws:lb/listener:Listener",
            {
                "protocol": "HTTP",
                "port": 80.0,
                "defaultActions": [
                    {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
                ],
            },
        ),
        ("aws:alb/listener:Listener", {"protocol": "TCP", "port": 5432.0}),
    ],
    "aws-lb-listener-tls-current": [
        ("aws:lb/listener:Listener", {"protocol": "HTTP", "port": 80.0}),
        ("aws:lb/listener:Listener", {"protocol": "TLS", "sslPolicy": "ELBSecurityPolicy-FS-1-2-Res-2020-10"}),
    ],
    "aws-rds-parametergroup-ssl-required": [
        ("aws:rds/parameterGroup:ParameterGroup", {"family": "oracle-ee-19"}),
        ("aws:rds/parameterGroup:ParameterGroup", {"family": "postgres16"}),
        (
            "aws:rds/clusterParameterGroup:ClusterParameterGroup",
            {"family": "aurora-mysql8.0", "parameters": [{"name": "require_secure_transport", "value": "ON"}]},
        ),
    ],
    "aws-sqs-queue-encryption-required": [("aws:sqs/queue:Queue", {"name": "q", "sqsManagedSseEnabled": True})],
    "aws-elasticache-replicationgroup-encryption-required": [
        ("aws:elasticache/replicationGroup:ReplicationGroup", {"description": "c", "engine": "valkey"}),
    ],
    "aws-ec2-instance-volumes-encrypted": [
        ("aws:ec2/instance:Instance", {"ami": "ami-0abc", "launchTemplate": {"name": "lt", "version": "$Latest"}}),
        (
            "aws:ec2/launchConfiguration:LaunchConfiguration",
            {
                "imageId": "ami-0abc",
                "instanceType": "t3.micro",
                "rootBlockDevice": {"encrypted": True},
                "ebsBlockDevices": [{"deviceName": "/dev/sdf", "snapshotId": "snap-1"}],
            },
        ),
    ],
    "aws-ec2-launchtemplate-volumes-encrypted": [("aws:ec2/launchTemplate:LaunchTemplate", {"imageId": "ami-0abc"})],
    "aws-ebs-volume-encryption-required": [
        ("aws:ebs/volume:Volume", {"availabilityZone": "eu-west-1a", "snapshotId": "snap-1"}),
    ],
    "aws-ebs-encryptionbydefault-enabled": [("aws:ebs/encryptionByDefault:EncryptionByDefault", {})],
    "aws-kms-cmk-required": [
        (
            "aws:ecr/repository:Repository",
            {"name": "app", "encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": KEY_ARN}]},
        ),
        ("aws:msk/cluster:Cluster", {"encryptionInfo": {"encryptionAtRestKmsKeyArn": KEY_ARN}}),
        ("aws:opensearch/domain:Domain", {"encryptAtRest": {"enabled": True, "kmsKeyId": KEY_ARN}}),
    ],
    "aws-iam-role-trust-restricted": [
        (
            "aws:iam/role:Role",
            {
                "assumeRolePolicy": doc(
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "*"},
                        "Action": "sts:AssumeRole",
                        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
                    }
                )
            },
        ),
    ],
    "aws-iam-policy-wildcard-forbidden": [("aws:iam/role:Role", {"assumeRolePolicy": doc(IRSA_TRUST)})],
    "aws-iam-accesskey-forbidden": [],
    "aws-rds-cluster-backtrack-enabled": [
        ("aws:rds/cluster:Cluster", {"engine": "aurora-postgresql"}),
        ("aws:rds/cluster:Cluster", {"engine": "aurora-mysql", "engineMode": "serverless"}),
        ("aws:rds/cluster:Cluster", {"engine": "aurora-mysql", "globalClusterIdentifier": "g"}),
    ],
    "aws-cloudwatch-loggroup-retention-set": [("aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": 0.0})],
}
NOT_APPLICABLE = {name: cases for name, cases in NOT_APPLICABLE.items() if cases}
