"""SNS topics encrypt messages at rest with KMS.

Follows Checkov CKV_AWS_26 ("Ensure all data stored in the SNS topic is encrypted"), cdk-nag
AwsSolutions-SNS2 and Prowler ``sns_topics_kms_encryption_at_rest_enabled``: a ``kmsMasterKeyId``
(SNS has no other encryption at rest). Whether that key is customer-managed rather than
``alias/aws/sns`` is ``aws-kms-cmk-required``'s. Advisory.
"""

from policies.meta import resource_policy


def check(props, config):
    if not props.get("kmsMasterKeyId"):
        yield "The topic is not encrypted at rest (no kmsMasterKeyId)."


POLICY = resource_policy(
    name="aws-sns-topic-encryption-required",
    description="SNS topics encrypt messages at rest with a KMS key.",
    types=["aws:sns/topic:Topic"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32"],
    remediation="Set kmsMasterKeyId to a customer-managed KMS key.",
)
