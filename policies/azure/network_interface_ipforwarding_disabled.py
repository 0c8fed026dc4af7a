"""Virtual machines and network interfaces do not forward IP packets.

Follows Checkov CKV_AZURE_118 (Network Interfaces disable IP forwarding): ``enableIPForwarding`` defaults to false on
NICs and on the NICs a VM or scale set declares inline. Advisory: a forwarding interface can route around network
security groups; network virtual appliances need it and document a waiver.
"""

from policies.azure._network import NIC_TYPES, interfaces
from policies.meta import resource_policy


def check(props, config):
    for label, nic in interfaces(props):
        if nic.get("enableIPForwarding") is True:
            yield f"{label} forwards IP packets (enableIPForwarding: true)."


POLICY = resource_policy(
    name="azure-network-interface-ipforwarding-disabled",
    description="Virtual machines and network interfaces do not forward IP packets.",
    types=list(NIC_TYPES),
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.6"],
    remediation="Remove enableIPForwarding (or set it false); route through Azure Firewall or a dedicated appliance.",
)
