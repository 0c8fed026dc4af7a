"""AKS clusters enforce Kubernetes NetworkPolicies.

Follows Checkov CKV_AZURE_7 (AKS cluster has Network Policy configured) and Prowler aks_network_policy_enabled:
``networkProfile.networkPolicy`` must name an engine (azure, calico or cilium); absent or ``none``, NetworkPolicy
objects are accepted but do nothing. Mandatory: Plinth isolates tenants with default-deny NetworkPolicies.
"""

from policies.meta import resource_policy
from policies.props import get

ENGINES = ("azure", "calico", "cilium")


def check(props, config):
    engine = str(get(props, "networkProfile.networkPolicy") or "none").lower()
    if engine not in ENGINES:
        yield f"NetworkPolicies are not enforced (networkProfile.networkPolicy: {engine})."


POLICY = resource_policy(
    name="azure-containerservice-cluster-networkpolicy-enabled",
    description="AKS clusters enforce Kubernetes NetworkPolicies.",
    types=["azure-native:containerservice:ManagedCluster"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6", "soc2:CC6.1"],
    remediation='Set networkProfile.networkPolicy: "cilium" (with networkDataplane: "cilium"), "azure" or "calico".',
    enforcement="mandatory",
)
