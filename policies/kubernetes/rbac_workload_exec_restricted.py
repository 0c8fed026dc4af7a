"""Checkov CKV2_K8S_2 "Granting create permissions to nodes/proxy or pods/exec sub resources allows potential
privilege escalation", CIS Kubernetes 5.1.10 (the proxy sub-resource of nodes): no RoleBinding or
ClusterRoleBinding gives a workload identity (a ServiceAccount, the ``system:serviceaccount(s)`` users and
groups, a node) ``create`` on ``pods/exec`` or ``nodes/proxy``, through a role the stack defines or the
built-in cluster-admin, admin and edit roles. A compromised pod could then run commands in every pod in the
binding's scope, or reach the kubelet API past audit logging and admission. People are not flagged, as in
Checkov; a binding to a role nobody in the stack defines cannot be judged and is passed."""

from policies.kubernetes._rbac import (
    BUILTIN_EXEC,
    CLUSTER_ROLE,
    CLUSTER_ROLE_BINDING,
    EXEC,
    ROLE,
    ROLE_BINDING,
    Roles,
    bindings,
    grants,
    kind_of,
    name_of,
    namespace_of,
    rules_of,
    subjects_of,
)
from policies.kubernetes._workloads import sdk_types
from policies.meta import stack_policy


def _execs(kind: str, name: str, role) -> bool:
    if role is not None:
        return any(grants(rule, EXEC) for rule in rules_of(role.props))
    return kind == CLUSTER_ROLE and name in BUILTIN_EXEC


def check(resources, config):
    roles = Roles(resources)
    for binding in bindings(resources):
        kind, name, role = roles.referenced(binding.props)
        if not _execs(kind, name, role):
            continue
        workloads = [str(s) for s in subjects_of(binding.props) if s.workload]
        if not workloads:
            continue
        scope = (
            "the cluster" if kind_of(binding) == CLUSTER_ROLE_BINDING else f"namespace {namespace_of(binding.props)}"
        )
        yield (
            f"{kind_of(binding)} {name_of(binding.props, binding.name)} lets {', '.join(workloads)} exec into pods "
            f"or proxy to nodes in {scope} through {kind} {name}.",
            binding,
        )


POLICY = stack_policy(
    name="kubernetes-rbac-workload-exec-restricted",
    description="Workload identities are never bound to a role that can exec into pods or proxy to nodes.",
    check=check,
    reads=sdk_types(ROLE, CLUSTER_ROLE, ROLE_BINDING, CLUSTER_ROLE_BINDING),
    severity="high",
    frameworks=["soc2:CC6.3", "hipaa:164.308(a)(4)(ii)(B)", "cis:k8s-5.1.10", "nist:AC-6", "iso27001:A.8.2"],
    remediation="Remove create on pods/exec and nodes/proxy from the roles bound to service accounts and nodes.",
)
