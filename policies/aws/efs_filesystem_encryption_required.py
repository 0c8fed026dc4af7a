"""EFS file systems are encrypted at rest.

Follows CIS AWS Foundations v3.0 2.4.1 ("Ensure that encryption is enabled for EFS file systems"),
Checkov CKV_AWS_42, cdk-nag AwsSolutions-EFS1 and Prowler ``efs_encryption_at_rest_enabled``:
``encrypted`` true (the provider's default is false; it cannot be turned on later). The key is
``aws-kms-cmk-required``'s (CKV_AWS_184). Mandatory, as for EBS and RDS.
"""

from policies.meta import resource_policy


def check(props, config):
    if props.get("encrypted") is not True:
        yield "The file system is not encrypted at rest."


POLICY = resource_policy(
    name="aws-efs-filesystem-encryption-required",
    description="EFS file systems are encrypted at rest.",
    types=["aws:efs/fileSystem:FileSystem"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32", "cis:aws-2.4.1"],
    remediation="Set encrypted: true with kmsKeyId of a customer-managed key (a new file system; copy the data over).",
    enforcement="mandatory",
)
