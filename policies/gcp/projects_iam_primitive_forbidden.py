"""Project, folder and organization IAM grants no basic role, and service accounts hold no admin role.

Follows Checkov CKV_GCP_117/116/115 (basic roles are not used at project/folder/organization level): roles/owner,
roles/editor and roles/viewer grant thousands of permissions across every service; and CIS GCP Foundations v3.0 1.5
(Service Account has no Admin privileges), Checkov CKV_GCP_42 and Prowler iam_sa_no_administrative_privileges: a
service account holds no ``*Admin``/``*admin`` role (nor Owner or Editor). Reads member, binding and whole-policy
resources. Mandatory.
"""

from policies.gcp._iam import grants, iam_types
from policies.meta import resource_policy

BASIC_ROLES = ("roles/owner", "roles/editor", "roles/viewer")


def _admin(role: str) -> bool:
    return "admin" in role.lower() or role in BASIC_ROLES[:2]


def check(props, config):
    for role, member in grants(props):
        if role in BASIC_ROLES:
            yield f"{member} is given the basic role {role}."
        elif member.startswith("serviceAccount:") and _admin(role):
            yield f"Service account {member.split(':', 1)[1]} is given the administrative role {role}."


POLICY = resource_policy(
    name="gcp-projects-iam-primitive-forbidden",
    description="Resource-manager IAM grants no basic roles, and no admin roles to service accounts.",
    types=[*iam_types("projects", "iAM"), *iam_types("folder", "iAM"), *iam_types("organizations", "iAM")],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.3", "hipaa:164.308(a)(4)(ii)(B)", "cis:gcp-1.5"],
    remediation="Grant predefined roles scoped to what the principal uses; never Owner, Editor or Viewer.",
    enforcement="mandatory",
)
