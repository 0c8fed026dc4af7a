"""Compute Engine instances do not forward packets for other addresses.

Follows CIS GCP Foundations v3.0 4.6 (IP forwarding is not enabled on Instances), Checkov CKV_GCP_36 and Prowler
compute_instance_ip_forwarding_is_enabled. ``canIpForward`` defaults to false; GKE node VMs (named ``gke-...``)
forward by design and are excluded, as Prowler excludes them. Advisory: a forwarding VM can route around
firewall rules and spoof traffic.
"""

from policies.gcp._compute import INSTANCE_TYPES, is_gke_node
from policies.meta import resource_policy


def check(props, config):
    if props.get("canIpForward") is True and not is_gke_node(props):
        yield "The instance forwards IP packets (canIpForward: true)."


POLICY = resource_policy(
    name="gcp-compute-instance-ipforwarding-disabled",
    description="Compute Engine instances do not forward IP packets.",
    types=list(INSTANCE_TYPES),
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.6", "cis:gcp-4.6"],
    remediation="Remove canIpForward (or set it false); route through Cloud NAT or a dedicated appliance network.",
)
