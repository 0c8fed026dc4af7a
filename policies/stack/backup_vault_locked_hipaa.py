from policies.base import stack_policy
from policies.props import compliance_of

VAULT = "aws:backup/vault:Vault"
LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"


def check(resources, config):
    locked = {r.props.get("backupVaultName") for r in resources if r.resource_type == LOCK}
    for r in resources:
        if r.resource_type == VAULT and "hipaa" in compliance_of(r.props) and (r.props.get("name") or r.name) not in locked:
            yield f"Backup vault {r.props.get('name') or r.name} holds HIPAA recovery points but has no vault lock.", r


POLICY = stack_policy(
    name="aws-backup-vault-locked-hipaa",
    description="AWS Backup vaults of HIPAA tenants are locked against deletion of recovery points.",
    pack="compliance",
    check=check,
    reads=[VAULT, LOCK],
    severity="high",
    frameworks=["hipaa:164.308(a)(7)(ii)(A)", "hipaa:164.310(d)(2)(iv)", "soc2:A1.2"],
    remediation="Add an aws.backup.VaultLockConfiguration with minRetentionDays matching the backup plan.",
    enforcement="mandatory",
)
