"""Blob containers allow no anonymous public read access.

Follows Checkov CKV_AZURE_34 ('Public access level' is set to Private for blob containers) and Prowler
storage_blob_public_access_level_is_disabled: ``publicAccess`` must be None (its default). Account-level anonymous
access is azure-storage-account-public-blob-forbidden. Mandatory: anonymous read access to tenant data.
"""

from policies.meta import resource_policy


def check(props, config):
    level = props.get("publicAccess") or "None"
    if level != "None":
        yield f"The container allows anonymous public read access ({level})."


POLICY = resource_policy(
    name="azure-storage-container-public-forbidden",
    description="Blob containers allow no anonymous public read access.",
    types=["azure-native:storage:BlobContainer"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "gdpr:Art.32", "cis:azure-3.17"],
    remediation='Set publicAccess: "None" (and allowBlobPublicAccess: false on the account).',
    enforcement="mandatory",
)
