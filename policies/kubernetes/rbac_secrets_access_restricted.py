"""CIS Kubernetes 5.1.2 "Minimize access to secrets", Checkov CKV2_K8S_5 "No ServiceAccount/Node should be able
to read all secrets": no RoleBinding or ClusterRoleBinding gives a workload identity (a ServiceAccount, the
``system:serviceaccount(s)`` users and groups, a node) get, list or watch on every Secret in its scope,
through a Role or ClusterRole the stack defines or the built-in cluster-admin, admin and edit roles. A
binding to a role the stack does not define and Kubernetes does not ship cannot be judged and is passed, as
Checkov passes it. People (users and groups) are not flagged: granting them Secrets is an access decision
CIS leaves to review."""

from policies.kubernetes._rbac import (
    BUILTIN_SECRET_READERS,
    CLUSTER_ROLE,
    CLUSTER_ROLE_BINDING,
    ROLE,
    ROLE_BINDING,
    Roles,
    bindings,
    kind_of,
    name_of,
    namespace_of,
    reads_all_secrets,
    rules_of,
    subjects_of,
)
from policies.kubernetes._workloads import sdk_types
from policies.meta import stack_policy


def _reads(kind: str, name: str, role) -> bool:
    if role is not None:
        return reads_all_secrets(rules_of(role.props))
    return kind == CLUSTER_ROLE and name in BUILTIN_SECRET_READERS


def check(resources, config):
    roles = Roles(resources)
    for binding in bindings(resources):
        kind, name, role = roles.referenced(binding.props)
        if not _reads(kind, name, role):
            continue
        workloads = [str(s) for s in subjects_of(binding.props) if s.workload]
        if not workloads:
            continue
        scope = (
            "the cluster" if kind_of(binding) == CLUSTER_ROLE_BINDING else f"namespace {namespace_of(binding.props)}"
        )
        yield (
            f"{kind_of(binding)} {name_of(binding.props, binding.name)} lets {', '.join(workloads)} read every Secret "
            f"in {scope} through {kind} {name}.",
            binding,
        )


POLICY = stack_policy(
    name="kubernetes-rbac-secrets-access-restricted",
    description="Workload identities are never bound to a role that reads every Secret in its scope.",
    check=check,
    reads=sdk_types(ROLE, CLUSTER_ROLE, ROLE_BINDING, CLUSTER_ROLE_BINDING),
    severity="high",
    frameworks=["soc2:CC6.3", "hipaa:164.308(a)(4)(ii)(B)", "cis:k8s-5.1.2", "nist:AC-6", "iso27001:A.8.3"],
    remediation=(
        "Bind the workload to a role that names the Secrets it needs in resourceNames, or mount them "
        "(or fetch them from a secret store) instead of granting read on all Secrets."
    ),
)
