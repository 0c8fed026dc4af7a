"""Symmetric KMS keys rotate automatically.

Follows CIS AWS Foundations v3.0 3.6 ("Ensure rotation for customer-created symmetric CMKs is
enabled"), Checkov CKV_AWS_7, cdk-nag AwsSolutions-KMS5 and Prowler ``kms_cmk_rotation_enabled``:
``enableKeyRotation`` true on a ``SYMMETRIC_DEFAULT`` key (the provider's default is false);
asymmetric and HMAC keys cannot rotate and are not applicable. Mandatory.
"""

from policies.meta import resource_policy


def check(props, config):
    spec = props.get("customerMasterKeySpec") or props.get("keySpec") or "SYMMETRIC_DEFAULT"
    if spec == "SYMMETRIC_DEFAULT" and props.get("enableKeyRotation") is not True:
        yield "Automatic rotation of the symmetric key is off."


POLICY = resource_policy(
    name="aws-kms-key-rotation-enabled",
    description="Symmetric KMS keys rotate automatically.",
    types=["aws:kms/key:Key"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "cis:aws-3.6"],
    remediation="Set enableKeyRotation: true.",
    enforcement="mandatory",
)
