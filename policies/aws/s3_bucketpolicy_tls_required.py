"""S3 bucket policies deny every request that does not use TLS.

Follows CIS AWS Foundations v3.0 2.1.1 ("Ensure S3 Bucket Policy is set to deny HTTP requests"),
cdk-nag AwsSolutions-S10 and Prowler ``s3_bucket_secure_transport_policy``: a Deny statement on the
condition ``aws:SecureTransport`` false. Reads ``s3.BucketPolicy`` and the inline ``policy`` of
``s3.Bucket`` / ``s3.BucketV2`` when one is given; a bucket with no policy anywhere is
``aws-s3-bucket-companions-required``'s finding. Mandatory.
"""

from policies.meta import resource_policy
from policies.props import get, policy_document, statements

BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")


def denies_insecure_transport(doc) -> bool:
    for st in statements(doc):
        if (
            st.get("Effect") == "Deny"
            and str(get(st, "Condition.Bool", {}).get("aws:SecureTransport", "")).lower() == "false"
        ):
            return True
    return False


def check(props, config):
    if "policy" not in props:
        return  # a bucket without an inline policy: its BucketPolicy companion is checked instead
    if not denies_insecure_transport(policy_document(props.get("policy"))):
        yield "The bucket policy does not deny requests made without TLS (aws:SecureTransport false)."


POLICY = resource_policy(
    name="aws-s3-bucketpolicy-tls-required",
    description="S3 bucket policies deny every request that does not use TLS.",
    types=["aws:s3/bucketPolicy:BucketPolicy", *BUCKET_TYPES],
    check=check,
    severity="medium",
    frameworks=[
        "soc2:CC6.7",
        "hipaa:164.312(e)(1)",
        "hipaa:164.312(e)(2)(ii)",
        "gdpr:Art.32",
        "cis:aws-2.1.1",
        "nist:SC-8",
    ],
    remediation=(
        'Add a statement {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Condition": {"Bool": '
        '{"aws:SecureTransport": "false"}}}.'
    ),
    enforcement="mandatory",
)
