"""The program creates no active long-lived IAM access keys.

Follows CIS AWS Foundations v3.0 1.14 ("Ensure access keys are rotated every 90 days or less") and
Prowler ``iam_rotate_access_key_90_days`` / AWS Security Hub IAM.3, read for infrastructure as code:
an ``iam.AccessKey`` created by the program is never rotated by it, and its secret lives in the
stack's state. Active is the provider's default status; an ``Inactive`` key passes. Advisory: some
third-party integrations still need a key; suppress them with an owner and a rotation date.
"""

from policies.meta import resource_policy


def check(props, config):
    status = props.get("status") or "Active"
    if status == "Active":
        yield f"An active access key is created for user {props.get('user')}: a long-lived credential kept in state."


POLICY = resource_policy(
    name="aws-iam-accesskey-forbidden",
    description="The program creates no active IAM user access keys.",
    types=["aws:iam/accessKey:AccessKey"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.308(a)(5)(ii)(D)", "cis:aws-1.14"],
    remediation=(
        "Use an IAM role (instance profile, IRSA, OIDC federation for CI) instead of a user key; if a key is "
        "unavoidable, create it outside the program and rotate it."
    ),
)
