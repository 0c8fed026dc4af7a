"""Key Vault keys rotate automatically.

Follows CIS Azure Foundations v2.1 8.8 (automatic key rotation is enabled within Azure Key Vault) and Prowler
keyvault_key_rotation_enabled: ``properties.rotationPolicy.lifetimeActions`` must contain an action of type Rotate
(absent: the key is never rotated). Mandatory, as KMS rotation on AWS and GCP: customer-managed keys protect tenant
data at rest.
"""

from policies.meta import resource_policy
from policies.props import as_list, get


def check(props, config):
    actions = as_list(get(props, "properties.rotationPolicy.lifetimeActions"))
    if not any(str(get(a, "action.type") or "").lower() == "rotate" for a in actions):
        yield "The key never rotates: its rotation policy has no Rotate action."


POLICY = resource_policy(
    name="azure-keyvault-key-rotation-enabled",
    description="Key Vault keys rotate automatically.",
    types=["azure-native:keyvault:Key"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "cis:azure-8.8"],
    remediation=(
        'Set properties.rotationPolicy.lifetimeActions: [{trigger: {timeAfterCreate: "P90D"}, action: {type: '
        '"rotate"}}].'
    ),
    enforcement="mandatory",
)
