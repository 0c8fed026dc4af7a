"""AWS Backup plans keep recovery points at least as long as the tenant's frameworks require.

The floor applies to how far back a restore can reach: the plan's longest-kept recovery points (a plan
keeps short-lived frequent points and long-lived monthly or yearly ones, and continuous backups are
capped at 35 days by AWS). Copies to other regions must reach the floor too, so a region loss does not
lose the history.

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
        "description": "Retention floor of the plan's longest-kept recovery points.",
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
    rules = as_list(props.get("rules"))
    kept = [(get(rule, "lifecycle.deleteAfter"), rule.get("ruleName", "?")) for rule in rules]
    kept = [(days, name) for days, name in kept if days is not None]
    if kept and max(days for days, _ in kept) < floor:
        days, name = max(kept)
        yield f"Rule {name} keeps recovery points longest, {days:g} days; the floor is {floor:g}."
    copies = [get(a, "lifecycle.deleteAfter") for rule in rules for a in as_list(get(rule, "copyActions"))]
    copies = [days for days in copies if days is not None]
    if copies and max(copies) < floor:
        yield f"Copies in other regions are kept at most {max(copies):g} days; the floor is {floor:g}."


POLICY = resource_policy(
    name="aws-backup-plan-retention-minimum",
    description="AWS Backup rules keep recovery points at least as long as the tenant's frameworks require.",
    types=["aws:backup/plan:Plan"],
    check=check,
    severity="medium",
    frameworks=["soc2:A1.2", "hipaa:164.308(a)(7)(ii)(A)", "hipaa:164.308(a)(7)(ii)(B)"],
    remediation=(
        "Keep the plan's long-term points (and their copies) at least the floor (35 days; six years for HIPAA): "
        "raise rules[].lifecycle.deleteAfter or add a monthly or yearly rule."
    ),
    config=CONFIG,
)
