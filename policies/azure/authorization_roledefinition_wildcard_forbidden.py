"""Custom Azure roles never grant every action.

Follows CIS Azure Foundations v2.1 1.22 (no custom subscription administrator roles exist), Checkov CKV_AZURE_39 (no
custom subscription owner roles are created) and Prowler iam_subscription_roles_owner_custom_not_created: a role
definition whose ``permissions[].actions`` contains ``*`` is an administrator role under another name. Checkov's
current rule flags it at any assignable scope, and so does this policy. Mandatory: an owner-equivalent role outside
the built-in Owner escapes the reviews that watch Owner.
"""

from policies.meta import resource_policy
from policies.props import as_list


def check(props, config):
    for permission in as_list(props.get("permissions")):
        if "*" in as_list(permission.get("actions")):
            yield f"The custom role {props.get('roleName') or ''} grants every action ('*').".replace("  ", " ")


POLICY = resource_policy(
    name="azure-authorization-roledefinition-wildcard-forbidden",
    description="Custom Azure roles never grant every action.",
    types=["azure-native:authorization:RoleDefinition"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.3", "hipaa:164.308(a)(4)(ii)(B)", "cis:azure-1.22"],
    remediation="List the exact actions the role needs (e.g. Microsoft.Storage/storageAccounts/read), never '*'.",
    enforcement="mandatory",
)
