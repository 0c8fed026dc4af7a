"""IAM role trust policies never let any principal assume the role.

Follows Checkov CKV_AWS_60 ("Ensure IAM role allows only specific services or principals to assume
it") and IAM Access Analyzer's public-role finding: an Allow statement of ``assumeRolePolicy`` whose
principal is ``*`` or ``{"AWS": "*"}`` lets every AWS account (and, with web identity, anyone)
assume the role, unless a condition fixes the caller's account, organization or ARN
(``aws:PrincipalOrgID``, ``aws:PrincipalAccount``, ``aws:PrincipalArn``...; read as in
policies/aws/_documents.py). ``sts:ExternalId`` alone does not fix the caller. Mandatory: whoever
assumes the role holds all its permissions.
"""

from policies.aws._documents import public_findings
from policies.meta import resource_policy


def check(props, config):
    yield from public_findings(props.get("assumeRolePolicy"), "The trust policy")


POLICY = resource_policy(
    name="aws-iam-role-trust-restricted",
    description="IAM role trust policies name the principals that may assume the role.",
    types=["aws:iam/role:Role"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.1", "soc2:CC6.3", "hipaa:164.308(a)(4)(ii)(B)"],
    remediation=(
        "Name the trusted account, role or service principal, or keep Principal * only with an "
        "aws:PrincipalOrgID or aws:PrincipalArn condition; for web identity, condition on the token's aud and sub."
    ),
    enforcement="mandatory",
)
