from policies.base import stack_policy
from policies.props import compliance_of, get

BUCKET = "aws:s3/bucket:Bucket"
LOGGING = "aws:s3/bucketLogging:BucketLogging"


def check(resources, config):
    logged = {get(r.props, "bucket") for r in resources if r.resource_type == LOGGING}
    for r in resources:
        if r.resource_type == BUCKET and "hipaa" in compliance_of(r.props):
            if r.props.get("bucket") not in logged and r.name not in logged:
                yield f"Bucket {r.props.get('bucket') or r.name} holds HIPAA data but has no server access logging.", r


POLICY = stack_policy(
    name="aws-s3-bucket-logging-hipaa",
    description="S3 buckets of HIPAA tenants record server access logs.",
    pack="compliance",
    check=check,
    reads=[BUCKET, LOGGING],
    severity="medium",
    frameworks=["hipaa:164.312(b)", "hipaa:164.308(a)(1)(ii)(D)", "soc2:CC7.2"],
    remediation="Add an aws.s3.BucketLogging sending access logs to a separate log bucket.",
)
