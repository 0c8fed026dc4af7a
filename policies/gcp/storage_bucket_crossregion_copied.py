"""Cloud Storage buckets of premium and enterprise tenants have a copy in another location.

A regional bucket is lost with its region. A dual- or multi-region bucket keeps its own geo copy; any
other bucket needs a Storage Transfer job copying it to a bucket in another location
(https://cloud.google.com/storage/docs/locations). Buckets that receive such copies are not asked for one.
"""

from policies.meta import stack_policy
from policies.props import get, tier_of

BUCKET = "gcp:storage/bucket:Bucket"
TRANSFER = "gcp:storage/transferJob:TransferJob"
TIERS = ("premium", "enterprise")


def is_regional(location: str) -> bool:
    """Region names carry a hyphen (europe-west4); dual- and multi-regions do not (EU, EUR4, NAM4)."""
    return "-" in location


def check(resources, config):
    buckets = {str(r.props.get("name") or r.name): r for r in resources if r.resource_type == BUCKET}
    copies: dict[str, set[str]] = {}
    for job in (r for r in resources if r.resource_type == TRANSFER):
        source = get(job.props, "transferSpec.gcsDataSource.bucketName")
        sink = get(job.props, "transferSpec.gcsDataSink.bucketName")
        if source and sink:
            copies.setdefault(str(source), set()).add(str(sink))
    sinks = {sink for targets in copies.values() for sink in targets}
    for name, bucket in buckets.items():
        if tier_of(bucket.props) not in TIERS or name in sinks:
            continue
        location = str(bucket.props.get("location") or "").lower()
        if not is_regional(location):
            continue
        elsewhere = [
            s
            for s in copies.get(name, ())
            if s not in buckets or str(buckets[s].props.get("location") or "").lower() != location
        ]
        if not elsewhere:
            yield (
                f"Bucket {name} of a tenant on the {tier_of(bucket.props)} tier has no copy outside {location}.",
                bucket,
            )


POLICY = stack_policy(
    name="gcp-storage-bucket-crossregion-copied",
    description="Cloud Storage buckets of premium and enterprise tenants have a copy in another location.",
    check=check,
    reads=[BUCKET, TRANSFER],
    severity="medium",
    frameworks=["soc2:A1.2", "hipaa:164.308(a)(7)(ii)(B)", "gdpr:Art.32(1)(c)"],
    remediation=(
        "Copy the bucket with a Storage Transfer job to a bucket in another region (plinth: copyTo), or use a "
        "dual-region location."
    ),
)
