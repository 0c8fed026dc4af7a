from policies.meta import resource_policy
from policies.props import as_list

PRIMITIVE = ("roles/owner", "roles/editor")


def check(props, config):
    if props.get("role") not in PRIMITIVE:
        return
    for member in as_list(props.get("member")) + as_list(props.get("members")):
        if str(member).startswith("serviceAccount:"):
            yield f"Service account {member.split(':', 1)[1]} is given the primitive role {props.get('role')}."


POLICY = resource_policy(
    name="gcp-projects-iam-primitive-forbidden",
    description="Service accounts never hold the primitive Owner or Editor roles.",
    types=["gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.3", "hipaa:164.308(a)(4)(ii)(B)", "cis:gcp-1.5"],
    remediation="Grant predefined roles scoped to what the workload uses.",
    enforcement="mandatory",
)
