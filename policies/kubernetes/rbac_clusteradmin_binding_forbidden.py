"""CIS Kubernetes 5.1.1 "Ensure that the cluster-admin role is only used where required": no RoleBinding or
ClusterRoleBinding, in any RBAC API version, grants cluster-admin."""

from policies.kubernetes._workloads import sdk_types
from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if get(props, "roleRef.name") == "cluster-admin":
        yield "The binding grants cluster-admin."


POLICY = resource_policy(
    name="kubernetes-rbac-clusteradmin-binding-forbidden",
    description="No binding grants the cluster-admin role.",
    types=sdk_types("ClusterRoleBinding", "RoleBinding"),
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.3", "hipaa:164.308(a)(4)(ii)(B)", "cis:k8s-5.1.1", "nist:AC-6", "iso27001:A.8.2"],
    remediation="Bind a namespaced Role with the verbs the subject needs.",
    enforcement="mandatory",
)
