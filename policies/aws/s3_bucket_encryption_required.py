"""S3 buckets encrypt objects at rest with SSE-KMS by default.

Follows Checkov CKV_AWS_145 ("Ensure that S3 buckets are encrypted with KMS by default"), cdk-nag
HIPAA.Security-S3DefaultEncryptionKMS and Prowler ``s3_bucket_default_encryption``: the default
encryption rule uses ``aws:kms`` or ``aws:kms:dsse``, not SSE-S3 (``AES256``), so the tenant's key
policy governs who reads the data. Reads every place pulumi-aws 7 accepts the setting: the
``BucketServerSideEncryptionConfiguration`` (and ``...V2``) companion, the inline
``serverSideEncryptionConfiguration.rule`` of ``s3.Bucket`` and the inline
``serverSideEncryptionConfigurations[].rules[]`` of ``s3.BucketV2``. A bucket with no configuration
at all is ``aws-s3-bucket-companions-required``'s finding. Mandatory.
"""

from policies.meta import resource_policy
from policies.props import as_list, get

KMS = ("aws:kms", "aws:kms:dsse")
COMPANIONS = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")


def default_algorithms(props) -> list[object] | None:
    """The default SSE algorithm of every rule the resource declares; None when it declares no configuration."""
    if "rules" in props:  # the companion resource
        return [get(r, "applyServerSideEncryptionByDefault.sseAlgorithm") for r in as_list(props.get("rules"))]
    if props.get("serverSideEncryptionConfiguration") is not None:  # s3.Bucket, one rule
        return [get(props, "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault.sseAlgorithm")]
    if props.get("serverSideEncryptionConfigurations") is not None:  # s3.BucketV2, lists all the way down
        return [
            get(default, "sseAlgorithm")
            for conf in as_list(props.get("serverSideEncryptionConfigurations"))
            for rule in as_list(get(conf, "rules"))
            for default in as_list(get(rule, "applyServerSideEncryptionByDefaults"))
        ]
    return None


def check(props, config):
    algorithms = default_algorithms(props)
    if algorithms is None:
        return
    if not algorithms:
        yield "The encryption configuration has no rule."
    for algorithm in algorithms:
        if algorithm not in KMS:
            yield f"Default encryption is {algorithm!r}; use SSE-KMS (aws:kms) with a customer-managed key."


POLICY = resource_policy(
    name="aws-s3-bucket-encryption-required",
    description="S3 buckets encrypt objects at rest with SSE-KMS by default.",
    types=[*COMPANIONS, *BUCKETS],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32"],
    remediation=(
        "Set rules[].applyServerSideEncryptionByDefault.sseAlgorithm to aws:kms with kmsMasterKeyId of a "
        "customer-managed key."
    ),
    enforcement="mandatory",
)
