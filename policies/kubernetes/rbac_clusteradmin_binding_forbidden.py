from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if get(props, "roleRef.name") == "cluster-admin":
        yield "The binding grants cluster-admin."


POLICY = resource_policy(
    name="kubernetes-rbac-clusteradmin-binding-forbidden",
    description="No binding grants the cluster-admin role.",
    types=[
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
        "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    ],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.3", "hipaa:164.308(a)(4)(ii)(B)", "cis:k8s-5.1.1"],
    remediation="Bind a namespaced Role with the verbs the subject needs.",
    enforcement="mandatory",
)
