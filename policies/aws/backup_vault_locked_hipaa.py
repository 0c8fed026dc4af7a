"""AWS Backup vaults of HIPAA tenants are locked against deletion of recovery points.

Follows the AWS Config managed rule ``backup-recovery-point-manual-deletion-disabled`` (in AWS's
Operational Best Practices for HIPAA Security conformance pack) and HIPAA 164.308(a)(7)(ii)(A):
a ``backup.Vault`` of a HIPAA tenant has a ``backup.VaultLockConfiguration`` naming it, so recovery
points cannot be deleted before their retention ends. Mandatory.
"""

from policies.companions import missing_companions
from policies.meta import stack_policy
from policies.props import compliance_of

VAULT = "aws:backup/vault:Vault"
LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"


def check(resources, config):
    unlocked = missing_companions(
        resources,
        subjects=[VAULT],
        companions=[LOCK],
        link="backupVaultName",
        subject_names=("name",),
        applies=lambda r: "hipaa" in compliance_of(r.props),
    )
    for r in unlocked:
        yield f"Backup vault {r.props.get('name') or r.name} holds HIPAA recovery points but has no vault lock.", r


POLICY = stack_policy(
    name="aws-backup-vault-locked-hipaa",
    description="AWS Backup vaults of HIPAA tenants are locked against deletion of recovery points.",
    check=check,
    reads=[VAULT, LOCK],
    severity="high",
    frameworks=["hipaa:164.308(a)(7)(ii)(A)", "hipaa:164.308(a)(7)(ii)(B)", "soc2:A1.2"],
    remediation="Add an aws.backup.VaultLockConfiguration with minRetentionDays matching the backup plan.",
    enforcement="mandatory",
)
