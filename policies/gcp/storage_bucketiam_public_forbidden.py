"""Cloud Storage IAM never grants a role to allUsers or allAuthenticatedUsers.

Follows CIS GCP Foundations v3.0 5.1 (Cloud Storage buckets are not anonymously or publicly accessible), Checkov
CKV_GCP_28 and Prowler cloudstorage_bucket_public_access, on every IAM resource kind of buckets and managed
folders: member, binding and the whole policy (``policyData``). Mandatory and never waived: public data is the
breach itself.
"""

from policies.gcp._iam import describe, iam_types, public_grants
from policies.meta import resource_policy


def check(props, config):
    found = public_grants(props)
    if found:
        yield f"The bucket grants {describe(found)}."


POLICY = resource_policy(
    name="gcp-storage-bucketiam-public-forbidden",
    description="Cloud Storage IAM never grants access to allUsers or allAuthenticatedUsers.",
    types=iam_types("storage", "bucketIAM", "managedFolderIam"),
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "gdpr:Art.32", "cis:gcp-5.1"],
    remediation="Grant roles to named principals only; serve public content through a CDN with signed URLs.",
    enforcement="mandatory",
    never_waive=True,
)
