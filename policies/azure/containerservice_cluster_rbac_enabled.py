"""AKS clusters authorize with Kubernetes RBAC.

Follows Checkov CKV_AZURE_5 (RBAC is enabled on AKS clusters) and Prowler aks_cluster_rbac_enabled: ``enableRBAC``
defaults to true, so only an explicit false is a finding - a cluster without RBAC gives every authenticated user full
control. Mandatory and critical: tenant isolation is RBAC.
"""

from policies.meta import resource_policy


def check(props, config):
    if props.get("enableRBAC") is False:
        yield "Kubernetes RBAC is disabled: every authenticated user controls the whole cluster."


POLICY = resource_policy(
    name="azure-containerservice-cluster-rbac-enabled",
    description="AKS clusters authorize with Kubernetes RBAC.",
    types=["azure-native:containerservice:ManagedCluster"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.1", "soc2:CC6.3", "hipaa:164.312(a)(1)"],
    remediation="Remove enableRBAC: false (RBAC cannot be turned on later: recreate the cluster).",
    enforcement="mandatory",
)
