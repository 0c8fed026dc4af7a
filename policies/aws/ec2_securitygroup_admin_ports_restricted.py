"""Security groups never open remote administration or database ports to the internet.

Follows CIS AWS Foundations v3.0 5.2 (0.0.0.0/0) and 5.3 (::/0), Checkov CKV_AWS_24 (22), CKV_AWS_25
(3389) and CKV_AWS_277 (all ports), and Prowler's ``ec2_securitygroup_allow_ingress_from_internet_to_*``
checks for SSH, RDP and database ports. Every rule shape counts: a group's inline rules (also the
default group's), ``ec2.SecurityGroupRule`` and ``vpc.SecurityGroupIngressRule``; protocol -1 opens
every port; ICMP opens none. Other ports open to the world are ``aws-ec2-securitygroup-ingress-restricted``'s.
Mandatory: these ports are the first thing scanned on the internet.
"""

from policies.aws._network import world_ranges
from policies.meta import resource_policy
from policies.props import port_ranges_overlap

TYPES = [
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
]


def check(props, config):
    for low, high in world_ranges(props):
        ports = port_ranges_overlap(low, high)
        if ports:
            yield f"Ingress from the internet reaches administration/database port(s) {', '.join(map(str, ports))}."


POLICY = resource_policy(
    name="aws-ec2-securitygroup-admin-ports-restricted",
    description="Security groups never open administration or database ports to the internet.",
    types=TYPES,
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "hipaa:164.312(e)(1)", "cis:aws-5.2", "cis:aws-5.3"],
    remediation="Restrict the source to known CIDRs or reach instances through SSM Session Manager or a bastion.",
    enforcement="mandatory",
)
