"""ECR repository policies never let anyone pull or push images.

Follows Checkov CKV_AWS_32 ("Ensure ECR policy is not set to public") and Prowler
``ecr_repositories_not_publicly_accessible``: an Allow statement of an ``ecr.RepositoryPolicy`` for
``*`` is public (anonymous pull of the tenant's images, or push) unless a condition fixes the
caller (``aws:PrincipalOrgID``, ``aws:SourceAccount``...), read as in policies/aws/_documents.py.
Mandatory: images carry code and often baked-in configuration.
"""

from policies.aws._documents import public_findings
from policies.meta import resource_policy


def check(props, config):
    if "policy" in props:
        yield from public_findings(props.get("policy"), "The repository policy")


POLICY = resource_policy(
    name="aws-ecr-repository-public-forbidden",
    description="ECR repository policies grant nothing to any principal unless a condition fixes the caller.",
    types=["aws:ecr/repositoryPolicy:RepositoryPolicy"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.1", "soc2:CC6.6", "soc2:CC8.1"],
    remediation=(
        "Grant pull to named account roles, or keep Principal * only with an aws:PrincipalOrgID condition; "
        "publish public images through ECR Public instead."
    ),
    enforcement="mandatory",
)
