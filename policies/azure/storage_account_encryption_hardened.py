from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if get(props, "encryption.requireInfrastructureEncryption") is not True:
        yield "Infrastructure (double) encryption is off."
    if get(props, "encryption.keySource") != "Microsoft.Keyvault":
        yield "Data is encrypted with Microsoft-managed keys; use a customer-managed key from Key Vault."
    if props.get("allowSharedKeyAccess") is not False:
        yield "Shared-key access is allowed; require Entra ID authorization."


POLICY = resource_policy(
    name="azure-storage-account-encryption-hardened",
    description="Storage accounts use infrastructure encryption, a customer-managed key and no shared keys.",
    types=["azure-native:storage:StorageAccount"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32", "cis:azure-3.2", "cis:azure-3.12"],
    remediation=(
        "Set encryption.requireInfrastructureEncryption: true, keySource: Microsoft.Keyvault with "
        "keyVaultProperties, and allowSharedKeyAccess: false."
    ),
)
