"""Key Vault keys have an expiration date.

Follows CIS Azure Foundations v2.1 8.1 and 8.2 (the expiration date is set for all keys in RBAC and non-RBAC Key
Vaults), Checkov CKV_AZURE_40 and Prowler keyvault_rbac_key_expiration_set / keyvault_key_expiration_set_in_non_rbac:
``properties.attributes.expires`` must be set on the key (a rotation policy's expiryTime applies to the versions it
creates, not to this one). Advisory: an expired key stops decrypting, so expiry needs the rotation that
azure-keyvault-key-rotation-enabled asks for.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if not get(props, "properties.attributes.expires"):
        yield "The key never expires (properties.attributes.expires is not set)."


POLICY = resource_policy(
    name="azure-keyvault-key-expiry-required",
    description="Key Vault keys have an expiration date.",
    types=["azure-native:keyvault:Key"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "cis:azure-8.1", "cis:azure-8.2"],
    remediation="Set properties.attributes.expires (Unix time) and a rotation policy that rotates before it.",
)
