"""Storage accounts keep deleted blobs and containers recoverable (soft delete).

Follows CIS Azure Foundations v2.1 3.11 (soft delete is enabled for Azure containers and blob storage), Checkov
CKV2_AZURE_38 and Prowler storage_ensure_soft_delete_is_enabled. A stack policy, because the setting lives in a
separate ``storage:BlobServiceProperties`` that names the account (``accountName``): an account (other than
FileStorage) passes when one enables both ``deleteRetentionPolicy`` and ``containerDeleteRetentionPolicy``; without one,
Azure's default for a new account applies and soft delete is off. Advisory: recovery, not exposure.
"""

from policies.companions import missing_companions
from policies.meta import stack_policy
from policies.props import get

ACCOUNT = "azure-native:storage:StorageAccount"
BLOB_SERVICE = "azure-native:storage:BlobServiceProperties"


def _enabled(props) -> bool:
    return (
        get(props, "deleteRetentionPolicy.enabled") is True
        and get(props, "containerDeleteRetentionPolicy.enabled") is True
    )


def check(resources, config):
    services = [r for r in resources if r.resource_type == BLOB_SERVICE]
    for service in services:
        if not _enabled(service.props):
            yield (
                "Blob or container soft delete is off (deleteRetentionPolicy/containerDeleteRetentionPolicy).",
                service,
            )
    for account in missing_companions(
        [r for r in resources if r.resource_type == ACCOUNT] + [s for s in services if _enabled(s.props)],
        subjects=[ACCOUNT],
        companions=[BLOB_SERVICE],
        link="accountName",
        subject_names=("accountName",),
        applies=lambda r: r.props.get("kind") != "FileStorage",
    ):
        yield f"Storage account {account.name} has no blob service properties enabling soft delete.", account


POLICY = stack_policy(
    name="azure-storage-account-softdelete-enabled",
    description="Storage accounts keep deleted blobs and containers recoverable.",
    check=check,
    reads=[ACCOUNT, BLOB_SERVICE],
    severity="medium",
    frameworks=["soc2:A1.2", "hipaa:164.308(a)(7)(ii)(A)", "cis:azure-3.11"],
    remediation=(
        "Add a BlobServiceProperties for the account with deleteRetentionPolicy and containerDeleteRetentionPolicy "
        "{enabled: true, days: 7 or more}."
    ),
)
