"""Enterprise tenants' backups are restore-tested on a schedule.

A backup never restored is a hope, not a recovery plan: SOC 2 A1.3 and HIPAA 164.308(a)(7)(ii)(D) ask for
tested recovery procedures. A drill is an AWS Backup restore testing plan tagged with the tenant, or a
Kubernetes CronJob labelled ``plinth.dev/restore-drill: <tenant>`` (Plinth's Velero restore drill).
"""

from components import conventions
from policies.kubernetes._workloads import TYPES as WORKLOADS
from policies.meta import stack_policy
from policies.props import get, tags_of

NAMESPACE = "kubernetes:core/v1:Namespace"
VAULTS = (
    "aws:backup/vault:Vault",
    "azure-native:dataprotection:BackupVault",
    "gcp:backupdisasterrecovery/backupVault:BackupVault",
)
AWS_DRILL = "aws:backup/restoreTestingPlan:RestoreTestingPlan"
TIER = "enterprise"


def _enterprise_tenants(resources) -> dict[str, object]:
    """Tenant id -> a resource that shows the tenant is enterprise (its namespace or a backup vault)."""
    found: dict[str, object] = {}
    for r in resources:
        if r.resource_type == NAMESPACE:
            labels = get(r.props, "metadata.labels") or {}
            tenant, tier = labels.get(conventions.LABEL_TENANT), labels.get(conventions.LABEL_TIER)
        elif r.resource_type in VAULTS:
            tags = tags_of(r.props)
            tenant, tier = tags.get(conventions.TAG_TENANT), tags.get(conventions.TAG_TIER)
        else:
            continue
        if tenant and tier == TIER:
            found.setdefault(str(tenant), r)
    return found


def _drilled(resources) -> set[str]:
    out = set()
    for r in resources:
        if r.resource_type == AWS_DRILL:
            tenant = tags_of(r.props).get(conventions.TAG_TENANT)
        elif r.resource_type in WORKLOADS and r.props.get("kind") == "CronJob":
            tenant = (get(r.props, "metadata.labels") or {}).get(conventions.LABEL_RESTORE_DRILL)
        else:
            continue
        if tenant:
            out.add(str(tenant))
    return out


def check(resources, config):
    drilled = _drilled(resources)
    for tenant, evidence in sorted(_enterprise_tenants(resources).items()):
        if tenant not in drilled:
            yield f"Enterprise tenant {tenant} has backups but no restore drill.", evidence


POLICY = stack_policy(
    name="stack-backup-restoredrill-present",
    description="Enterprise tenants' backups are restore-tested on a schedule.",
    check=check,
    reads=[NAMESPACE, *VAULTS, AWS_DRILL, *WORKLOADS],
    severity="medium",
    frameworks=["soc2:A1.3", "hipaa:164.308(a)(7)(ii)(D)", "gdpr:Art.32(1)(d)"],
    remediation=(
        "Schedule a restore drill: an AWS Backup restore testing plan tagged with the tenant, or Plinth's Velero "
        "drill (plinth:backup drill.frequency weekly, monthly or quarterly)."
    ),
)
