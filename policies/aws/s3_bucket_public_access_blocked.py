"""S3 public access blocks turn on all four protections, on buckets and on the account.

Follows CIS AWS Foundations v3.0 2.1.4, Checkov CKV_AWS_53/54/55/56 (one per flag; each defaults to
false in the provider, so an absent flag fails) and Prowler ``s3_account_level_public_access_blocks``:
``s3.BucketPublicAccessBlock`` and the account-wide ``s3.AccountPublicAccessBlock`` set
blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets. A bucket without a
block is ``aws-s3-bucket-companions-required``'s finding. Mandatory and never waived.
"""

from policies.meta import resource_policy

FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def check(props, config):
    off = [flag for flag in FLAGS if props.get(flag) is not True]
    if off:
        yield f"Public access block leaves {', '.join(off)} off; all four must be true."


POLICY = resource_policy(
    name="aws-s3-bucket-public-access-blocked",
    description="S3 public access blocks, per bucket and for the account, turn on all four protections.",
    types=[
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
    ],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "hipaa:164.312(a)(1)", "gdpr:Art.32", "cis:aws-2.1.4"],
    remediation="Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true.",
    enforcement="mandatory",
    never_waive=True,
)
