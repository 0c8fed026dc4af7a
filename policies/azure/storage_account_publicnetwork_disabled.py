"""Storage accounts disable public network access.

Follows CIS Azure Foundations v2.1 3.7 ('Public Network Access' is 'Disabled' for storage accounts) and Prowler
storage_account_public_network_access_disabled: ``publicNetworkAccess`` must be Disabled (unset: the account has a
public endpoint, governed only by its firewall). Stricter than azure-storage-account-network-restricted, which
accepts a public endpoint behind a default-deny firewall. Advisory: the firewall already limits who reaches the data.
"""

from policies.meta import resource_policy


def check(props, config):
    if props.get("publicNetworkAccess") != "Disabled":
        yield "The storage account has a public endpoint (publicNetworkAccess is not Disabled)."


POLICY = resource_policy(
    name="azure-storage-account-publicnetwork-disabled",
    description="Storage accounts disable public network access.",
    types=["azure-native:storage:StorageAccount"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.6", "gdpr:Art.32"],
    remediation='Set publicNetworkAccess: "Disabled" and reach the account through private endpoints.',
)
