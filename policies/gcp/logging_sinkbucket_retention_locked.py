"""Cloud Storage buckets that receive exported logs keep them under a locked retention policy.

Follows CIS GCP Foundations v3.0 2.3 (retention policies on Cloud Storage buckets used for exporting logs are
configured using Bucket Lock) and Prowler cloudstorage_bucket_log_retention_policy_lock. A stack policy, because what
makes a bucket a log bucket is a sink elsewhere: every bucket named by a project, folder, organization or
billing-account sink (``destination: storage.googleapis.com/<bucket>``) needs ``retentionPolicy`` with a retention
period and ``isLocked: true`` (absent: objects can be deleted at once). Advisory: locking is irreversible, so
whoever locks decides the period.
"""

from policies.companions import names_of
from policies.meta import stack_policy
from policies.props import get

BUCKET = "gcp:storage/bucket:Bucket"
SINKS = (
    "gcp:logging/projectSink:ProjectSink",
    "gcp:logging/folderSink:FolderSink",
    "gcp:logging/organizationSink:OrganizationSink",
    "gcp:logging/billingAccountSink:BillingAccountSink",
)
STORAGE_DESTINATION = "storage.googleapis.com/"


def sink_buckets(resources) -> set[str]:
    """Names of the buckets that sinks export logs to."""
    out = set()
    for r in resources:
        if r.resource_type in SINKS:
            destination = str(r.props.get("destination") or "")
            if destination.startswith(STORAGE_DESTINATION):
                out.add(destination[len(STORAGE_DESTINATION) :].strip("/"))
    return out


def check(resources, config):
    exported_to = sink_buckets(resources)
    for bucket in (r for r in resources if r.resource_type == BUCKET):
        if not names_of(bucket, ("name",)) & exported_to:
            continue
        policy = get(bucket.props, "retentionPolicy") or {}
        if not policy.get("retentionPeriod") or policy.get("isLocked") is not True:
            yield f"Bucket {bucket.name} receives exported logs but has no locked retention policy.", bucket


POLICY = stack_policy(
    name="gcp-logging-sinkbucket-retention-locked",
    description="Buckets that receive exported logs keep them under a locked retention policy.",
    check=check,
    reads=[BUCKET, *SINKS],
    severity="medium",
    frameworks=["soc2:CC7.2", "hipaa:164.312(b)", "cis:gcp-2.3"],
    remediation='Set retentionPolicy: {retentionPeriod: "31536000", isLocked: true} on the log bucket.',
)
