"""S3 object ownership is BucketOwnerEnforced, so ACLs are disabled.

Follows Checkov CKV2_AWS_65 ("Ensure access control lists for S3 buckets are disabled"), Prowler
``s3_bucket_acl_prohibited`` and CIS AWS Foundations v3.0 2.1.4's guidance to turn ACLs off: an
``s3.BucketOwnershipControls`` whose ``rule.objectOwnership`` is ``ObjectWriter`` or
``BucketOwnerPreferred`` keeps ACLs working. A bucket without ownership controls is not reported:
S3 creates new buckets with BucketOwnerEnforced. Advisory: with ACLs on, the public-ACL and public
access block policies still stop public grants.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    ownership = get(props, "rule.objectOwnership")
    if ownership != "BucketOwnerEnforced":
        yield f"Object ownership is {ownership!r}; ACLs stay in force unless it is BucketOwnerEnforced."


POLICY = resource_policy(
    name="aws-s3-bucket-ownership-enforced",
    description="S3 buckets enforce bucket-owner object ownership, which disables ACLs.",
    types=["aws:s3/bucketOwnershipControls:BucketOwnershipControls"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "cis:aws-2.1.4"],
    remediation="Set rule.objectOwnership to BucketOwnerEnforced and grant access through policies, not ACLs.",
)
