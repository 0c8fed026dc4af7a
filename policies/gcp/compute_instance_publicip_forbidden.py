"""Compute Engine instances have no external IP address.

Follows CIS GCP Foundations v3.0 4.9 (Compute instances do not have public IP addresses), Checkov CKV_GCP_40 and
Prowler compute_instance_public_ip: any ``accessConfigs`` (external IPv4) or ``ipv6AccessConfigs`` (external IPv6)
entry on a network interface gives the VM a public address. Applies to instances, instance templates and instances
from templates. Advisory (high), as for EC2 instances: the address is still filtered by firewall rules.
"""

from policies.gcp._compute import INSTANCE_TYPES
from policies.meta import resource_policy
from policies.props import as_list


def check(props, config):
    for index, nic in enumerate(as_list(props.get("networkInterfaces"))):
        if as_list(nic.get("accessConfigs")) or as_list(nic.get("ipv6AccessConfigs")):
            yield f"Network interface {nic.get('name') or index} has an external IP address (access config)."


POLICY = resource_policy(
    name="gcp-compute-instance-publicip-forbidden",
    description="Compute Engine instances have no external IP address.",
    types=list(INSTANCE_TYPES),
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6", "cis:gcp-4.9"],
    remediation=(
        "Remove accessConfigs from the network interfaces; reach the internet through Cloud NAT and administer "
        "through Identity-Aware Proxy."
    ),
)
