"""Data stores that the peer rules ask it of encrypt with a customer-managed KMS key.

Where the frameworks ask for a customer-managed key (CMK) rather than the service's own or AWS-managed
key - so that the account's key policy, rotation and CloudTrail records govern the data:

- CloudWatch log groups, ``kmsKeyId``: Checkov CKV_AWS_158;
- CloudTrail trails, ``kmsKeyId``: CIS AWS Foundations v3.0 3.5, Checkov CKV_AWS_35;
- SageMaker endpoint configurations, ``kmsKeyArn``: Checkov CKV_AWS_98, cdk-nag
  HIPAA.Security-SageMakerEndpointConfigurationKMSKeyConfigured;
- SageMaker notebook instances, ``kmsKeyId``: Checkov CKV_AWS_22, cdk-nag AwsSolutions-SM2;
- ElastiCache replication groups, ``kmsKeyId``: Checkov CKV_AWS_191;
- EFS file systems, ``kmsKeyId``: Checkov CKV_AWS_184;
- Kinesis streams, ``kmsKeyId`` other than ``alias/aws/kinesis``: Checkov CKV_AWS_185;
- MSK clusters, ``encryptionInfo.encryptionAtRestKmsKeyArn``: Checkov CKV_AWS_81;
- Secrets Manager secrets, ``kmsKeyId``: Checkov CKV_AWS_149;
- EBS volumes, ``kmsKeyId``: Checkov CKV_AWS_189;
- OpenSearch / Elasticsearch domains, ``encryptAtRest.kmsKeyId``: Checkov CKV_AWS_247;
- Redshift clusters, ``kmsKeyId``: Checkov CKV_AWS_142;
- ECR repositories, ``encryptionConfigurations[].encryptionType`` ``KMS`` (or ``KMS_DSSE``): Checkov CKV_AWS_136.

Each type has its own key property, so the check looks for a customer-managed key in whichever of
them the resource carries; an AWS-managed alias (``alias/aws/...``) is not one. Whether a store is
encrypted at all is its own policy's (EFS, Kinesis, OpenSearch...). Advisory: the data is encrypted
either way; the CMK adds control over who may decrypt it.
"""

from policies.meta import resource_policy
from policies.props import as_list, get

TYPES = (
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:cloudtrail/trail:Trail",
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
    "aws:sagemaker/notebookInstance:NotebookInstance",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:efs/fileSystem:FileSystem",
    "aws:kinesis/stream:Stream",
    "aws:msk/cluster:Cluster",
    "aws:secretsmanager/secret:Secret",
    "aws:ebs/volume:Volume",
    "aws:opensearch/domain:Domain",
    "aws:elasticsearch/domain:Domain",
    "aws:redshift/cluster:Cluster",
    "aws:ecr/repository:Repository",
)
#: Where the types above keep their key (each type has exactly one of these).
KEY_PATHS = ("kmsKeyId", "kmsKeyArn", "encryptionInfo.encryptionAtRestKmsKeyArn", "encryptAtRest.kmsKeyId")
KMS_TYPES = ("KMS", "KMS_DSSE")


def aws_managed(key: str) -> bool:
    """``alias/aws/<service>`` (or its ARN): a key AWS manages for the service, not the account."""
    return key.startswith("alias/aws/") or ":alias/aws/" in key


def check(props, config):
    if "encryptionConfigurations" in props:  # ECR: the encryption type decides
        types = [str(get(c, "encryptionType") or "AES256") for c in as_list(props.get("encryptionConfigurations"))]
        if not any(t in KMS_TYPES for t in types):
            yield "The repository encrypts images with AES256, not a KMS key."
        return
    keys = [str(k) for path in KEY_PATHS if (k := get(props, path))]
    if not keys:
        yield "The resource is not encrypted with a customer-managed KMS key (no key is given)."
    elif all(aws_managed(k) for k in keys):
        yield f"The resource uses the AWS-managed key {keys[0]}, not a customer-managed one."


POLICY = resource_policy(
    name="aws-kms-cmk-required",
    description=(
        "Log groups, trails, ML endpoints and notebooks, caches, file systems, streams, secrets, volumes, "
        "search domains, warehouses and registries use a customer-managed KMS key."
    ),
    types=TYPES,
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32", "cis:aws-3.5"],
    remediation=(
        "Create an aws.kms.Key (rotation on) and pass it as the resource's key: kmsKeyId (logs, trails, notebooks, "
        "caches, EFS, Kinesis, secrets, EBS, Redshift), kmsKeyArn (SageMaker endpoint configs), "
        "encryptionInfo.encryptionAtRestKmsKeyArn (MSK), encryptAtRest.kmsKeyId (OpenSearch) or "
        "encryptionConfigurations: [{encryptionType: KMS, kmsKey}] (ECR)."
    ),
)
