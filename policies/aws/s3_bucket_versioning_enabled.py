from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    status = get(props, "versioningConfiguration.status")
    if status != "Enabled":
        yield f"Versioning is {status!r}; deleted or overwritten objects cannot be recovered."


POLICY = resource_policy(
    name="aws-s3-bucket-versioning-enabled",
    description="S3 buckets keep object versions so data can be recovered.",
    types=["aws:s3/bucketVersioning:BucketVersioning"],
    check=check,
    severity="medium",
    frameworks=["soc2:A1.2", "hipaa:164.312(c)(1)"],
    remediation="Set versioningConfiguration.status to Enabled.",
)
