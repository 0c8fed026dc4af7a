"""Container registries have the admin user disabled.

Follows Checkov CKV_AZURE_137 (ACR admin account is disabled) and Prowler containerregistry_admin_user_disabled:
``adminUserEnabled`` defaults to false; true creates a shared username/password with push and pull rights that no
identity owns. Advisory (high): the credential still has to leak to be used.
"""

from policies.meta import resource_policy


def check(props, config):
    if props.get("adminUserEnabled") is True:
        yield "The registry's admin user is enabled: a shared push/pull credential that no identity owns."


POLICY = resource_policy(
    name="azure-containerregistry-registry-adminuser-disabled",
    description="Container registries have the shared admin user disabled.",
    types=["azure-native:containerregistry:Registry"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(1)"],
    remediation="Set adminUserEnabled: false; grant AcrPull/AcrPush roles to managed identities or service principals.",
)
