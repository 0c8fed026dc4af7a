"""GKE node pools run as a dedicated service account, not the Compute Engine default one.

Follows Prowler gke_cluster_no_default_service_account and CIS GKE Benchmark v1.5 5.2.1 (GKE clusters are not running
using the Compute Engine default service account). A node config without ``serviceAccount`` (or with "default", or
``<number>-compute@developer.gserviceaccount.com``) runs as the default account, which holds Editor on the project;
Autopilot clusters take theirs from ``clusterAutoscaling.autoProvisioningDefaults.serviceAccount``. Advisory (high):
every pod that reaches the node's credentials acts as that account.
"""

from policies.gcp._compute import is_default_account as is_default
from policies.gcp._gke import is_autopilot, node_config, pools
from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if is_autopilot(props):
        if is_default(get(props, "clusterAutoscaling.autoProvisioningDefaults.serviceAccount")):
            yield "Autopilot nodes run as the Compute Engine default service account."
        return
    for label, pool in pools(props):
        if is_default(node_config(pool).get("serviceAccount")):
            yield f"{label} runs as the Compute Engine default service account."


POLICY = resource_policy(
    name="gcp-container-nodepool-defaultsa-forbidden",
    description="GKE node pools run as a dedicated least-privilege service account.",
    types=["gcp:container/cluster:Cluster", "gcp:container/nodePool:NodePool"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.3", "hipaa:164.308(a)(4)(ii)(B)"],
    remediation=(
        "Create a service account with roles/container.defaultNodeServiceAccount only and set "
        "nodeConfig.serviceAccount (Autopilot: clusterAutoscaling.autoProvisioningDefaults.serviceAccount)."
    ),
)
