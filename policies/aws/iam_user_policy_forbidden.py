"""IAM users receive permissions only through groups.

Follows CIS AWS Foundations v3.0 1.15 ("Ensure IAM Users Receive Permissions Only Through Groups"),
Checkov CKV_AWS_40 ("Ensure IAM policies are attached only to groups or roles") and Prowler
``iam_policy_attached_only_to_group_or_roles``: an inline ``iam.UserPolicy``, an
``iam.UserPolicyAttachment``, or an ``iam.PolicyAttachment`` that lists users. Advisory: it is an
access-management habit, and people should reach AWS through federation in the first place.
"""

from policies.meta import resource_policy
from policies.props import as_list


def check(props, config):
    if "users" in props:  # PolicyAttachment
        users = [str(u) for u in as_list(props.get("users"))]
        if users:
            yield f"The policy is attached directly to user(s) {', '.join(users)}; attach it to a group."
        return
    yield f"A policy is attached directly to user {props.get('user')}; attach it to a group."


POLICY = resource_policy(
    name="aws-iam-user-policy-forbidden",
    description="IAM policies are attached to groups and roles, never directly to users.",
    types=[
        "aws:iam/userPolicy:UserPolicy",
        "aws:iam/userPolicyAttachment:UserPolicyAttachment",
        "aws:iam/policyAttachment:PolicyAttachment",
    ],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.3", "hipaa:164.308(a)(4)(ii)(B)", "cis:aws-1.15"],
    remediation="Put the user in an IAM group and attach the policy to the group (better: federate people with SSO).",
)
