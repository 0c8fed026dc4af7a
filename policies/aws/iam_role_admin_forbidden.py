from policies.meta import resource_policy

ADMIN = (
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/PowerUserAccess",
    "arn:aws:iam::aws:policy/IAMFullAccess",
)


def check(props, config):
    arns = [props.get("policyArn")] if "policyArn" in props else list(props.get("managedPolicyArns") or [])
    for arn in arns:
        if arn in ADMIN:
            yield f"The role is given {arn.rsplit('/', 1)[-1]}."


POLICY = resource_policy(
    name="aws-iam-role-admin-forbidden",
    description="Roles never receive administrator-level managed policies.",
    types=[
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:iam/role:Role",
        "aws:iam/policyAttachment:PolicyAttachment",
    ],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.3", "hipaa:164.308(a)(3)(i)", "cis:aws-1.16"],
    remediation="Attach a policy scoped to the workload's resources instead.",
    enforcement="mandatory",
)
