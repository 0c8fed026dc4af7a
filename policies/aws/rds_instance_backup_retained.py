"""RDS instances, Aurora and RDS clusters and DocumentDB clusters keep automated backups long enough.

Follows cdk-nag AwsSolutions-RDS13 / AwsSolutions-DOC4 and HIPAA.Security-RDSBackupEnabled, Checkov
CKV_AWS_133 (``backupRetentionPeriod`` set above 0), and Prowler ``rds_instance_backup_enabled``,
with the floor of the tenant's frameworks: ``minimumDays`` (7, cdk-nag's recommendation) and
``hipaaMinimumDays`` (30) for HIPAA tenants. Absent, an RDS instance keeps none (the provider's
default is 0) and a cluster keeps 1 day. Advisory.
"""

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
    days = props.get("backupRetentionPeriod")
    floor = config["hipaaMinimumDays"] if "hipaa" in compliance_of(props) else config["minimumDays"]
    if days is None:
        yield f"No backup retention is set (the default keeps at most 1 day); at least {floor} are required."
    elif days < floor:
        yield f"Automated backups are kept {days:g} day(s); at least {floor} are required."


POLICY = resource_policy(
    name="aws-rds-instance-backup-retained",
    description="RDS instances and database clusters keep automated backups for the floor of their frameworks.",
    types=["aws:rds/instance:Instance", "aws:rds/cluster:Cluster", "aws:docdb/cluster:Cluster"],
    check=check,
    severity="medium",
    frameworks=["soc2:A1.2", "hipaa:164.308(a)(7)(ii)(A)"],
    remediation="Raise backupRetentionPeriod to the floor (7 days, 30 for HIPAA tenants).",
    config=CONFIG,
)
