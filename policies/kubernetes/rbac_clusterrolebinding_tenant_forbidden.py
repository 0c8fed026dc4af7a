"""Tenant isolation (CIS Kubernetes 5.7.1 "Create administrative boundaries between resources using
namespaces"): no ClusterRoleBinding names a tenant's subject, which would grant it its role in every
namespace, other tenants' included. Tenant subjects are the service accounts of a namespace the stack labels
``plinth.dev/tenant`` (as a ServiceAccount subject, ``system:serviceaccount:<ns>:<name>`` user or
``system:serviceaccounts:<ns>`` group) and the users and groups the stack binds inside exactly one tenant
namespace (one bound in several is the platform's, not a tenant's)."""

from policies.kubernetes._rbac import (
    CLUSTER_ROLE_BINDING,
    NAMESPACE,
    ROLE_BINDING,
    bindings,
    is_rbac,
    name_of,
    namespace_of,
    subjects_of,
    tenant_namespaces,
)
from policies.kubernetes._workloads import sdk_types
from policies.meta import stack_policy
from policies.props import get


def _tenant_people(resources, tenants: set[str]) -> dict[tuple[str, str], str]:
    """(kind, name) of the users and groups the stack binds inside exactly one tenant namespace, with it."""
    seen: dict[tuple[str, str], set[str]] = {}
    for binding in bindings(resources):
        if is_rbac(binding, ROLE_BINDING) and namespace_of(binding.props) in tenants:
            for s in subjects_of(binding.props):
                if s.kind in ("User", "Group") and s.service_account_namespace() is None:
                    seen.setdefault((s.kind, s.name), set()).add(namespace_of(binding.props))
    return {who: next(iter(where)) for who, where in seen.items() if len(where) == 1}


def check(resources, config):
    tenants = tenant_namespaces(resources)
    if not tenants:
        return
    people = _tenant_people(resources, tenants)
    for binding in bindings(resources):
        if not is_rbac(binding, CLUSTER_ROLE_BINDING):
            continue
        for s in subjects_of(binding.props):
            tenant = s.service_account_namespace()
            if tenant not in tenants:
                tenant = people.get((s.kind, s.name))
            if tenant is None:
                continue
            yield (
                f"ClusterRoleBinding {name_of(binding.props, binding.name)} grants {s}, a subject of tenant namespace "
                f"{tenant}, the {get(binding.props, 'roleRef.name')} role in every namespace.",
                binding,
            )


POLICY = stack_policy(
    name="kubernetes-rbac-clusterrolebinding-tenant-forbidden",
    description="No ClusterRoleBinding grants a tenant's service accounts, users or groups a role across the cluster.",
    check=check,
    reads=(NAMESPACE, *sdk_types(ROLE_BINDING, CLUSTER_ROLE_BINDING)),
    severity="critical",
    frameworks=["soc2:CC6.1", "soc2:CC6.3", "hipaa:164.312(a)(1)", "gdpr:Art.25", "cis:k8s-5.7.1", "nist:AC-6"],
    remediation="Bind the tenant's subjects with a RoleBinding in the tenant's own namespace instead.",
    # Tenant isolation: one binding hands a tenant every other tenant's namespace.
    enforcement="mandatory",
    never_waive=True,
)
