"""Database firewalls do not "allow access to Azure services".

Follows CIS Azure Foundations v2.1 4.3.7 ('Allow access to Azure services' for PostgreSQL Database Server is disabled)
and 4.1.2, whose audit counts the same rule on Azure SQL, Checkov CKV2_AZURE_6 and Prowler
postgresql_flexible_server_allow_access_services_disabled: a rule from 0.0.0.0 to 0.0.0.0 admits every address inside
Azure - including other customers' subscriptions. Advisory (high): a connection still needs credentials, and some
PaaS integrations rely on the rule.
"""

from policies.azure._database import AZURE_SERVICES_RANGE, FIREWALL_RULES, ip_range
from policies.meta import resource_policy


def check(props, config):
    if ip_range(props) == AZURE_SERVICES_RANGE:
        yield "The firewall rule allows access from all Azure services, including other tenants' resources."


POLICY = resource_policy(
    name="azure-database-firewallrule-azureservices-forbidden",
    description="Database firewalls do not allow access from all Azure services.",
    types=list(FIREWALL_RULES),
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6", "cis:azure-4.3.7"],
    remediation="Delete the 0.0.0.0-0.0.0.0 rule; admit the specific outbound addresses or use private endpoints.",
)
