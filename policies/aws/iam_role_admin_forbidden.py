"""Roles, users and groups never receive administrator-level AWS managed policies.

Follows CIS AWS Foundations v3.0 1.16 ("Ensure IAM policies that allow full "*:*" administrative
privileges are not attached"), Checkov CKV_AWS_274 ("Disallow IAM roles, users, and groups from using
the AWS AdministratorAccess policy") and Prowler ``iam_aws_attached_policy_no_administrative_privileges``:
``AdministratorAccess``, ``PowerUserAccess`` or ``IAMFullAccess`` attached to a role, user or group
(``RolePolicyAttachment``, ``UserPolicyAttachment``, ``GroupPolicyAttachment``, ``PolicyAttachment``,
or ``managedPolicyArns`` on ``iam.Role``). Customer-managed policies that allow ``*:*`` are
``aws-iam-policy-wildcard-forbidden``'s. Mandatory.
"""

from policies.meta import resource_policy

ADMIN = (
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/PowerUserAccess",
    "arn:aws:iam::aws:policy/IAMFullAccess",
)


def check(props, config):
    arns = [props.get("policyArn")] if "policyArn" in props else list(props.get("managedPolicyArns") or [])
    who = next(
        (key for key in ("role", "user", "group") if key in props), "role" if "assumeRolePolicy" in props else None
    )
    for arn in arns:
        if arn in ADMIN:
            yield f"The {who or 'role, user or group'} is given {arn.rsplit('/', 1)[-1]}."


POLICY = resource_policy(
    name="aws-iam-role-admin-forbidden",
    description="Roles, users and groups never receive administrator-level managed policies.",
    types=[
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:iam/userPolicyAttachment:UserPolicyAttachment",
        "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
        "aws:iam/role:Role",
        "aws:iam/policyAttachment:PolicyAttachment",
    ],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.3", "hipaa:164.308(a)(3)(i)", "cis:aws-1.16"],
    remediation="Attach a policy scoped to the workload's resources instead.",
    enforcement="mandatory",
)
