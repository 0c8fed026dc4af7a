from policies.meta import resource_policy
from policies.props import as_list, is_world, parse_port_spec, port_ranges_overlap


def _rule_ports(rule):
    if rule.get("direction") != "Inbound" or rule.get("access") != "Allow":
        return []
    sources = as_list(rule.get("sourceAddressPrefix")) + as_list(rule.get("sourceAddressPrefixes"))
    if not any(is_world(s) for s in sources):
        return []
    specs = as_list(rule.get("destinationPortRange")) + as_list(rule.get("destinationPortRanges"))
    found = []
    for spec in specs:
        low, high = parse_port_spec(spec)
        found += port_ranges_overlap(low, high)
    return sorted(set(found))


def check(props, config):
    rules = as_list(props.get("securityRules")) if "securityRules" in props else [props]
    for rule in rules:
        ports = _rule_ports(rule)
        if ports:
            listed = ", ".join(map(str, ports))
            yield f"Rule {rule.get('name', '?')} lets the internet reach administration/database port(s) {listed}."


POLICY = resource_policy(
    name="azure-network-nsg-admin-ports-restricted",
    description="Network security groups never open administration or database ports to the internet.",
    types=["azure-native:network:NetworkSecurityGroup", "azure-native:network:SecurityRule"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "hipaa:164.312(e)(1)", "cis:azure-6.1", "cis:azure-6.2"],
    remediation="Restrict sourceAddressPrefix to known ranges or use Azure Bastion.",
    enforcement="mandatory",
)
