"""S3 server access logging, for the buckets the public rules ask it of:

- buckets of HIPAA tenants: HIPAA 164.312(b) audit controls (cdk-nag's HIPAA Security pack checks
  S3BucketLoggingEnabled for it);
- buckets of SOC2 tenants: SOC2 CC7.2 monitoring for anomalies (Prowler's SOC2 mapping lists
  s3_bucket_server_access_logging_enabled under CC7.2);
- the bucket a CloudTrail trail writes to, whoever owns it: CIS AWS Foundations v3.0 3.4.

Checkov (CKV_AWS_18) and cdk-nag (AwsSolutions-S1) ask it of every bucket; Plinth asks it where a
framework the bucket's tenant follows does. A bucket that receives access logs is not asked to log
itself (S3 advises against a bucket logging into itself), unless a trail writes to it. Advisory:
logs are evidence after the fact, not a barrier.
"""

from policies.companions import missing_companions, named_by
from policies.meta import stack_policy
from policies.props import compliance_of, get

BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
LOGGING = ("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
TRAIL = "aws:cloudtrail/trail:Trail"
#: Tenant frameworks whose controls ask for access logs on the tenant's buckets.
FRAMEWORKS = ("hipaa", "soc2")


def logs_inline(props) -> bool:
    """A bucket's own ``logging`` block (Bucket) or ``loggings`` list (the deprecated BucketV2)."""
    if get(props, "logging.targetBucket"):
        return True
    return any(get(entry, "targetBucket") for entry in props.get("loggings") or [])


def bucket_name(r) -> str:
    return str(r.props.get("bucket") or r.name)


def check(resources, config):
    trail_buckets = named_by(resources, [TRAIL], "s3BucketName")
    log_targets = named_by(resources, LOGGING, "targetBucket") | named_by(resources, BUCKETS, "logging.targetBucket")

    def why(r) -> str | None:
        name = bucket_name(r)
        if name in trail_buckets:
            return "receives CloudTrail logs (CIS AWS 3.4)"
        frameworks = sorted(compliance_of(r.props) & set(FRAMEWORKS))
        if frameworks and name not in log_targets:
            return f"belongs to a {' and '.join(f.upper() for f in frameworks)} tenant"
        return None

    unlogged = missing_companions(
        resources,
        subjects=BUCKETS,
        companions=LOGGING,
        link="bucket",
        subject_names=("bucket",),
        inline=logs_inline,
        applies=lambda r: why(r) is not None,
    )
    for r in unlogged:
        yield f"Bucket {bucket_name(r)} {why(r)} but records no server access logs.", r


POLICY = stack_policy(
    name="aws-s3-bucket-logging-enabled",
    description=(
        "S3 buckets of HIPAA and SOC2 tenants, and buckets that receive CloudTrail logs, record server access logs."
    ),
    check=check,
    reads=[*BUCKETS, *LOGGING, TRAIL],
    severity="medium",
    frameworks=["hipaa:164.312(b)", "hipaa:164.308(a)(1)(ii)(D)", "soc2:CC7.2", "cis:aws-3.4"],
    remediation="Add an aws.s3.BucketLogging that sends the bucket's access logs to a separate log bucket.",
)
