"""Secrets Manager resource policies never let any principal read the secret.

Follows Prowler ``secretsmanager_not_publicly_accessible`` and IAM Access Analyzer's public-access
finding for secrets: an Allow statement for ``*`` is public
unless a condition fixes the caller (``aws:PrincipalOrgID``, ``aws:PrincipalAccount``...), read as
in policies/aws/_documents.py. Reads ``secretsmanager.SecretPolicy`` (whose ``blockPublicPolicy``
only guards the API call) and the inline ``policy`` of ``secretsmanager.Secret``. Mandatory.
"""

from policies.aws._documents import public_findings
from policies.meta import resource_policy


def check(props, config):
    if "policy" in props:
        yield from public_findings(props.get("policy"), "The secret policy")


POLICY = resource_policy(
    name="aws-secretsmanager-secret-public-forbidden",
    description="Secrets Manager resource policies grant nothing to any principal unless a condition fixes the caller.",
    types=["aws:secretsmanager/secretPolicy:SecretPolicy", "aws:secretsmanager/secret:Secret"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(1)", "gdpr:Art.32"],
    remediation=(
        "Name the roles that read the secret, or keep Principal * only with an aws:PrincipalOrgID or "
        "aws:PrincipalAccount condition; set blockPublicPolicy: true."
    ),
    enforcement="mandatory",
)
