"""Key Vaults deny network access by default.

Follows Checkov CKV_AZURE_109 (key vault allows firewall rules settings) and Prowler
keyvault_ensure_public_network_access_disabled: the vault needs ``properties.networkAcls.defaultAction: Deny`` or
``properties.publicNetworkAccess: Disabled``, as Checkov reads it; without networkAcls the default action is Allow
and the vault answers every network. Mandatory: the vault holds the keys to tenant data.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if get(props, "properties.publicNetworkAccess") == "Disabled":
        return
    if get(props, "properties.networkAcls.defaultAction") != "Deny":
        yield "The vault accepts connections from any network (networkAcls.defaultAction is not Deny)."


POLICY = resource_policy(
    name="azure-keyvault-vault-network-restricted",
    description="Key Vaults deny network access by default.",
    types=["azure-native:keyvault:Vault"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6", "hipaa:164.312(a)(1)"],
    remediation=(
        'Set properties.networkAcls: {defaultAction: "Deny", bypass: "AzureServices"} with ipRules or '
        'virtualNetworkRules, or properties.publicNetworkAccess: "Disabled" with a private endpoint.'
    ),
    enforcement="mandatory",
)
