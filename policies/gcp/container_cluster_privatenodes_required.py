"""GKE nodes have only private IP addresses.

Follows Checkov CKV_GCP_64 (clusters are created with Private Nodes) and CKV_GCP_25 (Kubernetes Cluster is created
with Private cluster enabled), CIS GKE Benchmark 5.6.5 (clusters are created with Private Nodes). A cluster needs
``privateClusterConfig.enablePrivateNodes: true`` (default false: every node gets an external IP; a private endpoint
implies private nodes); a NodePool that sets ``networkConfig.enablePrivateNodes: false`` gives its nodes external
IPs in a private cluster. Advisory: nodes with external IPs are reachable but still filtered by firewall rules,
which gcp-compute-firewall-admin-ports-restricted enforces.
"""

from policies.gcp._gke import is_node_pool
from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if is_node_pool(props):
        if get(props, "networkConfig.enablePrivateNodes") is False:
            yield "The node pool gives its nodes external IP addresses (networkConfig.enablePrivateNodes: false)."
        return
    private = get(props, "privateClusterConfig") or {}
    if private.get("enablePrivateNodes") is not True and private.get("enablePrivateEndpoint") is not True:
        yield "The cluster's nodes get external IP addresses: privateClusterConfig.enablePrivateNodes is not true."


POLICY = resource_policy(
    name="gcp-container-cluster-privatenodes-required",
    description="GKE cluster nodes have only private IP addresses.",
    types=["gcp:container/cluster:Cluster", "gcp:container/nodePool:NodePool"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.6"],
    remediation=(
        "Set privateClusterConfig: {enablePrivateNodes: true, masterIpv4CidrBlock: ...} and reach the internet "
        "through Cloud NAT."
    ),
)
