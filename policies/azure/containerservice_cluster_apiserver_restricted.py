"""AKS API servers are private or accept only authorized IP ranges.

Follows Checkov CKV_AZURE_6 (AKS has an API Server Authorized IP Ranges enabled) and CKV_AZURE_115 (AKS enables private
clusters), Prowler aks_clusters_public_access_disabled. As CKV_AZURE_6 reads it, a private cluster
(``apiServerAccessProfile.enablePrivateCluster``) or a non-empty ``authorizedIPRanges`` passes; without either the
API server answers the internet. A range of 0.0.0.0/0 authorizes everyone and fails too. Mandatory: every tenant's
workloads are behind this endpoint.
"""

from policies.meta import resource_policy
from policies.props import as_list, get, is_world


def check(props, config):
    if (
        get(props, "apiServerAccessProfile.enablePrivateCluster") is True
        or props.get("publicNetworkAccess") == "Disabled"
    ):
        return
    ranges = as_list(get(props, "apiServerAccessProfile.authorizedIPRanges"))
    if not ranges:
        yield "The API server accepts connections from the internet: no authorized IP ranges and not private."
    elif any(is_world(r) for r in ranges):
        yield "An authorized IP range (0.0.0.0/0) opens the API server to the internet."


POLICY = resource_policy(
    name="azure-containerservice-cluster-apiserver-restricted",
    description="AKS API servers are private or accept only authorized IP ranges.",
    types=["azure-native:containerservice:ManagedCluster"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6"],
    remediation=(
        "Set apiServerAccessProfile.enablePrivateCluster: true, or authorizedIPRanges to your administration networks."
    ),
    enforcement="mandatory",
)
