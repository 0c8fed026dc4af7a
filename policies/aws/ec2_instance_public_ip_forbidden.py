"""EC2 instances, launch templates and launch configurations give no public IP address.

Follows Checkov CKV_AWS_88 ("EC2 instance should not have public IP": ``aws_instance`` and the
network interfaces of ``aws_launch_template``), Prowler ``ec2_instance_public_ip`` and AWS Security
Hub EC2.9/AutoScaling.5: ``associatePublicIpAddress`` true on an ``ec2.Instance`` or
``ec2.LaunchConfiguration``, or ``"true"`` on any ``networkInterfaces[]`` of an
``ec2.LaunchTemplate`` (the provider sends it as a string). Unset follows the subnet, which
``aws-ec2-subnet-public-ip-disabled`` checks. Advisory: a bastion or NAT instance may need one.
"""

from policies.meta import resource_policy
from policies.props import as_bool, as_list


def check(props, config):
    if as_bool(props.get("associatePublicIpAddress")) is True:
        yield "The instance gets a public IP address."
    for i, nic in enumerate(as_list(props.get("networkInterfaces"))):
        if as_bool(nic.get("associatePublicIpAddress")) is True:
            yield f"Network interface #{i} of the launch template gets a public IP address."


POLICY = resource_policy(
    name="aws-ec2-instance-public-ip-forbidden",
    description="EC2 instances, launch templates and launch configurations have no public IP address.",
    types=[
        "aws:ec2/instance:Instance",
        "aws:ec2/launchTemplate:LaunchTemplate",
        "aws:ec2/launchConfiguration:LaunchConfiguration",
    ],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6"],
    remediation="Set associatePublicIpAddress: false and publish through a load balancer.",
)
