"""Storage accounts forbid anonymous public access to blobs.

Follows CIS Azure Foundations v2.1 3.17 ('Allow Blob Anonymous Access' is set to 'Disabled'), Checkov CKV_AZURE_190 and
Prowler storage_blob_public_access_level_is_disabled. In the storage API azure-native 3 uses (2024-01-01),
``allowBlobPublicAccess`` is interpreted as false when it is not set, so only an explicit true is a finding.
Mandatory and never waived: anonymous read access to tenant data.
"""

from policies.meta import resource_policy


def check(props, config):
    if props.get("allowBlobPublicAccess") is True:
        yield "Anonymous public read access to blobs is allowed."


POLICY = resource_policy(
    name="azure-storage-account-public-blob-forbidden",
    description="Storage accounts forbid anonymous public access to blobs.",
    types=["azure-native:storage:StorageAccount"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "gdpr:Art.32", "cis:azure-3.17"],
    remediation="Set allowBlobPublicAccess: false (or leave it unset: the API's default is false).",
    enforcement="mandatory",
    never_waive=True,
)
