"""Database firewall rules never admit every IPv4 address.

Follows CIS Azure Foundations v2.1 4.1.2 (no Azure SQL Databases allow ingress from 0.0.0.0/0 (ANY IP)), Checkov
CKV_AZURE_11 and Prowler sqlserver_unrestricted_inbound_access, on the firewall rules of Azure SQL, PostgreSQL, MySQL,
MariaDB, Redis, Cosmos DB for MongoDB (vCore) and Synapse: a rule from 0.0.0.0 to 255.255.255.255 opens the server to
the internet. Mandatory and critical: the database then answers any address.
"""

from policies.azure._database import FIREWALL_RULES, WORLD_RANGE, ip_range
from policies.meta import resource_policy


def check(props, config):
    if ip_range(props) == WORLD_RANGE:
        yield "The firewall rule admits every IPv4 address (0.0.0.0-255.255.255.255)."


POLICY = resource_policy(
    name="azure-database-firewallrule-world-forbidden",
    description="Database firewall rules never admit every IPv4 address.",
    types=list(FIREWALL_RULES),
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "hipaa:164.312(e)(1)", "cis:azure-4.1.2"],
    remediation=(
        "Replace the rule with the addresses that connect, or use a private endpoint and disable public access."
    ),
    enforcement="mandatory",
)
