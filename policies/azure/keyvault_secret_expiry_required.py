"""Key Vault secrets have an expiration date.

Follows CIS Azure Foundations v2.1 8.3 and 8.4 (the expiration date is set for all secrets in RBAC and non-RBAC Key
Vaults), Checkov CKV_AZURE_41 and Prowler keyvault_rbac_secret_expiration_set / keyvault_non_rbac_secret_expiration_set:
``properties.attributes.expires`` must be set. Advisory: expiry forces rotation of the credential it holds.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if not get(props, "properties.attributes.expires"):
        yield "The secret never expires (properties.attributes.expires is not set)."


POLICY = resource_policy(
    name="azure-keyvault-secret-expiry-required",
    description="Key Vault secrets have an expiration date.",
    types=["azure-native:keyvault:Secret"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "hipaa:164.308(a)(5)(ii)(D)", "cis:azure-8.3", "cis:azure-8.4"],
    remediation="Set properties.attributes.expires (Unix time) and rotate the secret before it.",
)
