"""Cloud Storage buckets keep object versions.

Follows Checkov CKV_GCP_78 (Cloud storage has versioning enabled) and Prowler cloudstorage_bucket_versioning_enabled:
``versioning.enabled`` must be true (absent: off), so an overwritten or deleted object can be restored. Advisory, as
the S3 versioning policy.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if get(props, "versioning.enabled") is not True:
        yield "Object versioning is off: overwritten or deleted objects cannot be restored."


POLICY = resource_policy(
    name="gcp-storage-bucket-versioning-enabled",
    description="Cloud Storage buckets keep object versions.",
    types=["gcp:storage/bucket:Bucket"],
    check=check,
    severity="medium",
    frameworks=["soc2:A1.2", "hipaa:164.312(c)(1)"],
    remediation="Set versioning: {enabled: true} and a lifecycle rule that deletes old noncurrent versions.",
)
