"""AWS Backup vaults encrypt recovery points with a customer-managed KMS key.

Without ``kmsKeyArn`` a vault uses the AWS managed key ``aws/backup``: its policy cannot be changed, so
it cannot be shared with a cross-account copy destination, and the account cannot revoke or audit its use
separately from every other vault (https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html).

Follows Prowler ``backup_vaults_encrypted`` and Checkov CKV_AWS_166 (backup vaults encrypted with a
customer-managed key). Mandatory: recovery points hold the tenant's data, under the same key control
as the data itself.
"""

from policies.meta import resource_policy

AWS_MANAGED = ":alias/aws/"


def check(props, config):
    if "kmsKeyArn" not in props or not props.get("kmsKeyArn"):
        yield "The vault encrypts recovery points with the AWS managed key aws/backup, not a customer-managed key."
        return
    key = str(props["kmsKeyArn"])
    if AWS_MANAGED in key or key.startswith("alias/aws/"):
        yield f"The vault encrypts recovery points with the AWS managed key {key}, not a customer-managed key."


POLICY = resource_policy(
    name="aws-backup-vault-cmk-required",
    description="AWS Backup vaults encrypt recovery points with a customer-managed KMS key.",
    types=["aws:backup/vault:Vault"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32"],
    remediation=(
        "Set kmsKeyArn to a customer-managed key whose policy lets the backup role use it through AWS Backup "
        "(a vault's key cannot be changed later: create a new vault and copy recovery points into it)."
    ),
    enforcement="mandatory",
)
