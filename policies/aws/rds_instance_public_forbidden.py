from policies.meta import resource_policy


def check(props, config):
    if props.get("publiclyAccessible") is True:
        yield "The database is publicly accessible."


POLICY = resource_policy(
    name="aws-rds-instance-public-forbidden",
    description="RDS instances are never reachable from the internet.",
    types=["aws:rds/instance:Instance"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "hipaa:164.312(e)(1)", "cis:aws-2.3.3"],
    remediation="Set publiclyAccessible: false and reach the database through private subnets.",
    enforcement="mandatory",
    never_waive=True,
)
