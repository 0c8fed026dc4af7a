"""Azure network interfaces as the policies read them: stand-alone NICs and the NICs a VM or scale set declares.

A ``network:NetworkInterface`` lists ``ipConfigurations`` (each may carry ``publicIPAddress``) and
``enableIPForwarding``; a VM declares NICs inline under ``networkProfile.networkInterfaceConfigurations`` and a scale
set under ``virtualMachineProfile.networkProfile.networkInterfaceConfigurations``, each with ``ipConfigurations``
(``publicIPAddressConfiguration``) and ``enableIPForwarding``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from policies.props import as_list, get

NIC_TYPES = (
    "azure-native:network:NetworkInterface",
    "azure-native:compute:VirtualMachine",
    "azure-native:compute:VirtualMachineScaleSet",
)


def interfaces(props: Any) -> Iterator[tuple[str, Any]]:
    """(label, nic) for the resource itself (a NIC) or each NIC a VM or scale set declares inline."""
    inline = as_list(get(props, "networkProfile.networkInterfaceConfigurations")) + as_list(
        get(props, "virtualMachineProfile.networkProfile.networkInterfaceConfigurations")
    )
    if inline:
        for index, nic in enumerate(inline):
            yield f"Network interface {nic.get('name') or index}", nic
    elif "ipConfigurations" in props or "enableIPForwarding" in props:
        yield "The network interface", props


def public_ip(ip_configuration: Any) -> bool:
    """The IP configuration attaches a public address (NIC: publicIPAddress; VM/VMSS: publicIPAddressConfiguration)."""
    return bool(ip_configuration.get("publicIPAddress") or ip_configuration.get("publicIPAddressConfiguration"))
