"""Kinesis data streams encrypt records at rest with KMS.

Follows Checkov CKV_AWS_43 ("Ensure Kinesis Stream is securely encrypted"), cdk-nag AwsSolutions-KDS1 and Prowler
``kinesis_stream_encrypted_at_rest``: ``encryptionType`` ``KMS`` (the provider's default is
``NONE``) with a ``kmsKeyId``. A customer-managed key instead of ``alias/aws/kinesis`` is
``aws-kms-cmk-required``'s (CKV_AWS_185). Advisory.
"""

from policies.meta import resource_policy


def check(props, config):
    kind = props.get("encryptionType") or "NONE"
    if kind != "KMS":
        yield f"The stream is not encrypted at rest (encryptionType {kind!r})."
    elif not props.get("kmsKeyId"):
        yield "encryptionType is KMS but no kmsKeyId is given."


POLICY = resource_policy(
    name="aws-kinesis-stream-encryption-required",
    description="Kinesis data streams encrypt records at rest with KMS.",
    types=["aws:kinesis/stream:Stream"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32"],
    remediation="Set encryptionType: KMS and kmsKeyId to a customer-managed key.",
)
