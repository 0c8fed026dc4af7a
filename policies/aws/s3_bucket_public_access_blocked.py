from policies.meta import resource_policy

FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def check(props, config):
    off = [flag for flag in FLAGS if props.get(flag) is not True]
    if off:
        yield f"Public access block leaves {', '.join(off)} off; all four must be true."


POLICY = resource_policy(
    name="aws-s3-bucket-public-access-blocked",
    description="S3 public access blocks turn on all four protections.",
    types=["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "hipaa:164.312(a)(1)", "gdpr:Art.32", "cis:aws-2.1.4"],
    remediation="Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true.",
    enforcement="mandatory",
    never_waive=True,
)
