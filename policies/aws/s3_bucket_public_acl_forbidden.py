from policies.meta import resource_policy

PUBLIC = ("public-read", "public-read-write", "authenticated-read")


def check(props, config):
    acl = props.get("acl")
    if acl in PUBLIC:
        yield f"The bucket ACL {acl!r} exposes objects beyond the account."
    for grant in props.get("accessControlPolicy", {}).get("grants", []) if props.get("accessControlPolicy") else []:
        uri = (grant.get("grantee") or {}).get("uri", "")
        if uri.endswith("/global/AllUsers") or uri.endswith("/global/AuthenticatedUsers"):
            yield f"A grant gives {uri.rsplit('/', 1)[-1]} access to the bucket."


POLICY = resource_policy(
    name="aws-s3-bucket-public-acl-forbidden",
    description="S3 buckets never grant access to all users through ACLs.",
    types=["aws:s3/bucket:Bucket", "aws:s3/bucketAcl:BucketAcl"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "gdpr:Art.32", "cis:aws-2.1.4"],
    remediation="Remove public ACLs and grants; enforce BucketOwnerEnforced object ownership so ACLs are ignored.",
    enforcement="mandatory",
    never_waive=True,
)
