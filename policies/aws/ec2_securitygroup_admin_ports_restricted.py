from policies.meta import resource_policy
from policies.props import as_list, is_world, port_ranges_overlap

ALL_PROTOCOLS = ("-1", "all")
ICMP = ("icmp", "icmpv6", "1", "58")


def _open(rule, cidr_keys):
    cidrs = [c for key in cidr_keys for c in as_list(rule.get(key))]
    if not any(is_world(c) for c in cidrs):
        return []
    protocol = str(rule.get("protocol") or rule.get("ipProtocol") or "tcp").lower()
    if protocol in ICMP:
        return []  # ICMP has types and codes, not ports
    if protocol in ALL_PROTOCOLS:
        low, high = 0, 65535
    else:
        low, high = rule.get("fromPort"), rule.get("toPort")
        low = 0 if low is None else low
        high = 65535 if high is None else high
    return port_ranges_overlap(low, high)


def check(props, config):
    if "ingress" in props:  # a SecurityGroup with inline rules
        rules = as_list(props.get("ingress"))
    elif props.get("type", "ingress") == "ingress":  # a SecurityGroupRule, or a vpc SecurityGroupIngressRule (no type)
        rules = [props]
    else:
        return  # an egress SecurityGroupRule
    for rule in rules:
        ports = _open(rule, ("cidrBlocks", "ipv6CidrBlocks", "cidrIpv4", "cidrIpv6"))
        if ports:
            yield f"Ingress from the internet reaches administration/database port(s) {', '.join(map(str, ports))}."


POLICY = resource_policy(
    name="aws-ec2-securitygroup-admin-ports-restricted",
    description="Security groups never open administration or database ports to the internet.",
    types=[
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "aws:ec2/securityGroupRule:SecurityGroupRule",
    ],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "hipaa:164.312(e)(1)", "cis:aws-5.2", "cis:aws-5.3"],
    remediation="Restrict the source to known CIDRs or reach instances through SSM Session Manager or a bastion.",
    enforcement="mandatory",
)
