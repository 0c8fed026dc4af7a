"""CIS Kubernetes 5.1.8 "Limit use of the Bind, Impersonate and Escalate permissions": no Role or ClusterRole
grants ``escalate`` on roles (Checkov CKV_K8S_158), ``bind`` on roles or bindings (CKV_K8S_157; the RBAC
authorizer checks bind on the role a binding names) or ``impersonate`` on users, groups, service accounts or
user extras (CKV2_K8S_3), directly or through wildcards. Each lets its holder grant itself permissions it does
not hold (https://kubernetes.io/docs/concepts/security/rbac-good-practices/)."""

from policies.kubernetes._rbac import CLUSTER_ROLE, GROUP, ROLE, Operation, grants, name_of, rules_of
from policies.kubernetes._workloads import sdk_types
from policies.meta import resource_policy

OPERATIONS = {
    "escalate roles": Operation(frozenset({GROUP}), frozenset({"escalate"}), frozenset({"roles", "clusterroles"})),
    "bind roles": Operation(
        frozenset({GROUP}),
        frozenset({"bind"}),
        frozenset({"roles", "clusterroles", "rolebindings", "clusterrolebindings"}),
    ),
    "impersonate identities": Operation(
        frozenset({"", "authentication.k8s.io"}),
        frozenset({"impersonate"}),
        frozenset({"users", "groups", "serviceaccounts", "userextras", "uids"}),
    ),
}


def check(props, config):
    granted = [what for what, op in OPERATIONS.items() if any(grants(rule, op) for rule in rules_of(props))]
    if granted:
        yield (
            f"{props.get('kind') or 'The role'} {name_of(props)} lets its subjects {' and '.join(granted)}, "
            "which grants them any permission."
        )


POLICY = resource_policy(
    name="kubernetes-rbac-role-escalation-forbidden",
    description="Roles and ClusterRoles never grant the escalate, bind or impersonate permissions.",
    types=sdk_types(ROLE, CLUSTER_ROLE),
    check=check,
    severity="high",
    frameworks=["soc2:CC6.3", "hipaa:164.308(a)(4)(ii)(B)", "cis:k8s-5.1.8", "nist:AC-6", "iso27001:A.8.2"],
    remediation=(
        "Remove escalate, bind and impersonate (and the wildcards that include them) from the role; "
        "grant the specific roles subjects need through bindings made by administrators."
    ),
    # Each permission is a path to cluster-admin, which kubernetes-rbac-clusteradmin-binding-forbidden blocks.
    enforcement="mandatory",
)
