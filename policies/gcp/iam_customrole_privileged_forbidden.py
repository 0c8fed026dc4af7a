"""Custom IAM roles grant no wildcard and no permission that escalates privileges.

Follows least-privilege guidance for custom roles as the issue states it ("custom roles with `*`"): a permission
with a wildcard, or one of the permissions that let the holder grant itself more (``*.setIamPolicy``,
``iam.serviceAccounts.actAs``/``getAccessToken``/``signBlob``/``signJwt``/``implicitDelegation``,
``iam.serviceAccountKeys.create``, ``iam.roles.update``/``create``, ``deploymentmanager.deployments.create``), as the
GCP privilege-escalation research behind CIS GCP 1.5/1.6 catalogues them. Project and organization custom roles.
Advisory: some roles legitimately carry one of these; the finding names it for review.
"""

from policies.meta import resource_policy
from policies.props import as_list

ESCALATING = (
    "iam.serviceAccounts.actAs",
    "iam.serviceAccounts.getAccessToken",
    "iam.serviceAccounts.getOpenIdToken",
    "iam.serviceAccounts.implicitDelegation",
    "iam.serviceAccounts.signBlob",
    "iam.serviceAccounts.signJwt",
    "iam.serviceAccountKeys.create",
    "iam.roles.create",
    "iam.roles.update",
    "deploymentmanager.deployments.create",
)


def check(props, config):
    for permission in map(str, as_list(props.get("permissions"))):
        if "*" in permission:
            yield f"The role grants the wildcard permission {permission}."
        elif permission.endswith(".setIamPolicy") or permission in ESCALATING:
            yield f"The role grants {permission}, which lets its holder raise their own privileges."


POLICY = resource_policy(
    name="gcp-iam-customrole-privileged-forbidden",
    description="Custom IAM roles grant no wildcard or privilege-escalating permissions.",
    types=["gcp:projects/iAMCustomRole:IAMCustomRole", "gcp:organizations/iAMCustomRole:IAMCustomRole"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.3", "hipaa:164.308(a)(4)(ii)(B)"],
    remediation="List the exact permissions the role needs; grant escalating permissions only to break-glass roles.",
)
