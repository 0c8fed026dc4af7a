from policies.meta import resource_policy


def check(props, config):
    if props.get("encrypted") is not True:
        yield "The EBS volume is not encrypted."


POLICY = resource_policy(
    name="aws-ebs-volume-encryption-required",
    description="EBS volumes are encrypted at rest.",
    types=["aws:ebs/volume:Volume"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32", "cis:aws-2.2.1"],
    remediation="Set encrypted: true (and kmsKeyId to a customer-managed key), or enable EBS encryption by default.",
    enforcement="mandatory",
)
