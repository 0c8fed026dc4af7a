"""Storage accounts deny network access by default and let trusted Azure services through.

Follows CIS Azure Foundations v2.1 3.8 (default network access rule for Storage Accounts is set to Deny) and 3.9
(trusted Azure services may access the account), Checkov CKV_AZURE_35, CKV_AZURE_59 (Storage accounts disallow public
access) and CKV_AZURE_36, Prowler storage_default_network_access_rule_is_denied. As Checkov CKV_AZURE_59 reads it,
``publicNetworkAccess: Disabled`` or ``networkRuleSet.defaultAction: Deny`` restricts the account; without either
(no networkRuleSet: default action Allow) it accepts connections from any network. ``networkRuleSet.bypass``
defaults to AzureServices; only a bypass without it is a finding. Mandatory: the firewall in front of tenant data.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if props.get("publicNetworkAccess") != "Disabled" and get(props, "networkRuleSet.defaultAction") != "Deny":
        yield "The storage account accepts connections from any network (default action Allow)."
    bypass = get(props, "networkRuleSet.bypass")
    if bypass is not None and "AzureServices" not in str(bypass):
        yield f"Trusted Azure services cannot reach the account (networkRuleSet.bypass: {bypass!r})."


POLICY = resource_policy(
    name="azure-storage-account-network-restricted",
    description="Storage accounts deny network access by default.",
    types=["azure-native:storage:StorageAccount"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6", "gdpr:Art.32", "cis:azure-3.8", "cis:azure-3.9"],
    remediation=(
        'Set networkRuleSet: {defaultAction: "Deny", bypass: "AzureServices", ipRules/virtualNetworkRules: ...} or '
        'publicNetworkAccess: "Disabled" with a private endpoint.'
    ),
    enforcement="mandatory",
)
