"""IAM policies grant no wildcard actions and no write actions on every resource.

Follows CIS AWS Foundations v3.0 1.16 ("Ensure IAM policies that allow full "*:*" administrative
privileges are not attached"), Checkov CKV_AWS_62 / CKV_AWS_63 (no ``*`` or ``*:*`` action),
CKV_AWS_290 / CKV_AWS_355 (no write or unrestricted actions on ``Resource: *``), cdk-nag
AwsSolutions-IAM5 and Prowler ``iam_customer_attached_policy_no_administrative_privileges`` /
``iam_inline_policy_no_administrative_privileges``. Reads standalone and inline policies
(``iam.Policy``, ``RolePolicy``, ``UserPolicy``, ``GroupPolicy``) and the ``inlinePolicies`` of
``iam.Role``. Mandatory.
"""

from policies.meta import resource_policy
from policies.props import as_list, get, policy_document, statements

READ_ONLY = ("Get", "List", "Describe")
EVERY_ACTION = ("*", "*:*")


def documents(props):
    if "policy" in props:
        yield props.get("policy")
    for inline in as_list(props.get("inlinePolicies")):
        yield get(inline, "policy")


def check(props, config):
    for document in documents(props):
        for st in statements(policy_document(document)):
            if st.get("Effect") != "Allow":
                continue
            actions = [str(a) for a in as_list(st.get("Action"))]
            resources = [str(r) for r in as_list(st.get("Resource"))]
            writes = [a for a in actions if not a.split(":")[-1].startswith(READ_ONLY)]
            if any(a in EVERY_ACTION for a in actions):
                yield "A statement allows every action (Action: *)."
            elif "*" in resources and writes:
                yield f"A statement allows {', '.join(writes[:3])} on every resource (Resource: *)."


POLICY = resource_policy(
    name="aws-iam-policy-wildcard-forbidden",
    description="IAM policies grant no wildcard actions and no write actions on every resource.",
    types=[
        "aws:iam/policy:Policy",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/userPolicy:UserPolicy",
        "aws:iam/groupPolicy:GroupPolicy",
        "aws:iam/role:Role",
    ],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.3", "hipaa:164.308(a)(4)(ii)(B)", "cis:aws-1.16"],
    remediation="List the actions the workload needs and scope Resource to its own ARNs.",
    enforcement="mandatory",
)
