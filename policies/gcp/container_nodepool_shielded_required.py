"""GKE nodes are Shielded VMs with secure boot and integrity monitoring.

Follows Checkov CKV_GCP_71 (Shielded GKE Nodes are Enabled), CKV_GCP_68 (Secure Boot for Shielded GKE Nodes is
Enabled) and CKV_GCP_72 (Integrity Monitoring for Shielded GKE Nodes is Enabled), CIS GKE Benchmark v1.5 5.5.5-5.5.7.
Provider defaults: ``enableShieldedNodes`` and ``shieldedInstanceConfig.enableIntegrityMonitoring`` are true (only an
explicit false is a finding), ``enableSecureBoot`` is false (it must be set). Autopilot nodes are always shielded
with secure boot. Advisory: boot-level tampering needs a prior compromise of the node.
"""

from policies.gcp._gke import is_autopilot, is_node_pool, node_config, pools
from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if not is_node_pool(props) and not is_autopilot(props) and props.get("enableShieldedNodes") is False:
        yield "Shielded GKE nodes are disabled (enableShieldedNodes: false)."
    for label, pool in pools(props):
        shielded = get(node_config(pool), "shieldedInstanceConfig") or {}
        if shielded.get("enableSecureBoot") is not True:
            yield f"{label} boots without secure boot (shieldedInstanceConfig.enableSecureBoot is not true)."
        if shielded.get("enableIntegrityMonitoring") is False:
            yield f"{label} disables integrity monitoring."


POLICY = resource_policy(
    name="gcp-container-nodepool-shielded-required",
    description="GKE nodes run as Shielded VMs with secure boot and integrity monitoring.",
    types=["gcp:container/cluster:Cluster", "gcp:container/nodePool:NodePool"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.8", "soc2:CC7.2"],
    remediation=(
        "Leave enableShieldedNodes on and set nodeConfig.shieldedInstanceConfig: {enableSecureBoot: true, "
        "enableIntegrityMonitoring: true}."
    ),
)
