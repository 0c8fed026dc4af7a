from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if get(props, "properties.enablePurgeProtection") is not True:
        yield "Purge protection is off: deleted keys could be destroyed before the retention period ends."
    if get(props, "properties.enableSoftDelete", True) is False:
        yield "Soft delete is off."
    if get(props, "properties.enableRbacAuthorization") is not True:
        yield "The vault uses access policies instead of Azure RBAC."


POLICY = resource_policy(
    name="azure-keyvault-vault-recoverable",
    description="Key Vaults use RBAC authorization, soft delete and purge protection.",
    types=["azure-native:keyvault:Vault"],
    check=check,
    severity="high",
    frameworks=["soc2:A1.2", "hipaa:164.312(a)(2)(iv)", "cis:azure-8.5", "cis:azure-8.6"],
    remediation="Set properties.enablePurgeProtection: true, enableSoftDelete: true and enableRbacAuthorization: true.",
    enforcement="mandatory",
)
