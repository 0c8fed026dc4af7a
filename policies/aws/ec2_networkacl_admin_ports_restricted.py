"""Network ACLs do not let the internet reach SSH or RDP.

Follows CIS AWS Foundations v3.0 5.1 ("Ensure no Network ACLs allow ingress from 0.0.0.0/0 to remote
server administration ports") and Prowler's ``network_acl_allow_ingress_tcp_port_22`` /
``..._3389``: ports 22 and 3389 (``ports``), from 0.0.0.0/0 or ::/0. A ``NetworkAcl`` is read in
rule-number order, so a lower-numbered deny protects the port; a standalone ``NetworkAclRule`` that
allows the world is reported on its own. Egress rules are not ingress. Advisory: ACLs are a second
layer behind security groups, which ``aws-ec2-securitygroup-admin-ports-restricted`` enforces.
"""

from policies.aws._network import nacl_exposed_ports
from policies.meta import resource_policy

CONFIG = {
    "ports": {
        "type": "array",
        "items": {"type": "integer", "minimum": 0, "maximum": 65535},
        "default": [22, 3389],
        "description": "Remote administration ports (CIS 5.1 names SSH and RDP).",
    }
}


def check(props, config):
    exposed = nacl_exposed_ports(props, config["ports"])
    if exposed:
        ports = ", ".join(map(str, exposed))
        yield f"The network ACL allows ingress from the internet to administration port(s) {ports}."


POLICY = resource_policy(
    name="aws-ec2-networkacl-admin-ports-restricted",
    description="Network ACLs do not allow ingress from the internet to remote administration ports.",
    types=["aws:ec2/networkAcl:NetworkAcl", "aws:ec2/networkAclRule:NetworkAclRule"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6", "cis:aws-5.1"],
    remediation="Deny ports 22 and 3389 from 0.0.0.0/0 and ::/0 in a rule before the allow rules, or narrow the CIDR.",
    config=CONFIG,
)
