"""AKS clusters authenticate through Microsoft Entra ID only, with local accounts disabled.

Follows Checkov CKV_AZURE_141 (AKS local admin account is disabled) and Prowler aks_cluster_local_accounts_disabled:
``disableLocalAccounts`` defaults to false, which keeps the static cluster-admin kubeconfig that bypasses Entra ID and
cannot be audited per user; disabling it requires Entra ID integration (``aadProfile.managed: true``), which is
checked too. Advisory (high): the local credential must still be fetched by someone with Azure rights.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if props.get("disableLocalAccounts") is not True:
        yield "Local accounts are enabled: a static cluster-admin credential bypasses Entra ID (disableLocalAccounts)."
    if get(props, "aadProfile.managed") is not True:
        yield "The cluster is not integrated with Microsoft Entra ID (aadProfile.managed is not true)."


POLICY = resource_policy(
    name="azure-containerservice-cluster-localaccounts-disabled",
    description="AKS clusters authenticate through Entra ID only, with local accounts disabled.",
    types=["azure-native:containerservice:ManagedCluster"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(1)"],
    remediation="Set aadProfile: {managed: true, enableAzureRBAC: true} and disableLocalAccounts: true.",
)
