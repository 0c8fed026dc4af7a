"""Virtual machines and their network interfaces have no public IP address.

Follows Checkov CKV_AZURE_119 (Network Interfaces don't use public IPs), for stand-alone NICs and the NICs a VM or
scale set declares inline: an IP configuration with
``publicIPAddress`` (NIC) or ``publicIPAddressConfiguration`` (VM, scale set). Advisory (high), as for EC2 and Compute
Engine instances: the address is still filtered by network security groups.
"""

from policies.azure._network import NIC_TYPES, interfaces, public_ip
from policies.meta import resource_policy
from policies.props import as_list


def check(props, config):
    for label, nic in interfaces(props):
        if any(public_ip(ip) for ip in as_list(nic.get("ipConfigurations"))):
            yield f"{label} has a public IP address."


POLICY = resource_policy(
    name="azure-network-interface-publicip-forbidden",
    description="Virtual machines and network interfaces have no public IP address.",
    types=list(NIC_TYPES),
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6"],
    remediation=(
        "Remove the public IP configuration; administer through Azure Bastion and publish through a load balancer."
    ),
)
