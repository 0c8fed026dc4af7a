"""S3 buckets never grant access to all users through ACLs.

Follows Checkov CKV_AWS_20 (no READ for everyone) and CKV_AWS_57 (no WRITE for everyone), Prowler
``s3_bucket_public_access`` and CIS AWS Foundations v3.0 2.1.4: a canned ACL ``public-read``,
``public-read-write`` or ``authenticated-read`` (any AWS account is the public), or a grant to the
``AllUsers`` or ``AuthenticatedUsers`` group, whatever its permission. Reads the inline ``acl`` and
``grants`` of ``s3.Bucket`` / ``s3.BucketV2`` and ``s3.BucketAcl`` / ``s3.BucketAclV2``
(``acl`` and ``accessControlPolicy.grants[].grantee``). Mandatory and never waived.
"""

from policies.meta import resource_policy
from policies.props import as_list, get

PUBLIC = ("public-read", "public-read-write", "authenticated-read")
PUBLIC_GROUPS = ("/global/AllUsers", "/global/AuthenticatedUsers")


def _grantee_uris(props):
    for grant in as_list(props.get("grants")):  # inline on Bucket / BucketV2: {type, uri, permissions}
        yield str(grant.get("uri") or "")
    for grant in as_list(get(props, "accessControlPolicy.grants")):  # BucketAcl: {grantee: {type, uri}, permission}
        yield str(get(grant, "grantee.uri") or "")


def check(props, config):
    acl = props.get("acl")
    if acl in PUBLIC:
        yield f"The bucket ACL {acl!r} exposes objects beyond the account."
    for uri in _grantee_uris(props):
        if uri.endswith(PUBLIC_GROUPS):
            yield f"A grant gives {uri.rsplit('/', 1)[-1]} access to the bucket."


POLICY = resource_policy(
    name="aws-s3-bucket-public-acl-forbidden",
    description="S3 buckets never grant access to all users through ACLs.",
    types=[
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketV2:BucketV2",
        "aws:s3/bucketAcl:BucketAcl",
        "aws:s3/bucketAclV2:BucketAclV2",
    ],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "gdpr:Art.32", "cis:aws-2.1.4"],
    remediation="Remove public ACLs and grants; enforce BucketOwnerEnforced object ownership so ACLs are ignored.",
    enforcement="mandatory",
    never_waive=True,
)
