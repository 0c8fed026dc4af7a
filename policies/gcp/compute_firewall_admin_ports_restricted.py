from policies.meta import resource_policy
from policies.props import as_list, is_world, parse_port_spec, port_ranges_overlap


def check(props, config):
    if props.get("direction", "INGRESS") != "INGRESS" or props.get("disabled") is True:
        return
    if not any(is_world(r) for r in as_list(props.get("sourceRanges"))):
        return
    for allow in as_list(props.get("allows")):
        if allow.get("protocol") not in ("tcp", "all", "udp"):
            continue
        specs = as_list(allow.get("ports")) or ["*"]
        for spec in specs:
            low, high = parse_port_spec(spec)
            ports = port_ranges_overlap(low, high)
            if ports:
                yield f"The firewall opens administration/database port(s) {', '.join(map(str, ports))} to 0.0.0.0/0."


POLICY = resource_policy(
    name="gcp-compute-firewall-admin-ports-restricted",
    description="VPC firewalls never open administration or database ports to the internet.",
    types=["gcp:compute/firewall:Firewall"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "hipaa:164.312(e)(1)", "cis:gcp-3.6", "cis:gcp-3.7"],
    remediation="Restrict sourceRanges to known networks or use Identity-Aware Proxy for administration.",
    enforcement="mandatory",
)
