"""Key Vaults disable public network access.

Follows Checkov CKV_AZURE_189 (Azure Key Vault disables public network access) and Prowler
keyvault_ensure_public_network_access_disabled, in line with CIS Azure Foundations v2.1 8.7 (private endpoints are used
for Azure Key Vault): ``properties.publicNetworkAccess`` defaults to Enabled and must be Disabled. Stricter than
azure-keyvault-vault-network-restricted, which accepts a public endpoint behind a default-deny firewall. Advisory:
the firewall already limits who reaches the vault; private endpoints are the stronger design.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if get(props, "properties.publicNetworkAccess") != "Disabled":
        yield "The vault has a public endpoint (properties.publicNetworkAccess is not Disabled)."


POLICY = resource_policy(
    name="azure-keyvault-vault-public-forbidden",
    description="Key Vaults disable public network access.",
    types=["azure-native:keyvault:Vault"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.6"],
    remediation='Set properties.publicNetworkAccess: "Disabled" and reach the vault through a private endpoint.',
)
