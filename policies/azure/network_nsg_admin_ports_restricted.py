"""Network security groups let the internet reach no port but the web ports (HTTP, HTTPS by default).

Follows CIS Azure Foundations v2.1 6.1 (RDP), 6.2 (SSH), 6.3 (UDP) and 6.4 (HTTP(S) access from the Internet is
evaluated and restricted), Checkov CKV_AZURE_9 (RDP), CKV_AZURE_10 (SSH) and CKV_AZURE_77 (UDP), Prowler
network_rdp/ssh/udp/http_internet_access_restricted, widened (as the issue asks) from administration ports to every
port outside ``allowedPorts``. Checks inline ``securityRules`` of an NSG and stand-alone SecurityRule resources.

The internet is a source prefix of ``*``, ``Internet``, ``Any`` or a /0 network. ``*`` as a port range means every
port; Icmp, Esp and Ah rules carry no ports. Mandatory: a port open to the world is exposure.
"""

from policies.meta import resource_policy
from policies.props import ALLOWED_PORTS_SCHEMA, as_list, exposed_ranges, format_ranges, is_world, parse_port_spec

#: Protocols whose rules carry destination ports.
PORT_PROTOCOLS = ("*", "tcp", "udp")


def _rule_ranges(rule, allowed):
    if rule.get("direction") != "Inbound" or rule.get("access") != "Allow":
        return []
    if str(rule.get("protocol", "*")).lower() not in PORT_PROTOCOLS:
        return []
    sources = as_list(rule.get("sourceAddressPrefix")) + as_list(rule.get("sourceAddressPrefixes"))
    if not any(is_world(s) for s in sources):
        return []
    opened = []
    for spec in as_list(rule.get("destinationPortRange")) + as_list(rule.get("destinationPortRanges")):
        low, high = parse_port_spec(spec)
        opened += exposed_ranges(low, high, allowed)
    return opened


def check(props, config):
    rules = as_list(props.get("securityRules")) if "securityRules" in props else [props]
    for rule in rules:
        opened = _rule_ranges(rule, config["allowedPorts"])
        if opened:
            yield f"Rule {rule.get('name', '?')} lets the internet reach port(s) {format_ranges(opened)}."


POLICY = resource_policy(
    name="azure-network-nsg-admin-ports-restricted",
    description="Network security groups open no port to the internet except the allowed web ports.",
    types=["azure-native:network:NetworkSecurityGroup", "azure-native:network:SecurityRule"],
    check=check,
    severity="critical",
    frameworks=[
        "soc2:CC6.6", "hipaa:164.312(e)(1)", "cis:azure-6.1", "cis:azure-6.2", "cis:azure-6.3", "cis:azure-6.4",
    ],
    remediation=(
        "Restrict sourceAddressPrefix to known ranges or service tags, administer through Azure Bastion, and "
        "publish services through a load balancer or Application Gateway on 80/443."
    ),
    enforcement="mandatory",
    config=ALLOWED_PORTS_SCHEMA,
)
