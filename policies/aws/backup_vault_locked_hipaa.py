"""AWS Backup vaults of HIPAA tenants are locked against deletion of recovery points.

Follows the AWS Config managed rule ``backup-recovery-point-manual-deletion-disabled`` (in AWS's
Operational Best Practices for HIPAA Security conformance pack) and HIPAA 164.308(a)(7)(ii)(A):
a ``backup.Vault`` of a HIPAA tenant has a ``backup.VaultLockConfiguration`` naming it, so recovery
points cannot be deleted before their retention ends. Mandatory.

A vault lock belongs to one vault in one region: a tenant's vaults in other regions (where its copies go)
carry the same name and need a lock of their own, so vaults and locks are matched by name and region.
"""

from policies.meta import stack_policy
from policies.props import compliance_of

VAULT = "aws:backup/vault:Vault"
LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"


def _region(resource) -> str | None:
    region = resource.props.get("region")
    if not region and resource.provider is not None:
        region = resource.provider.props.get("region")
    return str(region) if region else None


def check(resources, config):
    locked = {(str(r.props.get("backupVaultName")), _region(r)) for r in resources if r.resource_type == LOCK}
    for r in resources:
        if r.resource_type != VAULT or "hipaa" not in compliance_of(r.props):
            continue
        name = str(r.props.get("name") or r.name)
        if (name, _region(r)) not in locked:
            where = f" in {_region(r)}" if _region(r) else ""
            yield f"Backup vault {name}{where} holds HIPAA recovery points but has no vault lock.", r


POLICY = stack_policy(
    name="aws-backup-vault-locked-hipaa",
    description="AWS Backup vaults of HIPAA tenants are locked against deletion of recovery points.",
    check=check,
    reads=[VAULT, LOCK],
    severity="high",
    frameworks=["hipaa:164.308(a)(7)(ii)(A)", "hipaa:164.308(a)(7)(ii)(B)", "soc2:A1.2"],
    remediation=(
        "Add an aws.backup.VaultLockConfiguration for the vault in every region it exists in, with minRetentionDays "
        "matching the backup plan."
    ),
    enforcement="mandatory",
)
