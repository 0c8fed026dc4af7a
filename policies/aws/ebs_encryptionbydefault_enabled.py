"""EBS encryption by default stays on for the account and region.

Follows CIS AWS Foundations v3.0 2.2.1 ("Ensure EBS Volume Encryption is Enabled in all Regions"),
Checkov CKV_AWS_106 ("Ensure EBS default encryption is enabled") and Prowler
``ec2_ebs_default_encryption``: an ``ebs.EncryptionByDefault`` with ``enabled`` false fails; the
provider's default is true, so the resource without it passes. Mandatory: turning the account's
default off is a deliberate step back that every later volume inherits.
"""

from policies.meta import resource_policy


def check(props, config):
    if props.get("enabled") is False:
        yield "EBS encryption by default is turned off for the account and region."


POLICY = resource_policy(
    name="aws-ebs-encryptionbydefault-enabled",
    description="EBS encryption by default stays enabled.",
    types=["aws:ebs/encryptionByDefault:EncryptionByDefault"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32", "cis:aws-2.2.1"],
    remediation="Remove enabled: false (or set it to true); pick the key with aws.ebs.DefaultKmsKey.",
    enforcement="mandatory",
)
