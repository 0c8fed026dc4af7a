from policies.meta import resource_policy


def check(props, config):
    if props.get("associatePublicIpAddress") is True:
        yield "The instance gets a public IP address."


POLICY = resource_policy(
    name="aws-ec2-instance-public-ip-forbidden",
    description="EC2 instances have no public IP address.",
    types=["aws:ec2/instance:Instance"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6"],
    remediation="Set associatePublicIpAddress: false and publish through a load balancer.",
)
