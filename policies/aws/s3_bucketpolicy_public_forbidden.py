"""S3 bucket policies grant nothing to anonymous or any-account principals.

Follows Checkov CKV_AWS_70 ("Ensure S3 bucket does not allow an action with any Principal"),
Prowler ``s3_bucket_policy_public_write_access`` / ``s3_bucket_public_access`` and AWS's definition
of a public bucket policy (Amazon S3 User Guide, "The meaning of public"): an Allow statement whose
principal is ``*`` (or ``{"AWS": "*"}``, or a ``NotPrincipal``) is public unless its conditions fix
the caller's account, organization, source ARN, VPC, VPC endpoint or IP range. A Deny statement with
``Principal: "*"`` (the TLS-only statement) is not public, and an Allow beside it still is. Reads
``s3.BucketPolicy`` and the inline ``policy`` of ``s3.Bucket`` / ``s3.BucketV2``. Mandatory: a public
bucket policy exposes the tenant's data to the internet.
"""

from policies.aws._documents import public_findings
from policies.meta import resource_policy


def check(props, config):
    if "policy" in props:
        yield from public_findings(props.get("policy"), "The bucket policy")


POLICY = resource_policy(
    name="aws-s3-bucketpolicy-public-forbidden",
    description="S3 bucket policies allow no action to any principal without a condition that fixes the caller.",
    types=["aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.1", "soc2:CC6.6", "hipaa:164.312(a)(1)", "gdpr:Art.32", "cis:aws-2.1.4"],
    remediation=(
        "Name the principals (account roles, service principals) instead of *, or add a condition on "
        "aws:PrincipalOrgID, aws:SourceVpce or aws:SourceAccount; publish public content through CloudFront "
        "with origin access control."
    ),
    enforcement="mandatory",
)
