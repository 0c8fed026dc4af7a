"""VPC firewall rules open no port to the internet but the web ports (HTTP, HTTPS by default).

Follows CIS GCP Foundations v3.0 3.6 (SSH access is restricted from the internet) and 3.7 (RDP access is
restricted from the internet), Checkov CKV_GCP_2 (SSH), CKV_GCP_3 (RDP) and CKV_GCP_88 (MySQL), Prowler
compute_firewall_ssh_access_from_the_internet_allowed and compute_firewall_rdp_access_from_the_internet_allowed,
widened (as the issue asks) from administration ports to every port outside ``allowedPorts``.

What absence means, as the Compute API reads a rule: ``direction`` defaults to INGRESS; an ingress rule with no
``sourceRanges``, ``sourceTags`` nor ``sourceServiceAccounts`` applies to 0.0.0.0/0; an ``allows`` entry without
``ports`` opens every port of its protocol. tcp, udp, sctp and ``all`` (or their protocol numbers) carry ports;
icmp, esp, ah and ipip do not. Disabled rules are not checked. Mandatory: a port open to the world is exposure.
"""

from policies.meta import resource_policy
from policies.props import ALLOWED_PORTS_SCHEMA, as_list, exposed_ranges, format_ranges, is_world, parse_port_spec

#: Protocols (by name or IP protocol number) whose rules open ports.
PORT_PROTOCOLS = ("tcp", "udp", "sctp", "all", "6", "17", "132")


def _from_anywhere(props):
    ranges = as_list(props.get("sourceRanges"))
    if ranges:
        return any(is_world(r) for r in ranges)
    return not as_list(props.get("sourceTags")) and not as_list(props.get("sourceServiceAccounts"))


def check(props, config):
    if props.get("direction", "INGRESS") != "INGRESS" or props.get("disabled") is True:
        return
    if not _from_anywhere(props):
        return
    for allow in as_list(props.get("allows")):
        protocol = str(allow.get("protocol", "")).lower()
        if protocol not in PORT_PROTOCOLS:
            continue
        opened = []
        for spec in as_list(allow.get("ports")) or ["*"]:
            low, high = parse_port_spec(spec)
            opened += exposed_ranges(low, high, config["allowedPorts"])
        if opened:
            yield f"The firewall opens {protocol} port(s) {format_ranges(opened)} to the internet."


POLICY = resource_policy(
    name="gcp-compute-firewall-admin-ports-restricted",
    description="VPC firewalls open no port to the internet except the allowed web ports.",
    types=["gcp:compute/firewall:Firewall"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "hipaa:164.312(e)(1)", "cis:gcp-3.6", "cis:gcp-3.7"],
    remediation=(
        "Restrict sourceRanges to known networks (or use sourceTags/sourceServiceAccounts), administer through "
        "Identity-Aware Proxy, and publish services through a load balancer on 80/443."
    ),
    enforcement="mandatory",
    config=ALLOWED_PORTS_SCHEMA,
)
