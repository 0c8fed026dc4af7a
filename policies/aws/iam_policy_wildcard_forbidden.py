from policies.meta import resource_policy
from policies.props import as_list, policy_document, statements

READ_ONLY = ("Get", "List", "Describe")


def check(props, config):
    for st in statements(policy_document(props.get("policy"))):
        if st.get("Effect") != "Allow":
            continue
        actions = [str(a) for a in as_list(st.get("Action"))]
        resources = [str(r) for r in as_list(st.get("Resource"))]
        if "*" in actions:
            yield "A statement allows every action (Action: *)."
        elif "*" in resources and any(not a.split(":")[-1].startswith(READ_ONLY) for a in actions):
            writes = [a for a in actions if not a.split(":")[-1].startswith(READ_ONLY)]
            yield f"A statement allows {', '.join(writes[:3])} on every resource (Resource: *)."


POLICY = resource_policy(
    name="aws-iam-policy-wildcard-forbidden",
    description="IAM policies grant no wildcard actions and no write actions on every resource.",
    types=[
        "aws:iam/policy:Policy",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/userPolicy:UserPolicy",
        "aws:iam/groupPolicy:GroupPolicy",
    ],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.3", "hipaa:164.308(a)(4)(ii)(B)", "cis:aws-1.16"],
    remediation="List the actions the workload needs and scope Resource to its own ARNs.",
    enforcement="mandatory",
)
