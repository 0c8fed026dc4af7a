"""No one holds Service Account User or Token Creator on a whole project, folder or organization.

Follows CIS GCP Foundations v3.0 1.6 (IAM users are not assigned the Service Account User or Service Account Token
Creator roles at project level), Checkov CKV_GCP_41 and Prowler iam_no_service_roles_at_project_level: granted at
project level, ``roles/iam.serviceAccountUser`` or ``roles/iam.serviceAccountTokenCreator`` lets the member act as
every service account in the project. The peers flag the role whoever holds it, and so does this policy; folder and
organization grants reach further still (Checkov CKV_GCP_44, CKV_GCP_45). Grant them on one service account instead.
Mandatory: a privilege escalation path.
"""

from policies.gcp._iam import grants, iam_types
from policies.meta import resource_policy

IMPERSONATION_ROLES = ("roles/iam.serviceAccountUser", "roles/iam.serviceAccountTokenCreator")


def check(props, config):
    for role, member in grants(props):
        if role in IMPERSONATION_ROLES:
            yield f"{member} can impersonate every service account below this level ({role})."


POLICY = resource_policy(
    name="gcp-projects-iam-impersonation-forbidden",
    description="Service Account User and Token Creator are never granted on a whole project, folder or organization.",
    types=[*iam_types("projects", "iAM"), *iam_types("folder", "iAM"), *iam_types("organizations", "iAM")],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.3", "hipaa:164.308(a)(4)(ii)(B)", "cis:gcp-1.6"],
    remediation=(
        "Grant roles/iam.serviceAccountUser or roles/iam.serviceAccountTokenCreator on the one service account the "
        "member needs (gcp.serviceaccount.IAMMember), not on the project."
    ),
    enforcement="mandatory",
)
