"""Cosmos DB accounts encrypt data with a customer-managed key.

Follows Checkov CKV_AZURE_100 (Cosmos DB accounts have customer-managed keys to encrypt data at rest):
``keyVaultKeyUri`` must be set (absent: Microsoft-managed keys). Advisory, as the other customer-managed-key policies.
"""

from policies.meta import resource_policy


def check(props, config):
    if not props.get("keyVaultKeyUri"):
        yield "The account is encrypted with Microsoft-managed keys; set keyVaultKeyUri."


POLICY = resource_policy(
    name="azure-cosmosdb-account-cmk-required",
    description="Cosmos DB accounts encrypt data with a customer-managed key.",
    types=["azure-native:cosmosdb:DatabaseAccount"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32"],
    remediation="Set keyVaultKeyUri to a Key Vault key (with defaultIdentity able to wrap/unwrap it); set at creation.",
)
