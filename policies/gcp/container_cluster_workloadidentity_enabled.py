"""GKE clusters use Workload Identity and their nodes hide the instance metadata server from pods.

Follows CIS GKE Benchmark 5.2.2 (Workload Identity is enabled) and 5.4.2 (the GKE Metadata Server is Enabled),
Checkov CKV_GCP_69 (the GKE Metadata Server is Enabled). A cluster needs ``workloadIdentityConfig.workloadPool``;
with it, GKE runs node pools with ``workloadMetadataConfig.mode: GKE_METADATA`` unless a pool sets ``GCE_METADATA``,
which lets every pod read the node's service-account token. Autopilot clusters always use Workload Identity.
Advisory: without it pods act as the node's service account, a cross-tenant privilege.
"""

from policies.gcp._gke import is_autopilot, is_node_pool, node_config, pools
from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if not is_node_pool(props) and not is_autopilot(props) and not get(props, "workloadIdentityConfig.workloadPool"):
        yield "Workload Identity is off: pods use the node's service account (set workloadIdentityConfig.workloadPool)."
    for label, pool in pools(props):
        if get(node_config(pool), "workloadMetadataConfig.mode") == "GCE_METADATA":
            yield f"{label} exposes the instance metadata server to pods (workloadMetadataConfig.mode: GCE_METADATA)."


POLICY = resource_policy(
    name="gcp-container-cluster-workloadidentity-enabled",
    description="GKE clusters use Workload Identity and hide node credentials from pods.",
    types=["gcp:container/cluster:Cluster", "gcp:container/nodePool:NodePool"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "soc2:CC6.3"],
    remediation=(
        'Set workloadIdentityConfig: {workloadPool: "<project>.svc.id.goog"} and leave node pools on '
        "workloadMetadataConfig.mode GKE_METADATA."
    ),
)
