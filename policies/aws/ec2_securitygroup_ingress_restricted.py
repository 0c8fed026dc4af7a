"""Security groups open only web ports to the whole internet.

Follows Prowler's ``ec2_securitygroup_allow_ingress_from_internet_to_any_port`` (no port open to
0.0.0.0/0 or ::/0) and Checkov CKV_AWS_277 (no rule opening every port to the world), with the web
ports a public load balancer needs allowed (``allowedPorts``, default 80 and 443). Administration
and database ports are ``aws-ec2-securitygroup-admin-ports-restricted``'s (mandatory), so they are
not reported twice here. Advisory: a public service on another port (SMTP, a game server) may be
deliberate; the finding asks for a suppression that says so.
"""

from policies.aws._network import world_ranges
from policies.aws.ec2_securitygroup_admin_ports_restricted import TYPES
from policies.meta import resource_policy
from policies.props import ADMIN_PORTS, exposed_ranges, format_ranges

CONFIG = {
    "allowedPorts": {
        "type": "array",
        "items": {"type": "integer", "minimum": 0, "maximum": 65535},
        "default": [80, 443],
        "description": "Ports that may face the whole internet (the web ports of public load balancers).",
    }
}


def check(props, config):
    excluded = {*config["allowedPorts"], *ADMIN_PORTS}
    for low, high in world_ranges(props):
        rest = exposed_ranges(low, high, excluded)
        if rest:
            yield f"Ingress from the internet reaches port(s) {format_ranges(rest)}, beyond the allowed web ports."


POLICY = resource_policy(
    name="aws-ec2-securitygroup-ingress-restricted",
    description="Security groups open no port other than the allowed web ports to the whole internet.",
    types=TYPES,
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6", "hipaa:164.312(e)(1)"],
    remediation=(
        "Restrict the rule's source to known CIDRs or security groups, or publish the service through a "
        "load balancer on 443; add the port to allowedPorts only for a service that must face the internet."
    ),
    config=CONFIG,
)
