"""SQS queues encrypt messages at rest.

Follows Checkov CKV_AWS_27 ("Ensure all data stored in the SQS queue is encrypted"), cdk-nag
AwsSolutions-SQS2 and Prowler ``sqs_queues_server_side_encryption_enabled``: a ``kmsMasterKeyId``
(SSE-KMS) or ``sqsManagedSseEnabled: true`` (SSE-SQS). With neither the program does not state any
encryption (the provider neither sets nor tracks SSE-SQS when it is absent), so it fails, as in
Checkov. A customer-managed key is asked of HIPAA data through ``aws-kms-cmk-required``. Advisory.
"""

from policies.meta import resource_policy


def check(props, config):
    if props.get("kmsMasterKeyId"):
        return
    if props.get("sqsManagedSseEnabled") is not True:
        yield "The queue states no server-side encryption (neither kmsMasterKeyId nor sqsManagedSseEnabled)."


POLICY = resource_policy(
    name="aws-sqs-queue-encryption-required",
    description="SQS queues encrypt messages at rest with SSE-KMS or SSE-SQS.",
    types=["aws:sqs/queue:Queue"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32"],
    remediation="Set kmsMasterKeyId to a customer-managed key (or sqsManagedSseEnabled: true at least).",
)
