"""CloudWatch log groups keep logs for a deliberate period of at least a year.

Follows Checkov CKV_AWS_338 ("Ensure CloudWatch log groups retains logs for at least 1 year") and
CKV_AWS_66 ("Ensure that CloudWatch Log Group specifies retention days"), with AWS Security Hub
CloudWatch.16: ``retentionInDays`` of at least ``minimumDays`` (365), or 0 - the explicit "never
expire" both Checkov checks accept. Absent, the program has chosen nothing (the logs never expire
by accident), which both checks fail. Advisory: long retention costs money; GDPR storage limitation
may argue for a shorter, explicit one (lower ``minimumDays``).
"""

from policies.meta import resource_policy

CONFIG = {
    "minimumDays": {
        "type": "integer",
        "minimum": 1,
        "default": 365,
        "description": "Shortest allowed retention in days (0, never expire, is always allowed).",
    }
}


def check(props, config):
    days = props.get("retentionInDays")
    if days is None:
        yield "The log group sets no retention (retentionInDays): choose one deliberately."
    elif days != 0 and days < config["minimumDays"]:
        yield f"Logs are kept {days:g} days; at least {config['minimumDays']} are required."


POLICY = resource_policy(
    name="aws-cloudwatch-loggroup-retention-set",
    description="CloudWatch log groups set a retention of at least a year, or never expire on purpose.",
    types=["aws:cloudwatch/logGroup:LogGroup"],
    check=check,
    severity="low",
    frameworks=["soc2:CC7.2", "hipaa:164.312(b)", "gdpr:Art.5(1)(e)"],
    remediation="Set retentionInDays to 365 or more (a value CloudWatch accepts, e.g. 365, 400, 731).",
    config=CONFIG,
)
