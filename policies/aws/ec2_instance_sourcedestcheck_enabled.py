"""EC2 instances and network interfaces keep the source/destination check on.

AWS's counterpart of Checkov CKV_AZURE_118 ("Ensure that Network Interfaces disable IP forwarding")
and of the issue's "VMs with IP forwarding" family: with ``sourceDestCheck`` false (the provider's
default is true) an ``ec2.Instance`` or ``ec2.NetworkInterface`` forwards traffic that is not its
own, so it can route around security groups and network ACLs between subnets (Amazon VPC User
Guide, "Source and destination checks"). Advisory: NAT and VPN instances need it off; suppress them
with that reason.
"""

from policies.meta import resource_policy


def check(props, config):
    if props.get("sourceDestCheck") is False:
        yield "The source/destination check is off: the instance forwards traffic that is not its own."


POLICY = resource_policy(
    name="aws-ec2-instance-sourcedestcheck-enabled",
    description="EC2 instances and network interfaces keep the source/destination check on.",
    types=["aws:ec2/instance:Instance", "aws:ec2/networkInterface:NetworkInterface"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.6"],
    remediation="Remove sourceDestCheck: false, unless the instance is a NAT or VPN appliance (then suppress it).",
)
