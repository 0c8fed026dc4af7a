"""KMS key policies never let any principal use or manage the key.

Follows Checkov CKV_AWS_33 ("Ensure KMS key policy does not contain wildcard (*) principal") and
Prowler ``kms_key_not_publicly_accessible``: an Allow statement for ``*`` is public unless a
condition fixes the caller (``kms:CallerAccount``, ``aws:PrincipalOrgID``, ``aws:SourceArn``...),
read as in policies/aws/_documents.py. Reads the ``policy`` of ``kms.Key`` and ``kms.KeyPolicy``.
Mandatory: whoever can use the key can read everything it encrypts.
"""

from policies.aws._documents import public_findings
from policies.meta import resource_policy


def check(props, config):
    if "policy" in props:
        yield from public_findings(props.get("policy"), "The key policy")


POLICY = resource_policy(
    name="aws-kms-key-public-forbidden",
    description="KMS key policies grant nothing to any principal unless a condition fixes the caller.",
    types=["aws:kms/key:Key", "aws:kms/keyPolicy:KeyPolicy"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32"],
    remediation=(
        "Name the account root and the roles that use the key as principals, or keep Principal * only with "
        "kms:CallerAccount (and kms:ViaService) conditions."
    ),
    enforcement="mandatory",
)
