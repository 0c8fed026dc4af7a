"""S3 buckets keep object versions so data can be recovered.

Follows Checkov CKV_AWS_21 ("Ensure all data stored in the S3 bucket have versioning enabled"),
cdk-nag HIPAA.Security-S3BucketVersioningEnabled and Prowler ``s3_bucket_object_versioning``:
versioning ``Enabled``; ``Suspended`` (or ``Disabled``) fails. Reads the ``BucketVersioning`` (and
``...V2``) companion, the inline ``versioning.enabled`` of ``s3.Bucket`` and the inline
``versionings[].enabled`` of ``s3.BucketV2``. A bucket that configures versioning nowhere is
``aws-s3-bucket-companions-required``'s finding. Advisory: a data bucket's recovery also rests on
backups and object lock.
"""

from policies.meta import resource_policy
from policies.props import as_list, get


def versioning_states(props) -> list[object] | None:
    """Each versioning state the resource declares (``Enabled``...); None when it declares none."""
    if "versioningConfiguration" in props:  # the companion resource
        return [get(props, "versioningConfiguration.status")]
    if props.get("versioning") is not None:  # s3.Bucket inline block
        return ["Enabled" if get(props, "versioning.enabled") is True else "Suspended"]
    if props.get("versionings") is not None:  # s3.BucketV2 inline list
        return ["Enabled" if get(v, "enabled") is True else "Suspended" for v in as_list(props.get("versionings"))]
    return None


def check(props, config):
    for status in versioning_states(props) or []:
        if status != "Enabled":
            yield f"Versioning is {status!r}; deleted or overwritten objects cannot be recovered."


POLICY = resource_policy(
    name="aws-s3-bucket-versioning-enabled",
    description="S3 buckets keep object versions so data can be recovered.",
    types=[
        "aws:s3/bucketVersioning:BucketVersioning",
        "aws:s3/bucketVersioningV2:BucketVersioningV2",
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketV2:BucketV2",
    ],
    check=check,
    severity="medium",
    frameworks=["soc2:A1.2", "hipaa:164.312(c)(1)"],
    remediation="Set versioningConfiguration.status to Enabled.",
)
