"""AWS part of a tenant's backup: AWS Backup vaults with a customer-managed key in every region, a plan, a
tag-based selection, vault lock, notifications and a restore testing plan.

What AWS enforces and the SDK does not:
- a KMS key policy may only name principals that exist, so the vault key waits for the backup role;
  the key lets AWS Backup use it through the backup service only, lets the service publish to the
  encrypted SNS topic, and lets a cross-account copy destination use it
  (https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html);
- the role carries exactly the AWS managed policies for backing up and restoring the selected resource
  types; S3 needs its own pair (https://docs.aws.amazon.com/aws-backup/latest/devguide/s3-backups.html)
  and versioning on the bucket (the tenant module turns it on);
- a vault lock with ``changeableForDays`` is in compliance mode: irreversible after that grace period
  (https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html);
- cold storage needs recovery points kept 90 days longer than the transition; continuous backup keeps
  1-35 days and exists for S3, RDS and Aurora only;
- copy destinations are built from known parts (region, account, vault name), so a plan never holds a
  value unknown at preview and every rule, not just the first, copies to every destination.
Provider SDK imports are local to the functions that register resources: the stack-config checks use
the pure functions here without loading the SDK.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from components import clouds, conventions
from components.backup import objectives, rpo
from components.backup.context import BackupContext
from components.backup.spec import VAULT_NAME, BackupPolicy, BackupTenant

#: AWS Backup continuous backups exist for these resource types
#: (https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery.html).
CONTINUOUS_TYPES = frozenset({"S3", "RDS", "Aurora"})
#: How far behind the present a continuous backup's latest restorable time may be (an assumption: AWS states
#: about five minutes for RDS and DynamoDB and gives no figure for S3; Plinth counts 15).
CONTINUOUS_LAG = 15
#: Default time a cross-region (or cross-account) copy job may take: AWS gives no figure; measure yours with
#: ``aws backup list-copy-jobs``.
COPY_WINDOW = "4h"
#: AWS Backup rules run at most once an hour.
MIN_INTERVAL = 60
MAX_CONTINUOUS_DAYS = 35
COLD_STORAGE_MIN_DAYS = 90
KEY_DELETION_WINDOW_DAYS = 30
#: AWS managed policies per selected resource type: (backup, restore).
S3_POLICIES = (
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
)
SERVICE_POLICIES = (
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
)
#: ARN patterns of each selectable type in the tenant's account and region (S3 ARNs carry neither).
RESOURCE_ARNS = {
    "S3": "arn:aws:s3:::*",
    "DynamoDB": "arn:aws:dynamodb:{region}:{account}:table/*",
    "EBS": "arn:aws:ec2:{region}:{account}:volume/*",
    "EFS": "arn:aws:elasticfilesystem:{region}:{account}:file-system/*",
    "RDS": "arn:aws:rds:{region}:{account}:db:*",
    "Aurora": "arn:aws:rds:{region}:{account}:cluster:*",
}
#: Vault events worth a notification (the events AWS Backup still emits; BACKUP_JOB_COMPLETED carries the
#: job's state, filtered below) - https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-notifications.html
VAULT_EVENTS = [
    "BACKUP_JOB_COMPLETED",
    "COPY_JOB_FAILED",
    "RESTORE_JOB_COMPLETED",
    "S3_BACKUP_OBJECT_FAILED",
    "S3_RESTORE_OBJECT_FAILED",
]
#: Subscribers hear about jobs that did not complete (failed, expired, aborted), not every success.
FAILED_ONLY = {"State": [{"anything-but": "COMPLETED"}]}
BACKUP_SERVICE = "backup.amazonaws.com"
KMS_USE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
#: Schedules of the long-term rules and of restore drills (UTC, away from the main backups' hour).
LONG_TERM = {"weekly": "cron(0 5 ? * SUN *)", "monthly": "cron(0 5 1 * ? *)", "yearly": "cron(0 5 1 1 ? *)"}
DRILLS = {"weekly": "cron(0 6 ? * SAT *)", "monthly": "cron(0 6 2 * ? *)", "quarterly": "cron(0 6 2 1,4,7,10 ? *)"}


# --- names ------------------------------------------------------------------------------------------
def vault_name(environment: str, tenant_id: str) -> str:
    return conventions.physical_name("plinth", environment, tenant_id, max_len=50)


def vault_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:backup:{region}:{account}:backup-vault:{name}"


def role_name(environment: str, tenant_id: str) -> str:
    return conventions.physical_name("plinth", environment, tenant_id, "backup", max_len=conventions.AWS_IAM_ROLE_MAX)


def drill_name(environment: str, tenant_id: str) -> str:
    """Restore testing names: a letter first, then letters, digits and underscores, at most 50."""
    return conventions.physical_name("plinth", environment, tenant_id, "drill", max_len=50).replace("-", "_")


def key_alias(environment: str, tenant_id: str) -> str:
    return f"alias/plinth/{environment}/{tenant_id}/backup"


# --- schedules and rules ----------------------------------------------------------------------------
def plan_schedule(expression: str) -> str:
    """The ``cron()`` an AWS Backup rule takes for ``expression`` (a ``rate()`` that divides a day or week)."""
    parsed = rpo.parse_aws(expression)
    if isinstance(parsed, rpo.Cron):
        return parsed.expression
    minutes = parsed.max_gap_minutes()
    if minutes == 7 * rpo.MINUTES_PER_DAY:
        return "cron(0 3 ? * SUN *)"
    if minutes % 60 or rpo.MINUTES_PER_DAY % minutes:
        raise rpo.ScheduleError(
            f"{expression}: AWS Backup rules take cron(); a rate must divide a day (1, 2, 3, 4, 6, 8, 12 or 24 hours) "
            "or be rate(7 days)"
        )
    return rpo.aws_cron_every(minutes)


@dataclass(frozen=True)
class Copy:
    destination: str
    """ARN of the destination vault (built from known parts)."""
    region: str
    account: str
    window: int


@dataclass(frozen=True)
class Rule:
    """One AWS Backup rule as Plinth derives it from the policy."""

    name: str
    schedule: str
    delete_after: int
    continuous: bool = False
    cold_storage_after: int | None = None
    copies: tuple[Copy, ...] = field(default_factory=tuple)


def copies(policy: BackupPolicy, environment: str, tenant_id: str, account: str) -> list[tuple[Copy, str | None]]:
    """Every copy destination with its own schedule (None: copies follow each backup)."""
    out = []
    for target in policy.copy_to:
        dest_account = target.account or account
        name = target.vault or vault_name(environment, tenant_id)
        window = rpo.duration_minutes(target.window or COPY_WINDOW)
        copy = Copy(vault_arn(target.region, dest_account, name), target.region, dest_account, window)
        out.append((copy, plan_schedule(target.schedule) if target.schedule else None))
    return out


def rules(policy: BackupPolicy, environment: str, tenant_id: str, account: str) -> list[Rule]:
    """The plan's rules: continuous (PITR), the main schedule, long-term points, and dedicated copy rules."""
    days = policy.retention_days()
    cold = policy.retention.cold_storage_after_days
    targets = copies(policy, environment, tenant_id, account)
    with_every_backup = tuple(copy for copy, schedule in targets if schedule is None)

    def cold_for(kept: int) -> int | None:
        return cold if cold is not None and kept >= cold + COLD_STORAGE_MIN_DAYS else None

    main = plan_schedule(policy.schedule.aws)
    out: list[Rule] = []
    if policy.point_in_time_recovery.enabled:
        out.append(Rule("continuous", main, policy.point_in_time_recovery.days, continuous=True))
    out.append(
        Rule("backups", main, days["daily"], cold_storage_after=cold_for(days["daily"]), copies=with_every_backup)
    )
    for period, schedule in LONG_TERM.items():
        if period in days:
            kept = days[period]
            out.append(Rule(period, schedule, kept, cold_storage_after=cold_for(kept), copies=with_every_backup))
    for i, (copy, own) in enumerate(targets):
        if own is not None:
            name = f"copy-{copy.region}" if sum(1 for c, _ in targets if c.region == copy.region) == 1 else f"copy-{i}"
            out.append(Rule(name, own, days["daily"], copies=(copy,)))
    return out


def plan_rule(rule: Rule, vault: str, tags: dict[str, str], windows: tuple[int, int]) -> dict[str, Any]:
    """The ``rules[]`` entry of ``aws.backup.Plan`` (snake_case, as the Python SDK takes it)."""
    lifecycle: dict[str, Any] = {"delete_after": rule.delete_after}
    if rule.cold_storage_after is not None:
        lifecycle.update(cold_storage_after=rule.cold_storage_after, opt_in_to_archive_for_supported_resources=True)
    out: dict[str, Any] = {
        "rule_name": rule.name,
        "target_vault_name": vault,
        "schedule": rule.schedule,
        "schedule_expression_timezone": "Etc/UTC",
        "start_window": windows[0],
        "completion_window": windows[1],
        "enable_continuous_backup": rule.continuous,
        "lifecycle": lifecycle,
        "recovery_point_tags": dict(tags),
    }
    if rule.copies:
        out["copy_actions"] = [
            {"destination_vault_arn": c.destination, "lifecycle": dict(lifecycle)} for c in rule.copies
        ]
    return out


# --- policies ---------------------------------------------------------------------------------------
def key_policy(
    account: str, region: str, role_arn: str, copy_accounts: list[str], *, notifications: bool
) -> dict[str, Any]:
    """The vault key: account administrators manage it; the backup role uses it only through AWS Backup; AWS
    Backup may publish to the SNS topic it encrypts; cross-account copy destinations may use it through AWS
    Backup to copy recovery points out."""
    through_backup = {"StringEquals": {"kms:ViaService": f"backup.{region}.amazonaws.com"}}
    statements: list[dict[str, Any]] = [
        {
            "Sid": "AccountAdministration",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "BackupRoleUseThroughBackup",
            "Effect": "Allow",
            "Principal": {"AWS": role_arn},
            "Action": KMS_USE,
            "Resource": "*",
            "Condition": through_backup,
        },
        {
            "Sid": "BackupRoleGrantsForAwsResources",
            "Effect": "Allow",
            "Principal": {"AWS": role_arn},
            "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
            "Resource": "*",
            "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
        },
    ]
    if notifications:
        statements.append(
            {
                "Sid": "BackupNotificationsToEncryptedTopic",
                "Effect": "Allow",
                "Principal": {"Service": BACKUP_SERVICE},
                "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
            }
        )
    if copy_accounts:
        statements.append(
            {
                "Sid": "CopyDestinationAccounts",
                "Effect": "Allow",
                "Principal": {"AWS": [f"arn:aws:iam::{a}:root" for a in sorted(set(copy_accounts))]},
                "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant"],
                "Resource": "*",
                "Condition": {**through_backup, "Bool": {"kms:GrantIsForAWSResource": "true"}},
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def trust_policy() -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": BACKUP_SERVICE}, "Action": "sts:AssumeRole"}],
    }


def managed_policies(resource_types: list[str]) -> list[str]:
    """The AWS managed policies the backup role needs for ``resource_types`` (and nothing else)."""
    out: list[str] = []
    if "S3" in resource_types:
        out += S3_POLICIES
    if any(t != "S3" for t in resource_types):
        out += SERVICE_POLICIES
    return out


def topic_policy(topic_arn: str, account: str) -> dict[str, Any]:
    """The account manages the topic; AWS Backup may publish for this account only; TLS only."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountManagement",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": [
                    "SNS:GetTopicAttributes",
                    "SNS:SetTopicAttributes",
                    "SNS:AddPermission",
                    "SNS:RemovePermission",
                    "SNS:Subscribe",
                    "SNS:ListSubscriptionsByTopic",
                ],
                "Resource": topic_arn,
            },
            {
                "Sid": "BackupPublishes",
                "Effect": "Allow",
                "Principal": {"Service": BACKUP_SERVICE},
                "Action": "SNS:Publish",
                "Resource": topic_arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
            },
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "SNS:Publish",
                "Resource": topic_arn,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    }


def selection_resources(resource_types: list[str], region: str, account: str) -> list[str]:
    return [RESOURCE_ARNS[t].format(region=region, account=account) for t in resource_types]


def selection_conditions(environment: str, tenant_id: str) -> list[dict[str, Any]]:
    """Resources carrying the tenant's and the environment's tags (both: AND), as the tenant module tags them."""
    return [
        {
            "string_equals": [
                {"key": f"aws:ResourceTag/{conventions.TAG_TENANT}", "value": tenant_id},
                {"key": f"aws:ResourceTag/{conventions.TAG_ENVIRONMENT}", "value": environment},
            ]
        }
    ]


# --- checks and objectives --------------------------------------------------------------------------
def problems(policy: BackupPolicy, tenant: BackupTenant, settings: Any, region: str, at: Any) -> list[tuple[str, str]]:
    """AWS Backup's own limits on the policy (schedules, continuous retention, copy destinations)."""
    out: list[tuple[str, str]] = []
    for key, expression in [(("schedule", "aws"), policy.schedule.aws)] + [
        (("copy_to", i, "schedule"), t.schedule) for i, t in enumerate(policy.copy_to) if t.schedule
    ]:
        try:
            schedule = rpo.parse_aws(plan_schedule(expression))
        except rpo.ScheduleError as err:
            out.append((at(*key), str(err)))
            continue
        shortest = rpo.min_gap_minutes(schedule)
        if shortest is not None and shortest < MIN_INTERVAL:
            out.append(
                (
                    at(*key),
                    f"{expression} runs every {rpo.format_minutes(shortest)}; AWS Backup runs rules at most hourly",
                )
            )
    pitr = policy.point_in_time_recovery
    if pitr.enabled and pitr.days > MAX_CONTINUOUS_DAYS:
        out.append(
            (at("point_in_time_recovery", "days"), f"{pitr.days} days: AWS continuous backups keep 1 to 35 days")
        )
    cloud = clouds.cloud("aws")
    for i, target in enumerate(policy.copy_to):
        out += _target_problems(i, target, tenant, settings, region, cloud, at)
    return out


def _target_problems(
    i: int, target: Any, tenant: BackupTenant, settings: Any, region: str, cloud: Any, at: Any
) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if not cloud.valid_region(target.region):
        out.append((at("copy_to", i, "region"), f"{target.region!r} is not an AWS region name"))
        return out
    same_account = target.account in (None, settings.account_id)
    if target.region == region and same_account:
        out.append(
            (
                at("copy_to", i, "region"),
                f"{target.region} is the tenant's own region: copies must go to a second region",
            )
        )
    if tenant.requires_eu and not cloud.is_eu(target.region):
        out.append((at("copy_to", i, "region"), f"tenant {tenant.id} keeps its data in the EU; {target.region} is not"))
    if tenant.data_residency == "us" and cloud.is_eu(target.region):
        out.append(
            (at("copy_to", i, "region"), f"tenant {tenant.id} keeps its data in the US; {target.region} is in the EU")
        )
    if target.project is not None:
        out.append((at("copy_to", i, "project"), "project is for GCP tenants; on AWS give account"))
    if target.vault is not None and target.account is None:
        out.append((at("copy_to", i, "vault"), "vault names a vault in another account: set account too"))
    name = target.vault or vault_name("x", tenant.id)
    if not re.fullmatch(VAULT_NAME, name):
        out.append((at("copy_to", i, "vault"), f"{name!r} is not a valid backup vault name"))
    return out


def datasets(policy: BackupPolicy, tenant: BackupTenant, environment: str, settings: Any) -> list[objectives.Dataset]:
    """What AWS Backup protects: continuous-capable types and the others, with their worst cases' inputs."""
    start, completion = rpo.duration_minutes(policy.windows.start), rpo.duration_minutes(policy.windows.completion)
    window = start + completion
    plan = rules(policy, environment, tenant.id, settings.account_id)
    snapshots = [r for r in plan if not r.continuous]
    local = [rpo.Source(rpo.parse_aws(r.schedule), window, label=r.name) for r in snapshots]
    region = tenant.region or settings.region
    copied = [r for r in snapshots if any(c.region != region for c in r.copies)]
    dr = [
        rpo.Source(
            rpo.parse_aws(r.schedule), window, min(c.window for c in r.copies if c.region != region), "copy window"
        )
        for r in copied
    ] or None
    types = policy.aws.resource_types
    groups = [
        ("continuous", [t for t in types if t in CONTINUOUS_TYPES]),
        ("snapshot", [t for t in types if t not in CONTINUOUS_TYPES]),
    ]
    out = []
    copy_window = min((c.window for r in copied for c in r.copies), default=rpo.duration_minutes(COPY_WINDOW))

    def local_fix(target: int) -> str | None:
        interval = rpo.best_interval(target, window, minimum=MIN_INTERVAL)
        if interval is None:
            return (
                f"AWS Backup snapshots run at most hourly and may take {rpo.format_minutes(window)} (windows.start + "
                "windows.completion): shorten the windows or raise the objective"
            )
        return f"a schedule that meets it: schedule.aws: {rpo.aws_cron_every(interval)}"

    def dr_fix(target: int) -> str | None:
        interval = rpo.best_interval(target, window + copy_window, minimum=MIN_INTERVAL)
        if interval is None:
            return (
                f"copies take up to {rpo.format_minutes(copy_window)} after a {rpo.format_minutes(window)} backup "
                "window: shorten copyTo.window or the windows"
            )
        return f"a schedule that meets it: copyTo[0].schedule: {rpo.aws_cron_every(interval)}"

    for kind, members in groups:
        if not members:
            continue
        continuous = CONTINUOUS_LAG if kind == "continuous" and policy.point_in_time_recovery.enabled else None

        def fix(target: int, members: Sequence[str] = members) -> str | None:
            if any(t in CONTINUOUS_TYPES for t in members) and not policy.point_in_time_recovery.enabled:
                return (
                    f"enable pointInTimeRecovery (continuous backup restores {', '.join(members)} to within "
                    f"{CONTINUOUS_LAG}m)"
                )
            return local_fix(target)

        out.append(
            objectives.Dataset(
                name=f"tenant {tenant.id} AWS {', '.join(members)}",
                local=local,
                local_key=("schedule", "aws"),
                continuous_lag=continuous,
                dr=dr,
                local_fix=fix,
                dr_fix=dr_fix,
            )
        )
    return out


# --- resources --------------------------------------------------------------------------------------
def build(ctx: BackupContext) -> dict[str, Any]:
    """Register the tenant's AWS Backup resources; returns the identifiers the component exposes."""
    import pulumi
    import pulumi_aws as aws

    from components.base import known_after
    from components.tenant import aws as tenant_aws

    policy, tenant, env = ctx.policy, ctx.tenant, ctx.environment
    account, region = ctx.settings.account_id, ctx.region
    name = ctx.name
    vault = vault_name(env, tenant.id)
    plan_rules = rules(policy, env, tenant.id, account)
    targets = [copy for copy, _ in copies(policy, env, tenant.id, account)]
    own_regions = sorted({c.region for c in targets if c.account == account and c.region != region})
    cross_accounts = sorted({c.account for c in targets if c.account != account})

    role = aws.iam.Role(
        f"{name}-role",
        name=role_name(env, tenant.id),
        description=f"AWS Backup service role of tenant {tenant.id} ({env})",
        assume_role_policy=json.dumps(trust_policy(), sort_keys=True),
        tags=ctx.tags,
        opts=ctx.opts,
    )
    attachments = [
        aws.iam.RolePolicyAttachment(
            f"{name}-role-{arn.rsplit('/', 1)[1].removeprefix('AWSBackupServiceRolePolicyFor').lower()}",
            role=role_name(env, tenant.id),
            policy_arn=arn,
            opts=ctx.after(role),
        )
        for arn in managed_policies(list(policy.aws.resource_types))
    ]
    role_arn = f"arn:aws:iam::{account}:role/{role_name(env, tenant.id)}"

    def vault_key(suffix: str, key_region: str | None, *, notifications: bool) -> Any:
        document = key_policy(account, key_region or region, role_arn, cross_accounts, notifications=notifications)
        extra = {"region": key_region} if key_region else {}
        key = aws.kms.Key(
            f"{name}-key{suffix}",
            description=f"Plinth tenant {tenant.id} backup vault key ({env})",
            enable_key_rotation=True,
            deletion_window_in_days=KEY_DELETION_WINDOW_DAYS,
            # Known at preview (policies read it), created only after the role it names exists.
            policy=known_after(json.dumps(document, sort_keys=True), role),
            tags=ctx.tags,
            opts=ctx.data_opts,
            **extra,
        )
        alias = aws.kms.Alias(
            f"{name}-key{suffix}-alias",
            name=key_alias(env, tenant.id),
            target_key_id=key.key_id,
            opts=ctx.opts,
            **extra,
        )
        return key, alias

    def locked_vault(suffix: str, vault_region: str | None, key: Any) -> list[Any]:
        extra = {"region": vault_region} if vault_region else {}
        created = aws.backup.Vault(
            f"{name}-vault{suffix}",
            name=vault,
            kms_key_arn=key.arn,
            force_destroy=False,
            tags=ctx.tags,
            opts=ctx.data_opts,
            **extra,
        )
        waits = [created]
        if policy.immutability.mode != "none":
            low, high = policy.lock_bounds(
                policy.point_in_time_recovery.days if policy.point_in_time_recovery.enabled else None
            )
            lock = aws.backup.VaultLockConfiguration(
                f"{name}-vault{suffix}-lock",
                backup_vault_name=vault,
                min_retention_days=low,
                max_retention_days=high,
                # Only compliance mode sets changeableForDays: after it the lock is irreversible.
                changeable_for_days=policy.immutability.changeable_for_days
                if policy.immutability.mode == "compliance"
                else None,
                opts=ctx.after(created, data=True),
                **extra,
            )
            waits.append(lock)
        return waits

    key, alias = vault_key("", None, notifications=True)
    home = locked_vault("", None, key)
    away: list[Any] = []
    for other in own_regions:
        dr_key, _ = vault_key(f"-{other}", other, notifications=False)
        away += locked_vault(f"-{other}", other, dr_key)

    topic_name = ctx.physical("backup-events", max_len=256)
    topic_arn = f"arn:aws:sns:{region}:{account}:{topic_name}"
    topic = aws.sns.Topic(
        f"{name}-events",
        name=topic_name,
        kms_master_key_id=known_after(key_alias(env, tenant.id), alias),
        tags=ctx.tags,
        opts=ctx.after(alias),
    )
    topic_policy_resource = aws.sns.TopicPolicy(
        f"{name}-events-policy",
        arn=known_after(topic_arn, topic),
        policy=json.dumps(topic_policy(topic_arn, account), sort_keys=True),
        opts=ctx.after(topic),
    )
    for i, email in enumerate(policy.notify.email):
        aws.sns.TopicSubscription(
            f"{name}-events-email-{i}",
            topic=known_after(topic_arn, topic),
            protocol="email",
            endpoint=email,
            filter_policy=json.dumps(FAILED_ONLY, sort_keys=True),
            filter_policy_scope="MessageAttributes",
            opts=ctx.after(topic),
        )
    aws.backup.VaultNotifications(
        f"{name}-vault-notifications",
        backup_vault_name=vault,
        sns_topic_arn=known_after(topic_arn, topic_policy_resource),
        backup_vault_events=list(VAULT_EVENTS),
        opts=ctx.after(*home, topic_policy_resource),
    )

    windows = (rpo.duration_minutes(policy.windows.start), rpo.duration_minutes(policy.windows.completion))
    plan = aws.backup.Plan(
        f"{name}-plan",
        name=ctx.physical("backup", max_len=50),
        rules=[plan_rule(r, vault, ctx.tags, windows) for r in plan_rules],
        tags=ctx.tags,
        # Recovery points go to locked vaults only: the plan waits for the vaults and their locks everywhere.
        opts=ctx.after(*home, *away),
    )
    aws.backup.Selection(
        f"{name}-selection",
        name=ctx.physical("tenant", max_len=50),
        plan_id=plan.id,
        iam_role_arn=known_after(role_arn, role, *attachments),
        resources=selection_resources(list(policy.aws.resource_types), region, account),
        conditions=selection_conditions(env, tenant.id),
        opts=ctx.after(plan, *attachments),
    )
    outputs: dict[str, Any] = {
        "vault": vault,
        "vault_arn": vault_arn(region, account, vault),
        "copy_vaults": [c.destination for c in targets],
        "plan": ctx.physical("backup", max_len=50),
        "topic_arn": topic_arn,
    }
    if policy.drill.frequency != "none":
        bucket = tenant_aws.bucket_name(ctx.tenant_context())
        testing = aws.backup.RestoreTestingPlan(
            f"{name}-drill",
            name=drill_name(env, tenant.id),
            schedule_expression=DRILLS[policy.drill.frequency],
            schedule_expression_timezone="Etc/UTC",
            start_window_hours=24,
            recovery_point_selection={
                "algorithm": "LATEST_WITHIN_WINDOW",
                "include_vaults": [vault_arn(region, account, vault)],
                "recovery_point_types": ["SNAPSHOT", "CONTINUOUS"]
                if policy.point_in_time_recovery.enabled
                else ["SNAPSHOT"],
                "selection_window_days": 7,
            },
            tags=ctx.tags,
            opts=ctx.after(*home),
        )
        aws.backup.RestoreTestingSelection(
            f"{name}-drill-selection",
            name=drill_name(env, tenant.id) + "_s3",
            restore_testing_plan_name=drill_name(env, tenant.id),
            protected_resource_type="S3",
            protected_resource_arns=[f"arn:aws:s3:::{bucket}"],
            iam_role_arn=known_after(role_arn, role, *attachments),
            opts=ctx.after(testing, *attachments),
        )
        outputs["drill"] = drill_name(env, tenant.id)
    if policy.immutability.mode == "compliance":
        pulumi.log.warn(
            f"tenant {tenant.id}: AWS Backup vault {vault} gets a compliance-mode vault lock: "
            f"{policy.immutability.changeable_for_days} days after it is created nobody, not even the account's root "
            "user, can remove the lock, shorten retention or delete a recovery point early",
            resource=home[-1],
        )
    return outputs
