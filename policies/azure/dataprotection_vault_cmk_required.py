"""Azure Backup vaults encrypt backup data with a customer-managed key.

https://learn.microsoft.com/azure/backup/encryption-at-rest-with-cmk-for-backup-vault
"""

from policies.meta import resource_policy
from policies.props import get

SETTINGS = "properties.securitySettings.encryptionSettings"


def check(props, config):
    if get(props, f"{SETTINGS}.state") != "Enabled" or not get(props, f"{SETTINGS}.keyVaultProperties.keyUri"):
        yield "The backup vault encrypts backup data with a platform-managed key, not a customer-managed key."


POLICY = resource_policy(
    name="azure-dataprotection-vault-cmk-required",
    description="Azure Backup vaults encrypt backup data with a customer-managed key.",
    types=["azure-native:dataprotection:BackupVault"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32"],
    remediation=(
        "Set properties.securitySettings.encryptionSettings (state Enabled, keyVaultProperties.keyUri, a kekIdentity "
        "granted Key Vault Crypto Service Encryption User before the vault uses it)."
    ),
    enforcement="mandatory",
)
