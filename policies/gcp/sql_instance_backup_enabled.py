"""Cloud SQL instances take automated backups.

Follows CIS GCP Foundations v3.0 6.7 (Cloud SQL database instances are configured with automated backups), Checkov
CKV_GCP_14 and Prowler cloudsql_instance_automated_backups: ``settings.backupConfiguration.enabled`` must be true
(absent: no automated backups). Read replicas (``masterInstanceName``) take no backups of their own and are not
checked. Mandatory: a database without backups cannot be recovered.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if props.get("masterInstanceName"):
        return
    if get(props, "settings.backupConfiguration.enabled") is not True:
        yield "Automated backups are off (settings.backupConfiguration.enabled is not true)."


POLICY = resource_policy(
    name="gcp-sql-instance-backup-enabled",
    description="Cloud SQL instances take automated backups.",
    types=["gcp:sql/databaseInstance:DatabaseInstance"],
    check=check,
    severity="high",
    frameworks=["soc2:A1.2", "hipaa:164.308(a)(7)(ii)(A)", "cis:gcp-6.7"],
    remediation='Set settings.backupConfiguration: {enabled: true, startTime: "02:00"}.',
    enforcement="mandatory",
)
