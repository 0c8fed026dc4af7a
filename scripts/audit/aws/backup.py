"""AWS Backup: vaults (``backup.Vault``) with their lock (``backup.VaultLockConfiguration``, when the
vault is locked) and plans (``backup.Plan``) with their rules' retention."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, drop_none, tags
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "backup"
GLOBAL = False
VAULT = "aws:backup/vault:Vault"
LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
PLAN = "aws:backup/plan:Plan"
TYPES = (VAULT, LOCK, PLAN)
CALLS = (
    Call("backup", "list_backup_vaults", "backup:ListBackupVaults"),
    Call("backup", "list_tags", "backup:ListTags"),
    Call("backup", "list_backup_plans", "backup:ListBackupPlans"),
    Call("backup", "get_backup_plan", "backup:GetBackupPlan"),
)


def vault(v: dict[str, Any], tag_map: dict[str, Any] | None) -> list[tuple[str, dict[str, Any]]]:
    """The vault and, when it is locked, its lock configuration naming it."""
    name = v.get("BackupVaultName")
    out = [(VAULT, drop_none({"name": name, "kmsKeyArn": v.get("EncryptionKeyArn"), "tags": tags(tag_map or {})}))]
    if v.get("Locked") or v.get("MinRetentionDays") is not None:
        lock = drop_none(
            {
                "backupVaultName": name,
                "minRetentionDays": v.get("MinRetentionDays"),
                "maxRetentionDays": v.get("MaxRetentionDays"),
            }
        )
        out.append((LOCK, lock))
    return out


def plan(answer: dict[str, Any], tag_map: dict[str, Any] | None) -> dict[str, Any]:
    body = answer.get("BackupPlan") or {}
    rules = [
        drop_none(
            {
                "ruleName": r.get("RuleName"),
                "targetVaultName": r.get("TargetBackupVaultName"),
                "schedule": r.get("ScheduleExpression"),
                "lifecycle": drop_none(
                    {
                        "deleteAfter": (r.get("Lifecycle") or {}).get("DeleteAfterDays"),
                        "coldStorageAfter": (r.get("Lifecycle") or {}).get("MoveToColdStorageAfterDays"),
                    }
                )
                or None,
            }
        )
        for r in body.get("Rules") or []
    ]
    return {"name": body.get("BackupPlanName"), "rules": rules, "tags": tags(tag_map or {})}


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        vaults = ctx.pages("backup", "list_backup_vaults", "BackupVaultList")
    except CallFailed as failure:
        yield ctx.gap(failure, (VAULT, LOCK))
        vaults = []
    for v in vaults:
        arn = v.get("BackupVaultArn") or ctx.arn("backup", f"backup-vault:{v.get('BackupVaultName')}")
        try:
            tag_map = ctx.call("backup", "list_tags", ResourceArn=arn).get("Tags")
        except CallFailed as failure:
            yield ctx.gap(failure, (VAULT, LOCK), arn=arn, name=v.get("BackupVaultName", ""))
            continue
        for kind, props in vault(v, tag_map):
            yield ctx.subject(
                kind,
                props,
                name=str(v.get("BackupVaultName")),
                arn=arn,
                calls=("backup:ListBackupVaults", "backup:ListTags"),
            )
    try:
        plans = ctx.pages("backup", "list_backup_plans", "BackupPlansList")
    except CallFailed as failure:
        yield ctx.gap(failure, (PLAN,))
        return
    for p in plans:
        arn = p.get("BackupPlanArn") or ctx.arn("backup", f"backup-plan:{p.get('BackupPlanId')}")
        try:
            answer = ctx.call("backup", "get_backup_plan", BackupPlanId=p["BackupPlanId"])
            tag_map = ctx.call("backup", "list_tags", ResourceArn=arn).get("Tags")
        except CallFailed as failure:
            yield ctx.gap(failure, (PLAN,), arn=arn, name=p.get("BackupPlanName", ""))
            continue
        yield ctx.subject(
            PLAN, plan(answer, tag_map), name=str(p.get("BackupPlanName")), arn=arn,
            calls=("backup:ListBackupPlans", "backup:GetBackupPlan", "backup:ListTags"),
        )  # fmt: skip
