"""Backup and DR vaults encrypt backups with a customer-managed Cloud KMS key.

https://cloud.google.com/backup-disaster-recovery/docs/concepts/backup-vault
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if not get(props, "encryptionConfig.kmsKeyName"):
        yield "The backup vault uses Google-managed encryption; set a customer-managed Cloud KMS key."


POLICY = resource_policy(
    name="gcp-backupdisasterrecovery-vault-cmek-required",
    description="Backup and DR vaults encrypt backups with a customer-managed Cloud KMS key.",
    types=["gcp:backupdisasterrecovery/backupVault:BackupVault"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32"],
    remediation=(
        "Set encryptionConfig.kmsKeyName to a key in the vault's location and grant the project's Backup and DR "
        "service agent encrypt/decrypt on it first."
    ),
    enforcement="mandatory",
)
