"""EBS volumes are encrypted at rest.

Follows CIS AWS Foundations v3.0 2.2.1, Checkov CKV_AWS_3 (``ebs.Volume`` ``encrypted``, default
false), cdk-nag AwsSolutions-EC26 and Prowler ``ec2_ebs_volume_encryption``. A volume restored from
a snapshot inherits its encryption, as Checkov allows. The account-wide default is
``aws-ebs-encryptionbydefault-enabled``'s; root and attached volumes declared on instances are
``aws-ec2-instance-volumes-encrypted``'s. Mandatory.
"""

from policies.meta import resource_policy


def check(props, config):
    if props.get("encrypted") is not True and not props.get("snapshotId"):
        yield "The EBS volume is not encrypted."


POLICY = resource_policy(
    name="aws-ebs-volume-encryption-required",
    description="EBS volumes are encrypted at rest.",
    types=["aws:ebs/volume:Volume"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32", "cis:aws-2.2.1"],
    remediation="Set encrypted: true (and kmsKeyId to a customer-managed key), or enable EBS encryption by default.",
    enforcement="mandatory",
)
