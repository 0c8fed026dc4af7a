from policies.meta import resource_policy
from policies.props import compliance_of

CONFIG = {
    "minimumDays": {
        "type": "integer",
        "minimum": 1,
        "default": 7,
        "description": "Backup retention floor for every database.",
    },
    "hipaaMinimumDays": {
        "type": "integer",
        "minimum": 1,
        "default": 30,
        "description": "Floor for databases of HIPAA tenants.",
    },
}


def check(props, config):
    days = props.get("backupRetentionPeriod") or 0
    floor = config["hipaaMinimumDays"] if "hipaa" in compliance_of(props) else config["minimumDays"]
    if days < floor:
        yield f"Automated backups are kept {days:g} day(s); at least {floor} are required."


POLICY = resource_policy(
    name="aws-rds-instance-backup-retained",
    description="RDS instances keep automated backups for the retention floor of their frameworks.",
    types=["aws:rds/instance:Instance"],
    check=check,
    severity="medium",
    frameworks=["soc2:A1.2", "hipaa:164.308(a)(7)(ii)(A)"],
    remediation="Raise backupRetentionPeriod to the floor (7 days, 30 for HIPAA tenants).",
    config=CONFIG,
)
