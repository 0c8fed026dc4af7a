"""RDS instances and Aurora / RDS clusters encrypt their storage at rest.

Follows CIS AWS Foundations v3.0 2.3.1 ("Ensure that encryption-at-rest is enabled for RDS
Instances"), Checkov CKV_AWS_16 (``rds.Instance``) and CKV_AWS_96 (Aurora ``rds.Cluster``), cdk-nag
AwsSolutions-RDS2 and Prowler ``rds_instance_storage_encrypted``: ``storageEncrypted`` true (the
provider's default is false; it cannot be turned on later). Mandatory.
"""

from policies.meta import resource_policy


def check(props, config):
    if props.get("storageEncrypted") is not True:
        yield "The database storage is not encrypted."


POLICY = resource_policy(
    name="aws-rds-instance-encryption-required",
    description="RDS instances encrypt their storage at rest.",
    types=["aws:rds/instance:Instance", "aws:rds/cluster:Cluster"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32", "cis:aws-2.3.1"],
    remediation=(
        "Set storageEncrypted: true with a customer-managed kmsKeyId (requires a new instance from an "
        "encrypted snapshot)."
    ),
    enforcement="mandatory",
)
