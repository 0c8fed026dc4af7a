"""Azure databases and caches are not reachable from every network.

Follows CIS Azure Foundations v2.1 4.5.1 (Cosmos DB 'Firewalls & Networks' limited to selected networks), Checkov
CKV_AZURE_68 (PostgreSQL), CKV_AZURE_53 (MySQL), CKV_AZURE_48 (MariaDB), CKV_AZURE_101 (Cosmos DB) and CKV_AZURE_89
(Redis) - public network access disabled - and Prowler cosmosdb_account_firewall_use_selected_networks. What passes:
flexible servers in a delegated subnet (``network.delegatedSubnetResourceId``) or with
``network.publicNetworkAccess: Disabled``; single servers and MariaDB with ``properties.publicNetworkAccess:
Disabled``; Cosmos DB with public access disabled or limited to selected networks (virtual-network filter or IP
rules); Redis with ``publicNetworkAccess: Disabled`` or injected into a subnet (``subnetId``). Public access is
every service's default. Azure SQL servers are azure-sql-server-public-forbidden. Mandatory: a database answering
every network is exposure.
"""

from policies.azure._database import FLEXIBLE_SERVERS, SINGLE_SERVERS
from policies.meta import resource_policy
from policies.props import as_list, get

COSMOS = "azure-native:cosmosdb:DatabaseAccount"
REDIS = "azure-native:redis:Redis"


def _restricted(props) -> bool:
    if "databaseAccountOfferType" in props or "accountName" in props:  # Cosmos DB
        return (
            props.get("publicNetworkAccess") == "Disabled"
            or props.get("isVirtualNetworkFilterEnabled") is True
            or bool(as_list(props.get("ipRules")))
        )
    if "properties" in props:  # single server, MariaDB
        return get(props, "properties.publicNetworkAccess") == "Disabled"
    if "serverName" in props or "network" in props:  # flexible server
        return get(props, "network.publicNetworkAccess") == "Disabled" or bool(
            get(props, "network.delegatedSubnetResourceId")
        )
    # Redis: a cache injected into a virtual network (subnetId) has no public endpoint.
    return props.get("publicNetworkAccess") == "Disabled" or bool(props.get("subnetId"))


def check(props, config):
    if not _restricted(props):
        yield "The database accepts connections from every network (public network access is enabled)."


POLICY = resource_policy(
    name="azure-database-server-public-forbidden",
    description="Azure databases and caches accept connections only from selected or private networks.",
    types=[*FLEXIBLE_SERVERS, *SINGLE_SERVERS, COSMOS, REDIS],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6", "hipaa:164.312(e)(1)", "cis:azure-4.5.1"],
    remediation=(
        "Disable public network access and connect through a private endpoint or VNet integration (flexible servers: "
        "network.delegatedSubnetResourceId); for Cosmos DB at least limit access to selected networks."
    ),
    enforcement="mandatory",
)
