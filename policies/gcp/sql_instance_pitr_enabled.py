"""Cloud SQL instances can be restored to a point in time.

Point-in-time recovery as the issue asks it ("backups and PITR"), the Cloud SQL counterpart of Checkov CKV_AWS_28
(DynamoDB point-in-time recovery): PostgreSQL and SQL Server need
``settings.backupConfiguration.pointInTimeRecoveryEnabled: true``, MySQL needs ``binaryLogEnabled: true``; both are off
by default. Read replicas are not checked. Advisory: backups alone (gcp-sql-instance-backup-enabled) still allow a
daily restore.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if props.get("masterInstanceName"):
        return
    backup = get(props, "settings.backupConfiguration") or {}
    if str(props.get("databaseVersion") or "").startswith("MYSQL"):
        if backup.get("binaryLogEnabled") is not True:
            yield "Point-in-time recovery is off: MySQL needs settings.backupConfiguration.binaryLogEnabled: true."
    elif backup.get("pointInTimeRecoveryEnabled") is not True:
        yield "Point-in-time recovery is off (settings.backupConfiguration.pointInTimeRecoveryEnabled)."


POLICY = resource_policy(
    name="gcp-sql-instance-pitr-enabled",
    description="Cloud SQL instances can be restored to a point in time.",
    types=["gcp:sql/databaseInstance:DatabaseInstance"],
    check=check,
    severity="medium",
    frameworks=["soc2:A1.2", "hipaa:164.308(a)(7)(ii)(A)"],
    remediation=(
        "Set settings.backupConfiguration.pointInTimeRecoveryEnabled: true (PostgreSQL, SQL Server) or "
        "binaryLogEnabled: true (MySQL), with backups enabled."
    ),
)
