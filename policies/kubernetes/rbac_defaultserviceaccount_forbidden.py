"""CIS Kubernetes 5.1.5 "Ensure that default service accounts are not actively used", Checkov CKV_K8S_42: no
RoleBinding or ClusterRoleBinding grants a role to a namespace's ``default`` ServiceAccount, which every pod
that names no service account runs as. (The account's token automount is
kubernetes-serviceaccount-token-automount-disabled's and kubernetes-pod-inherited-token-disabled's.)"""

from policies.kubernetes._rbac import CLUSTER_ROLE_BINDING, ROLE_BINDING, name_of, subjects_of
from policies.kubernetes._workloads import sdk_types
from policies.meta import resource_policy


def check(props, config):
    for s in subjects_of(props):
        if s.kind == "ServiceAccount" and s.name == "default":
            yield (
                f"{props.get('kind') or 'The binding'} {name_of(props)} grants a role to {s}, which every pod that "
                "names no service account runs as."
            )


POLICY = resource_policy(
    name="kubernetes-rbac-defaultserviceaccount-forbidden",
    description="No binding grants a role to a namespace's default service account.",
    types=sdk_types(ROLE_BINDING, CLUSTER_ROLE_BINDING),
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.3", "cis:k8s-5.1.5", "nist:AC-6"],
    remediation="Create a ServiceAccount for the workload, bind the role to it and set serviceAccountName in the pod.",
)
