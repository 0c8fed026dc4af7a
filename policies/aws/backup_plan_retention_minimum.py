"""AWS Backup rules keep recovery points at least as long as the tenant's frameworks require.

Follows cdk-nag HIPAA.Security-BackupPlanMinFrequencyAndMinRetention (and the AWS Config rule
``backup-plan-min-frequency-and-min-retention-check`` it wraps): every rule's
``lifecycle.deleteAfter`` is at least ``minimumDays`` (35), and six years (``hipaaMinimumDays``,
2190) for HIPAA tenants, whose documentation-retention rule (45 CFR 164.316(b)(2)) is six years.
Advisory.
"""

from policies.meta import resource_policy
from policies.props import as_list, compliance_of, get

CONFIG = {
    "minimumDays": {
        "type": "integer",
        "minimum": 1,
        "default": 35,
        "description": "Retention floor of every backup rule.",
    },
    "hipaaMinimumDays": {
        "type": "integer",
        "minimum": 1,
        "default": 2190,
        "description": "Floor for HIPAA tenants (six years).",
    },
}


def check(props, config):
    floor = config["hipaaMinimumDays"] if "hipaa" in compliance_of(props) else config["minimumDays"]
    for rule in as_list(props.get("rules")):
        days = get(rule, "lifecycle.deleteAfter")
        if days is not None and days < floor:
            yield f"Rule {rule.get('ruleName', '?')} deletes recovery points after {days:g} days; the floor is {floor}."


POLICY = resource_policy(
    name="aws-backup-plan-retention-minimum",
    description="AWS Backup rules keep recovery points at least as long as the tenant's frameworks require.",
    types=["aws:backup/plan:Plan"],
    check=check,
    severity="medium",
    frameworks=["soc2:A1.2", "hipaa:164.308(a)(7)(ii)(A)", "hipaa:164.308(a)(7)(ii)(B)"],
    remediation="Raise rules[].lifecycle.deleteAfter to the floor (35 days; six years for HIPAA).",
    config=CONFIG,
)
