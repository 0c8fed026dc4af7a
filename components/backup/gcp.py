"""GCP part of a tenant's backup: what really protects each kind of data on GCP.

- **Cloud Storage** (the tenant's bucket) has no Backup and DR vault support; it is protected by the
  bucket itself and by a copy: the tenant bucket keeps every overwritten or deleted object as a
  noncurrent version (object versioning: restorable to any write, in the region) plus soft delete, and a
  Storage Transfer Service job copies it on a schedule to a disaster-recovery bucket in the ``copyTo``
  region (CMEK with a key in that region, versioning, soft delete up to 90 days, never deleting what the
  source deleted). A bucket retention policy (Bucket Lock) cannot be combined with object versioning and
  refuses overwrites until objects age (https://cloud.google.com/storage/docs/bucket-lock), which would
  stop the copy of changed objects; so the copy relies on versioning and soft delete instead.
- **Compute Engine instances** listed in ``gcp.protect`` are backed up by the Backup and DR service into
  a backup vault with an enforced minimum retention (the vault's immutability; with ``compliance`` the
  retention is locked after ``changeableForDays``), CMEK with a key in the tenant's region.
- HIPAA tenants (and any tenant with immutability) always get that vault, ready for their instances.

What GCP enforces and the SDK does not: Cloud KMS keys are regional (the copy bucket's key lives in the
copy's region); the Cloud Storage and Storage Transfer service agents are created on first use and must
be granted before the bucket or job uses them (their addresses come from the provider's lookups); the
Backup and DR service agent needs the key, and the vault's own service account needs the Compute Engine
operator role on the project before an association is made; a rule keeps points at least as long as the
vault's minimum enforced retention.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from components import clouds, conventions
from components.backup import objectives, rpo
from components.backup.context import BackupContext
from components.backup.spec import BackupPolicy, BackupTenant

#: Default interval of the transfer job that copies the bucket to its disaster-recovery copy.
COPY_SCHEDULE = "rate(6 hours)"
#: Default time a transfer may take to land the copy (an assumption: Storage Transfer gives no figure).
COPY_WINDOW = "4h"
#: Soft delete keeps deleted objects up to 90 days (https://cloud.google.com/storage/docs/soft-delete).
MAX_SOFT_DELETE_DAYS = 90
ROTATION_PERIOD = f"{90 * 24 * 3600}s"
DESTROY_SCHEDULED = f"{30 * 24 * 3600}s"
ROLE_KEY_USER = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
ROLE_COMPUTE_OPERATOR = "roles/backupdr.computeEngineOperator"
#: A fixed date in the past: the transfer job runs from its creation on.
TRANSFER_START = {"year": 2024, "month": 1, "day": 1}


def vault_id(environment: str, tenant_id: str) -> str:
    """Backup vault ids: lowercase letters, digits and hyphens, a letter first, at most 63."""
    return conventions.physical_name("plinth", environment, tenant_id, max_len=63)


def copy_bucket_name(environment: str, tenant_id: str, project: str) -> str:
    return conventions.physical_name(
        "plinth", environment, tenant_id, "copy", project, max_len=conventions.GCS_BUCKET_MAX
    )


def backupdr_agent(project_number: str) -> str:
    """The Backup and DR service agent of a project (uses the vault's CMEK)."""
    return f"serviceAccount:service-{project_number}@gcp-sa-backupdr.iam.gserviceaccount.com"


def needs_vault(policy: BackupPolicy, tenant: BackupTenant) -> bool:
    return bool(policy.gcp.protect) or policy.immutability.mode != "none" or "hipaa" in tenant.compliance


def copy_interval(policy: BackupPolicy) -> int:
    """Minutes between transfer runs."""
    expression = (policy.copy_to[0].schedule if policy.copy_to else None) or COPY_SCHEDULE
    parsed = rpo.parse_aws(expression)
    if not isinstance(parsed, rpo.Every):
        raise rpo.ScheduleError(f"{expression}: transfer jobs repeat at a fixed interval; write rate(<n> hours)")
    minutes = parsed.max_gap_minutes()
    if minutes < 60:
        raise rpo.ScheduleError(f"{expression}: transfer jobs repeat at most hourly")
    return minutes


def vault_retention_days(policy: BackupPolicy) -> int:
    """The vault's minimum enforced retention: the lock minimum, else the shortest rule."""
    return policy.immutability.min_retention_days or min(policy.retention_days().values())


# --- checks and objectives --------------------------------------------------------------------------
def problems(policy: BackupPolicy, tenant: BackupTenant, settings: Any, region: str, at: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    try:
        rpo.gcp_recurrence(policy.schedule.gcp.rule())
    except rpo.ScheduleError as err:
        out.append((at("schedule", "gcp"), str(err)))
    if len(policy.copy_to) > 1:
        out.append((at("copy_to"), "GCP tenants copy to one disaster-recovery bucket: give one copyTo"))
    cloud = clouds.cloud("gcp")
    for i, target in enumerate(policy.copy_to[:1]):
        try:
            copy_interval(policy)
        except rpo.ScheduleError as err:
            out.append((at("copy_to", i, "schedule"), str(err)))
        if not cloud.valid_region(target.region):
            out.append((at("copy_to", i, "region"), f"{target.region!r} is not a GCP region name"))
        elif target.region == region:
            out.append(
                (at("copy_to", i, "region"), f"{target.region} is the tenant's own region: copy to a second region")
            )
        elif tenant.requires_eu and not cloud.is_eu(target.region):
            out.append(
                (at("copy_to", i, "region"), f"tenant {tenant.id} keeps its data in the EU; {target.region} is not")
            )
        for key in ("account", "vault"):
            if getattr(target, key) is not None:
                out.append((at("copy_to", i, key), f"{key} is for AWS tenants; on GCP give project"))
    low = vault_retention_days(policy)
    for period, kept in policy.retention_days().items():
        if policy.gcp.protect and kept < low:
            out.append(
                (
                    at("retention", period),
                    f"keeps {kept} days, below the vault's minimum enforced retention of {low} days",
                )
            )
    return out


def datasets(policy: BackupPolicy, tenant: BackupTenant, environment: str, settings: Any) -> list[objectives.Dataset]:
    out: list[objectives.Dataset] = []
    dr = None
    if policy.copy_to:
        window = rpo.duration_minutes(policy.copy_to[0].window or COPY_WINDOW)
        transfer = rpo.Every(
            expression=f"transfer every {rpo.format_minutes(copy_interval(policy))}",
            period=timedelta(minutes=copy_interval(policy)),
        )
        dr = [rpo.Source(transfer, 0, window, "transfer window")]

        def dr_fix(target: int, window: int = window) -> str | None:
            interval = rpo.best_interval(target, window, minimum=60)
            if interval is None:
                return f"a transfer may take {rpo.format_minutes(window)}: shorten copyTo.window"
            return (
                f"a schedule that meets it: copyTo.schedule: rate({interval // 60} hour{'s' if interval > 60 else ''})"
            )

    out.append(
        objectives.Dataset(
            name=f"tenant {tenant.id} Cloud Storage bucket",
            local=[],
            local_key=("schedule", "gcp"),
            continuous_lag=0,  # object versioning keeps every version as it is replaced or deleted
            dr=dr,
            dr_key=("copy_to", 0, "schedule"),
            dr_fix=dr_fix if dr is not None else objectives.no_fix,
        )
    )
    if policy.gcp.protect:
        recurrence = rpo.gcp_recurrence(policy.schedule.gcp.rule())
        completion = rpo.duration_minutes(policy.windows.completion)
        source = rpo.Source(recurrence.schedule, recurrence.window_minutes + completion, label="backup window")

        def local_fix(target: int) -> str | None:
            hours = rpo.best_interval(target, 60 + completion, minimum=60)
            if hours is None:
                return f"backups may run {rpo.format_minutes(completion)} (windows.completion): shorten it"
            return f"a schedule that meets it: schedule.gcp: {{recurrenceType: HOURLY, hourlyFrequency: {hours // 60}}}"

        out.append(
            objectives.Dataset(
                name=f"tenant {tenant.id} Compute Engine instances",
                local=[source],
                local_key=("schedule", "gcp"),
                dr_applies=False,  # backup vaults are regional; the instances' disks are the tenant's to replicate
                local_fix=local_fix,
            )
        )
    return out


# --- resources --------------------------------------------------------------------------------------
def build(ctx: BackupContext) -> dict[str, Any]:
    import pulumi
    import pulumi_gcp as gcp

    from components.base import known_after
    from components.tenant import gcp as tenant_gcp

    outputs: dict[str, Any] = {}
    if ctx.policy.copy_to:
        outputs.update(_copy(ctx, gcp, tenant_gcp))
    if needs_vault(ctx.policy, ctx.tenant):
        outputs.update(_vault(ctx, gcp, known_after, tenant_gcp, pulumi))
    return outputs


def _agent_member(ctx: BackupContext, gcp: Any, agent: str) -> Any:
    """A service agent's member from the provider's lookup, which also creates the agent on first use
    (``storage``: the Cloud Storage agent; ``transfer``: the Storage Transfer agent)."""
    number = ctx.settings.project_number
    if agent == "storage":
        email = gcp.storage.get_project_service_account_output(project=number).email_address
    else:
        email = gcp.storage.get_transfer_project_service_account_output(project=number).email
    return email.apply(lambda e: f"serviceAccount:{e}")


def _copy(ctx: BackupContext, gcp: Any, tenant_gcp: Any) -> dict[str, Any]:
    """A CMEK bucket in the copy region and a transfer job that fills it from the tenant's bucket."""
    policy, tenant = ctx.policy, ctx.tenant
    target = policy.copy_to[0]
    project = target.project or ctx.settings.project
    region = target.region
    name = ctx.name
    source_bucket = tenant_gcp.bucket_name(ctx.tenant_context())
    bucket = copy_bucket_name(ctx.environment, tenant.id, project)
    ring_name = ctx.physical("backup", region, max_len=conventions.GCP_KMS_MAX)
    ring_id = f"projects/{project}/locations/{region}/keyRings/{ring_name}"
    key_id = f"{ring_id}/cryptoKeys/backup"
    ring = gcp.kms.KeyRing(f"{name}-copy-keyring", name=ring_name, location=region, project=project, opts=ctx.data_opts)
    key = gcp.kms.CryptoKey(
        f"{name}-copy-key",
        name="backup",
        key_ring=ring_id,
        purpose="ENCRYPT_DECRYPT",
        rotation_period=ROTATION_PERIOD,
        destroy_scheduled_duration=DESTROY_SCHEDULED,
        labels=ctx.labels,
        opts=ctx.after(ring, data=True),
    )
    storage_agent = gcp.kms.CryptoKeyIAMMember(
        f"{name}-copy-key-storage-agent",
        crypto_key_id=key_id,
        role=ROLE_KEY_USER,
        member=_agent_member(ctx, gcp, "storage"),
        opts=ctx.after(key),
    )
    days = policy.retention_days()
    soft_delete = min(max(days.values()), MAX_SOFT_DELETE_DAYS) if policy.immutability.mode != "none" else 7
    created = gcp.storage.Bucket(
        f"{name}-copy",
        name=bucket,
        project=project,
        location=region.upper(),
        uniform_bucket_level_access=True,
        public_access_prevention="enforced",
        versioning={"enabled": True},
        encryption={"default_kms_key_name": key_id},
        soft_delete_policy={"retention_duration_seconds": soft_delete * 24 * 3600},
        lifecycle_rules=[
            {
                "action": {"type": "Delete"},
                "condition": {"days_since_noncurrent_time": max(days.values()), "with_state": "ARCHIVED"},
            },
            {"action": {"type": "AbortIncompleteMultipartUpload"}, "condition": {"age": 7}},
        ],
        force_destroy=False,
        labels=ctx.labels,
        opts=ctx.after(key, storage_agent, data=True),
    )
    transfer_agent = _agent_member(ctx, gcp, "transfer")
    grants = [
        gcp.storage.BucketIAMMember(
            f"{name}-copy-{role_suffix}",
            bucket=which,
            role=role,
            member=transfer_agent,
            opts=ctx.after(created),
        )
        for which, role, role_suffix in (
            (source_bucket, "roles/storage.objectViewer", "source-reader"),
            (source_bucket, "roles/storage.legacyBucketReader", "source-lister"),
            (bucket, "roles/storage.legacyBucketWriter", "sink-writer"),
            (bucket, "roles/storage.objectViewer", "sink-reader"),
        )
    ]
    job = gcp.storage.TransferJob(
        f"{name}-copy-transfer",
        description=f"Plinth {ctx.environment} tenant {tenant.id}: copy to {region}"[:1024],
        project=ctx.settings.project,
        transfer_spec={
            "gcs_data_source": {"bucket_name": source_bucket},
            "gcs_data_sink": {"bucket_name": bucket},
            "transfer_options": {
                "overwrite_when": "DIFFERENT",
                "delete_objects_unique_in_sink": False,
                "delete_objects_from_source_after_transfer": False,
            },
        },
        schedule={"schedule_start_date": dict(TRANSFER_START), "repeat_interval": f"{copy_interval(policy) * 60}s"},
        status="ENABLED",
        opts=ctx.after(created, *grants),
    )
    out: dict[str, Any] = {"copy_bucket": bucket, "copy_key": key_id}
    if policy.notify.email:
        _alerts(ctx, gcp, job)
    return out


def _alerts(ctx: BackupContext, gcp: Any, job: Any) -> None:
    """E-mail on failed transfers (a log-based alert on the transfer job's errors)."""
    channels = [
        gcp.monitoring.NotificationChannel(
            f"{ctx.name}-email-{i}",
            display_name=f"Plinth backups {ctx.tenant.id} {i}",
            type="email",
            labels={"email_address": email},
            project=ctx.settings.project,
            opts=ctx.opts,
        )
        for i, email in enumerate(ctx.policy.notify.email)
    ]
    gcp.monitoring.AlertPolicy(
        f"{ctx.name}-copy-failures",
        display_name=f"Plinth {ctx.environment} {ctx.tenant.id}: backup copy failed",
        combiner="OR",
        conditions=[
            {
                "display_name": "Storage Transfer job error",
                "condition_matched_log": {
                    "filter": job.name.apply(
                        lambda n: (
                            f'resource.type="storage_transfer_job" AND resource.labels.job_id="{n}" AND severity>=ERROR'
                        )
                    )
                },
            }
        ],
        alert_strategy={"notification_rate_limit": {"period": "3600s"}},
        notification_channels=[c.id for c in channels],
        user_labels=ctx.labels,
        project=ctx.settings.project,
        opts=ctx.after(job, *channels),
    )


def _vault(ctx: BackupContext, gcp: Any, known_after: Any, tenant_gcp: Any, pulumi: Any) -> dict[str, Any]:
    """A Backup and DR vault with an enforced minimum retention, CMEK, and plans for the listed instances."""
    import pulumiverse_time as time

    policy, tenant, settings = ctx.policy, ctx.tenant, ctx.settings
    name, region, project = ctx.name, ctx.region, settings.project
    ring_id = tenant_gcp.key_ring_id(ctx.tenant_context())
    key_id = f"{ring_id}/cryptoKeys/backup"
    key = gcp.kms.CryptoKey(
        f"{name}-vault-key",
        name="backup",
        key_ring=ring_id,
        purpose="ENCRYPT_DECRYPT",
        rotation_period=ROTATION_PERIOD,
        destroy_scheduled_duration=DESTROY_SCHEDULED,
        labels=ctx.labels,
        opts=ctx.data_opts,
    )
    agent = gcp.kms.CryptoKeyIAMMember(
        f"{name}-vault-key-agent",
        crypto_key_id=key_id,
        role=ROLE_KEY_USER,
        member=backupdr_agent(settings.project_number),
        opts=ctx.after(key),
    )
    extra: dict[str, Any] = {}
    if policy.immutability.mode == "compliance":
        # The enforced retention locks this many days after the vault is created (kept in state, stable).
        lock = time.Offset(
            f"{name}-vault-lock-time", offset_days=policy.immutability.changeable_for_days, opts=ctx.opts
        )
        extra["effective_time"] = lock.rfc3339
    vault_name = vault_id(ctx.environment, tenant.id)
    vault = gcp.backupdisasterrecovery.BackupVault(
        f"{name}-vault",
        backup_vault_id=vault_name,
        location=region,
        project=project,
        description=f"Plinth {ctx.environment} tenant {tenant.id} backups",
        backup_minimum_enforced_retention_duration=f"{vault_retention_days(policy) * 24 * 3600}s",
        access_restriction="WITHIN_PROJECT",
        encryption_config={"kms_key_name": key_id},
        deletion_policy="PREVENT" if ctx.keep else "DELETE",
        labels=ctx.labels,
        opts=ctx.after(key, agent, data=True),
        **extra,
    )
    full_name = f"projects/{project}/locations/{region}/backupVaults/{vault_name}"
    out: dict[str, Any] = {"vault": full_name}
    if policy.gcp.protect:
        operator = gcp.projects.IAMMember(
            f"{name}-vault-compute-operator",
            project=project,
            role=ROLE_COMPUTE_OPERATOR,
            member=vault.service_account.apply(lambda e: f"serviceAccount:{e}"),
            opts=ctx.after(vault),
        )
        days = policy.retention_days()
        plan_id = ctx.physical("instances", max_len=63)
        plan = gcp.backupdisasterrecovery.BackupPlan(
            f"{name}-plan",
            backup_plan_id=plan_id,
            location=region,
            project=project,
            resource_type="compute.googleapis.com/Instance",
            backup_vault=known_after(full_name, vault),
            backup_rules=[
                {
                    "rule_id": "backups",
                    "backup_retention_days": days["daily"],
                    "standard_schedule": policy.schedule.gcp.rule(),
                }
            ],
            opts=ctx.after(vault),
        )
        for i, item in enumerate(policy.gcp.protect):
            pulumi_name = item.resource.rsplit("/", 1)[1]
            gcp.backupdisasterrecovery.BackupPlanAssociation(
                f"{name}-protect-{i}",
                backup_plan_association_id=conventions.physical_name(tenant.id, pulumi_name, max_len=63),
                location=region,
                project=project,
                resource_type=item.resource_type,
                resource=item.resource,
                backup_plan=known_after(f"projects/{project}/locations/{region}/backupPlans/{plan_id}", plan),
                opts=ctx.after(plan, operator),
            )
        out["plan"] = plan_id
    if policy.immutability.mode == "compliance":
        pulumi.log.warn(
            f"tenant {tenant.id}: Backup and DR vault {vault_name} locks its minimum enforced retention "
            f"{policy.immutability.changeable_for_days} days after creation: it can never be shortened after that",
            resource=vault,
        )
    return out
