"""Azure Backup vaults of HIPAA tenants are immutable and keep deleted backups recoverable.

Immutability stops operations that would delete recovery points before they expire; soft delete keeps
deleted backup data recoverable (https://learn.microsoft.com/azure/backup/backup-azure-immutable-vault-concept).
"""

from policies.meta import resource_policy
from policies.props import compliance_of, get

SECURITY = "properties.securitySettings"


def check(props, config):
    if "hipaa" not in compliance_of(props):
        return
    if get(props, f"{SECURITY}.immutabilitySettings.state") not in ("Unlocked", "Locked"):
        yield "The vault holds HIPAA backups but is not immutable."
    if get(props, f"{SECURITY}.softDeleteSettings.state") not in ("On", "AlwaysOn"):
        yield "The vault holds HIPAA backups but soft delete is off."


POLICY = resource_policy(
    name="azure-dataprotection-vault-immutable-hipaa",
    description="Azure Backup vaults of HIPAA tenants are immutable and keep deleted backups recoverable.",
    types=["azure-native:dataprotection:BackupVault"],
    check=check,
    severity="high",
    frameworks=["hipaa:164.308(a)(7)(ii)(A)", "hipaa:164.310(d)(2)(iv)", "soc2:A1.2"],
    remediation=(
        "Set securitySettings.immutabilitySettings.state to Unlocked (or Locked, irreversibly) and "
        "softDeleteSettings.state to AlwaysOn."
    ),
    enforcement="mandatory",
)
