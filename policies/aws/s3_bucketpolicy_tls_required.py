from policies.meta import resource_policy
from policies.props import get, policy_document, statements


def denies_insecure_transport(doc) -> bool:
    for st in statements(doc):
        if (
            st.get("Effect") == "Deny"
            and str(get(st, "Condition.Bool", {}).get("aws:SecureTransport", "")).lower() == "false"
        ):
            return True
    return False


def check(props, config):
    if not denies_insecure_transport(policy_document(props.get("policy"))):
        yield "The bucket policy does not deny requests made without TLS (aws:SecureTransport false)."


POLICY = resource_policy(
    name="aws-s3-bucketpolicy-tls-required",
    description="S3 bucket policies deny every request that does not use TLS.",
    types=["aws:s3/bucketPolicy:BucketPolicy"],
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
