from policies.meta import resource_policy

# Built-in role ids: Owner, Contributor, User Access Administrator.
PRIVILEGED = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
}


def check(props, config):
    role = str(props.get("roleDefinitionId") or "").rsplit("/", 1)[-1].lower()
    if role in PRIVILEGED and props.get("principalType", "ServicePrincipal") == "ServicePrincipal":
        yield f"A workload identity is given the {PRIVILEGED[role]} role."


POLICY = resource_policy(
    name="azure-authorization-roleassignment-owner-forbidden",
    description="Workload identities never receive the Owner, Contributor or User Access Administrator roles.",
    types=["azure-native:authorization:RoleAssignment"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.3", "hipaa:164.308(a)(4)(ii)(B)"],
    remediation=(
        "Assign a data-plane role scoped to the resource the workload uses (e.g. Storage Blob Data Contributor)."
    ),
    enforcement="mandatory",
)
