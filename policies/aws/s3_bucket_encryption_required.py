from policies.meta import resource_policy
from policies.props import as_list, get


def check(props, config):
    rules = as_list(props.get("rules"))
    if not rules:
        yield "The encryption configuration has no rule."
    for rule in rules:
        algorithm = get(rule, "applyServerSideEncryptionByDefault.sseAlgorithm")
        if algorithm not in ("aws:kms", "aws:kms:dsse"):
            yield f"Default encryption is {algorithm!r}; use SSE-KMS (aws:kms) with a customer-managed key."


POLICY = resource_policy(
    name="aws-s3-bucket-encryption-required",
    description="S3 buckets encrypt objects at rest with SSE-KMS by default.",
    types=["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32"],
    remediation=(
        "Set rules[].applyServerSideEncryptionByDefault.sseAlgorithm to aws:kms with kmsMasterKeyId of a "
        "customer-managed key."
    ),
    enforcement="mandatory",
)
