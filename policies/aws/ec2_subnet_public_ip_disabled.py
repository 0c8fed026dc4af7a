"""Subnets do not give instances a public IP address by default.

Follows Checkov CKV_AWS_130 ("Ensure VPC subnets do not assign public IP by default") and AWS
Security Hub EC2.15: ``mapPublicIpOnLaunch`` true fails (the provider's default is false). Load
balancers and NAT gateways in public subnets get their addresses without it. Advisory.
"""

from policies.meta import resource_policy


def check(props, config):
    if props.get("mapPublicIpOnLaunch") is True:
        yield "Instances launched in the subnet get a public IP address (mapPublicIpOnLaunch)."


POLICY = resource_policy(
    name="aws-ec2-subnet-public-ip-disabled",
    description="Subnets do not assign public IP addresses to the instances launched in them.",
    types=["aws:ec2/subnet:Subnet"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.6"],
    remediation="Set mapPublicIpOnLaunch: false; give load balancers and NAT gateways their own addresses.",
)
