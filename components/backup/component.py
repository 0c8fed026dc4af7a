"""TenantBackup: one tenant's backup policy -> its cloud's backup service, its namespace's Velero schedule,
and restore drills.

The cloud part lives in one module per cloud (``aws``, ``gcp``, ``azure``, chosen through
:mod:`components.clouds`), the cluster part in ``velero``; this module validates the arguments (the same
checks the stack config runs, recovery point objectives included), decides how backups are kept and
registers the children.
"""

from typing import Any, NotRequired, Optional, TypedDict

import pulumi

from components import clouds, conventions, k8s
from components.args import ArgsError, input_error, key_path, unknown_keys, validate
from components.backup import velero
from components.backup.checks import mechanism, tenant_problems
from components.backup.context import BackupContext
from components.backup.spec import BackupPolicy, BackupSpec, BackupTenant, VeleroSpec, resolve
from components.capability import BuildContext
from components.clouds import AwsAccountArgs, AzureSubscriptionArgs, GcpProjectArgs


# --- Arguments (plain types: what a YAML or TypeScript program passes) ------------------------------
class BackupTenantArgs(TypedDict):
    """The tenant whose data is backed up: its id, tier, compliance, cloud and region."""

    id: str
    """The tenant's id (its Tenant component's name)."""
    tier: str
    """``free``, ``standard``, ``premium`` or ``enterprise``."""
    compliance: NotRequired[list[str]]
    """``gdpr``, ``hipaa``, ``soc2``: HIPAA tenants always get an immutable vault."""
    cloud: NotRequired[str]
    """``aws``, ``gcp``, ``azure`` or ``none``."""
    region: NotRequired[str]
    """The tenant's region (default: the region of the cloud's settings)."""
    data_residency: NotRequired[str]
    """``eu``, ``us`` or ``any``: copies stay where the data may be."""
    data_deletion: NotRequired[str]
    """``retain`` (default) or ``delete``: only then may Pulumi delete backups (never premium/enterprise or prod)."""


class BackupWindowsArgs(TypedDict, total=False):
    """When backup jobs may start and by when they must complete."""

    start: str
    """How late a backup may start, e.g. ``1h`` (AWS: at least 1h)."""
    completion: str
    """How long a backup may run, e.g. ``2h`` (AWS: at least start + 1h)."""


class BackupRetentionArgs(TypedDict):
    """How many daily, weekly, monthly and yearly recovery points are kept."""

    daily: str
    """Days the main schedule's points are kept, e.g. ``35d``."""
    weekly: NotRequired[str]
    """Days weekly points are kept, e.g. ``56d``."""
    monthly: NotRequired[str]
    """Days monthly points are kept."""
    yearly: NotRequired[str]
    """Days yearly points are kept."""
    cold_storage_after_days: NotRequired[int]
    """AWS: days before points move to cold storage (where they are kept 90 days longer)."""


class BackupPitrArgs(TypedDict, total=False):
    """Continuous backup for point-in-time recovery, where the service supports it."""

    enabled: bool
    """Continuous backup (point-in-time recovery)."""
    days: int
    """Days of continuous backup (AWS 1-35, Azure up to 360)."""


class BackupImmutabilityArgs(TypedDict, total=False):
    """Whether recovery points can be deleted before they expire (vault lock, immutable vault)."""

    mode: str
    """``none``, ``governance`` or ``compliance`` (irreversible after ``changeable_for_days``)."""
    min_retention_days: int
    """The vault lock's minimum retention."""
    max_retention_days: int
    """The vault lock's maximum retention."""
    changeable_for_days: int
    """compliance: days before the lock becomes irreversible (3-365)."""


class BackupCopyTargetArgs(TypedDict):
    """A copy of every recovery point in another region (and optionally another account or project)."""

    region: str
    """The second region."""
    account: NotRequired[str]
    """AWS: a second account."""
    vault: NotRequired[str]
    """AWS cross-account: the destination vault's name."""
    project: NotRequired[str]
    """GCP: a second project."""
    schedule: NotRequired[str]
    """How often copies are made when not with every backup (AWS cron()/rate(), GCP rate())."""
    window: NotRequired[str]
    """How long a copy may take to land."""


class BackupGcpRecurrenceArgs(TypedDict):
    """A GCP Backup and DR backup rule's recurrence."""

    recurrence_type: str
    """``HOURLY``, ``DAILY``, ``WEEKLY``, ``MONTHLY`` or ``YEARLY``."""
    hourly_frequency: NotRequired[int]
    """HOURLY: hours between backups."""
    days_of_weeks: NotRequired[list[str]]
    """WEEKLY: ``MONDAY``..."""
    days_of_months: NotRequired[list[int]]
    """MONTHLY/YEARLY: days of the month."""
    months: NotRequired[list[str]]
    """YEARLY: ``JANUARY``..."""
    start_hour_of_day: NotRequired[int]
    """The backup window's first hour (UTC)."""
    end_hour_of_day: NotRequired[int]
    """The backup window's end hour (UTC, 1-24)."""


class BackupSchedulesArgs(TypedDict):
    """The backup schedule in each cloud's own syntax."""

    aws: str
    """AWS Backup rule schedule: ``cron(...)`` or ``rate(...)``."""
    azure: str
    """Azure vaulted blob schedule: ``R/<start>/P1D``."""
    gcp: BackupGcpRecurrenceArgs
    """GCP Backup and DR rule schedule."""
    velero: str
    """Velero schedule of the tenant's namespace (cron)."""


class BackupDrillArgs(TypedDict, total=False):
    """The restore drill: how often the latest backup is restored into a scratch namespace and checked."""

    frequency: str
    """``none``, ``weekly``, ``monthly`` or ``quarterly``."""
    workloads: bool
    """Velero drills also restore Deployments, Jobs...; by default only configuration and data."""


class BackupNotifyArgs(TypedDict, total=False):
    """Who is told about failed or expired backup jobs."""

    email: list[str]
    """Addresses told about failed backups, copies and restores."""


class BackupAwsOptionsArgs(TypedDict, total=False):
    """AWS-only options."""

    resource_types: list[str]
    """``S3``, ``DynamoDB``, ``EBS``, ``EFS``, ``RDS``, ``Aurora``: what the plan selects by tag."""


class BackupGcpProtectedArgs(TypedDict):
    """A GCP resource protected by the Backup and DR service."""

    resource_type: str
    """``compute.googleapis.com/Instance`` or ``compute.googleapis.com/Disk``."""
    resource: str
    """``projects/<p>/zones/<z>/instances/<name>``."""


class BackupGcpOptionsArgs(TypedDict, total=False):
    """GCP-only options."""

    protect: list[BackupGcpProtectedArgs]
    """Compute Engine instances backed up into the tenant's Backup and DR vault."""


class BackupPolicyArgs(TypedDict):
    """A tenant's resolved backup policy: objectives, schedules, retention, immutability, copies, drill."""

    rpo: str
    """Recovery point objective in the tenant's region, e.g. ``4h``."""
    rto: str
    """Recovery time objective, e.g. ``8h``: drills fail when a restore takes longer."""
    schedule: BackupSchedulesArgs
    """When backups run, per mechanism."""
    retention: BackupRetentionArgs
    """How long points are kept."""
    dr_rpo: NotRequired[str]
    """Recovery point objective after losing the region (needs ``copy_to``)."""
    windows: NotRequired[BackupWindowsArgs]
    """Start and completion windows of scheduled backups."""
    point_in_time_recovery: NotRequired[BackupPitrArgs]
    """Continuous backup."""
    immutability: NotRequired[BackupImmutabilityArgs]
    """Vault lock."""
    copy_to: NotRequired[list[BackupCopyTargetArgs]]
    """Second regions (and accounts/projects) recovery points are copied to."""
    drill: NotRequired[BackupDrillArgs]
    """Restore drills."""
    notify: NotRequired[BackupNotifyArgs]
    """Who hears about failures."""
    aws: NotRequired[BackupAwsOptionsArgs]
    """AWS options."""
    gcp: NotRequired[BackupGcpOptionsArgs]
    """GCP options."""


class VeleroSecretArgs(TypedDict):
    """A Kubernetes Secret key holding the object store credential Velero uses."""

    name: str
    """Secret in Velero's namespace."""
    key: str
    """Key of the credentials file in it."""


class VeleroReplicationArgs(TypedDict):
    """Replication of the Velero bucket to another region (disaster recovery of cluster backups)."""

    region: str
    """Where the object store keeps the bucket's copy."""
    lag: NotRequired[str]
    """How far the copy may trail, e.g. ``15m``."""


class VeleroArgs(TypedDict):
    """Velero on the cluster: installed as a pinned Helm release or attached to an existing install."""

    provider: str
    """``aws``, ``gcp`` or ``azure``: where the bucket is (selects the plugin)."""
    bucket: str
    """The bucket namespace backups go to."""
    mode: NotRequired[str]
    """``install`` (a pinned Helm release, default) or ``existing``."""
    chart_version: NotRequired[str]
    """Velero chart version (install mode)."""
    namespace: NotRequired[str]
    """Velero's namespace (default ``velero``)."""
    tier_buckets: NotRequired[dict[str, str]]
    """Buckets of their own for some tiers, by tier: ``free``, ``standard``, ``premium`` or ``enterprise``."""
    config: NotRequired[dict[str, str]]
    """The plugin's BackupStorageLocation config (aws: region)."""
    credential: NotRequired[VeleroSecretArgs]
    """A Secret with the plugin's credentials (else workload identity)."""
    service_account_annotations: NotRequired[dict[str, str]]
    """install mode: annotations of Velero's ServiceAccount (workload identity)."""
    plugin_image: NotRequired[str]
    """Default: the pinned plugin of the provider."""
    backup_window: NotRequired[str]
    """How long a namespace backup may take, e.g. ``30m``."""
    replication: NotRequired[VeleroReplicationArgs]
    """The bucket's copy in another region."""
    drill_image: NotRequired[str]
    """Python 3.11+ image restore drills run in."""
    snapshot_volumes: NotRequired[bool]
    """Snapshot persistent volumes (CSI)."""


class TenantBackupArgs(TypedDict):
    """Everything one tenant's backup needs: the tenant, its policy, the cloud settings and Velero."""

    tenant: BackupTenantArgs
    """The tenant whose data is backed up."""
    environment: str
    """``dev``, ``staging`` or ``prod``: backups of prod are never deleted."""
    policy: BackupPolicyArgs
    """The tenant's complete backup policy (the stack config resolves tiers and overrides into it)."""
    tags: NotRequired[dict[str, str]]
    """Tags (labels on GCP) of every cloud resource."""
    aws: NotRequired[AwsAccountArgs]
    """The AWS account (tenants on AWS)."""
    gcp: NotRequired[GcpProjectArgs]
    """The GCP project (tenants on GCP)."""
    azure: NotRequired[AzureSubscriptionArgs]
    """The Azure subscription (tenants on Azure)."""
    velero: NotRequired[VeleroArgs]
    """The cluster's Velero: a schedule for the tenant's namespace (and drills) when given."""


# --- Outputs ---------------------------------------------------------------------------------------
class BackupObjectiveOutputs(TypedDict):
    """The recovery objectives the schedule meets, as computed at preview."""

    dataset: str
    """What is protected (``tenant acme AWS S3``, ``namespace tenant-acme (Velero)``...)."""
    local: NotRequired[str]
    """Worst-case recovery point age for a restore in the region, e.g. ``15m``."""
    dr: NotRequired[str]
    """Worst-case recovery point age after losing the region."""


def keep_options(tenant: BackupTenant, environment: str) -> pulumi.ResourceOptions:
    """Vaults, their keys and locks, copy buckets and Velero locations are protected and retained: destroying
    the stack never deletes backups. Only a tenant whose data may be deleted (``dataDeletion: delete``, never
    premium/enterprise and never in prod) lets Pulumi delete its backups too."""
    deletable = (
        tenant.data_deletion == "delete" and tenant.tier not in conventions.PRODUCTION_TIERS and environment != "prod"
    )
    return pulumi.ResourceOptions(protect=not deletable, retain_on_delete=not deletable)


class Validated:
    """The arguments after validation, with the recovery point objectives they meet."""

    def __init__(self, args: TenantBackupArgs):
        if unknown := unknown_keys(args, TenantBackupArgs):
            raise ArgsError(unknown)
        self.tenant = validate(BackupTenant, dict(args.get("tenant") or {}), "args.tenant")
        self.environment = str(args.get("environment", ""))
        if self.environment not in ("dev", "staging", "prod"):
            raise ArgsError([("args.environment", f"must be dev, staging or prod (found {self.environment!r})")])
        self.policy = validate(BackupPolicy, dict(args.get("policy") or {}), "args.policy")
        velero_args = args.get("velero")
        self.velero = validate(VeleroSpec, dict(velero_args), "args.velero") if velero_args is not None else None
        self.settings: Any = None
        cloud = self.tenant.cloud
        if cloud != "none":
            raw: Any = args.get(cloud)  # a TypedDict key chosen at run time
            if raw is None:
                raise ArgsError([(f"args.{cloud}", f"the tenant is on {cloud}: pass the {cloud} settings")])
            self.settings = validate(clouds.cloud(cloud).settings, dict(raw), f"args.{cloud}")
        self.region = self.tenant.region or (
            clouds.cloud(cloud).default_region(self.settings) if self.settings is not None else None
        )

        def at(*loc: Any) -> str:
            return "args.policy." + key_path(loc, snake=True)

        self.objectives, problems = tenant_problems(
            self.policy,
            self.tenant,
            environment=self.environment,
            settings=self.settings,
            region=self.region,
            velero_spec=self.velero,
            at=at,
        )
        if problems:
            raise ArgsError(problems)


class TenantBackup(pulumi.ComponentResource):
    """One tenant's backups: its cloud's backup service with a customer-managed key, copies to a second
    region, immutability by tier; a Velero schedule for its namespace; restore drills; recovery point
    objectives checked before anything is created."""

    vault: pulumi.Output[Optional[str]]
    """The cloud vault holding the tenant's recovery points (AWS vault name, Azure vault, GCP vault)."""
    copies: pulumi.Output[list[str]]
    """Where recovery points are copied (vault ARNs, buckets)."""
    velero_schedule: pulumi.Output[Optional[str]]
    """The Velero Schedule of the tenant's namespace."""
    objectives: pulumi.Output[list[BackupObjectiveOutputs]]
    """Worst-case recovery point ages per protected data set, as the preview computed them."""

    def __init__(self, name: str, args: TenantBackupArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(conventions.type_token("TenantBackup"), name, None, opts)
        try:
            valid = Validated(args)
        except ArgsError as err:
            raise input_error(f"TenantBackup {name}", err) from None
        tenant, policy = valid.tenant, valid.policy
        # Children wait for what the component waits for (the tenant's bucket, account and namespace, Velero's
        # locations): a component's depends_on does not reach its children by itself.
        waits = list(opts.depends_on) if opts is not None and isinstance(opts.depends_on, (list, tuple)) else []
        child = pulumi.ResourceOptions(parent=self, depends_on=waits)
        outputs: dict[str, Any] = {}
        if tenant.cloud != "none" and valid.settings is not None:
            ctx = BackupContext(
                name=name,
                tenant=tenant,
                policy=policy,
                environment=valid.environment,
                settings=valid.settings,
                region=str(valid.region),
                tags=dict(args.get("tags") or {}),
                opts=child,
                data_opts=pulumi.ResourceOptions.merge(child, keep_options(tenant, valid.environment)),
            )
            outputs = mechanism(tenant.cloud).build(ctx)
        schedule_name = None
        if valid.velero is not None:
            schedule_name = self._cluster(name, valid, child)
        summaries = [o.summary() for o in valid.objectives]
        self.vault = pulumi.Output.from_input(outputs.get("vault"))
        self.copies = pulumi.Output.from_input(
            list(outputs.get("copy_vaults") or []) + ([outputs["copy_bucket"]] if "copy_bucket" in outputs else [])
        )
        self.velero_schedule = pulumi.Output.from_input(schedule_name)
        self.objectives = pulumi.Output.from_input(
            [{k: v for k, v in s.items() if v is not None} for s in summaries]  # type: ignore[misc]
        )
        #: The cloud module's identifiers and the worst cases (plain values known at preview), for tests and tools.
        self.cloud_outputs = outputs
        self.objective_summaries = [{k: v for k, v in s.items() if v is not None} for s in summaries]
        self.register_outputs(
            {"vault": self.vault, "objectives": self.objectives, "veleroSchedule": self.velero_schedule}
        )

    @staticmethod
    def _cluster(name: str, valid: Validated, opts: pulumi.ResourceOptions) -> str:
        """The namespace's Velero Schedule, and its restore drill when the policy has one."""
        assert valid.velero is not None
        manifest = velero.schedule(valid.velero, valid.tenant, valid.policy, valid.environment)
        k8s.register(k8s.child_name(name, "schedule"), manifest, opts)
        if valid.policy.drill.frequency != "none":
            for item in velero.drill_rbac(valid.velero, valid.tenant.id, valid.environment):
                role = f"drill-{item['kind'].lower()}"
                k8s.register(k8s.child_name(name, role), item, opts)
            cron = velero.drill_cron_job(valid.velero, valid.tenant, valid.policy, valid.environment)
            k8s.register(k8s.child_name(name, "drill"), cron, opts)
        return str(manifest["metadata"]["name"])


# --- From the stack config -------------------------------------------------------------------------
def policy_args(policy: BackupPolicy) -> BackupPolicyArgs:
    """The component's plain-typed policy: retention as days (``"35d"``), Python names."""
    args: dict[str, Any] = policy.model_dump(exclude_none=True)
    args["retention"] = {k: f"{v}d" for k, v in policy.retention_days().items()}
    if policy.retention.cold_storage_after_days is not None:
        args["retention"]["cold_storage_after_days"] = policy.retention.cold_storage_after_days
    return args  # type: ignore[return-value]


def args_from(
    policy: BackupPolicy,
    tenant: Any,
    *,
    environment: str,
    cloud_settings: Any,
    tags: dict[str, str],
    velero_spec: VeleroSpec | None,
) -> TenantBackupArgs:
    """The component's arguments for one tenant of a validated stack config."""
    tenant_args = {
        k: v
        for k, v in BackupTenant.model_validate(tenant.model_dump(include=set(BackupTenant.model_fields)))
        .model_dump(exclude_none=True)
        .items()
    }
    args: dict[str, Any] = {
        "tenant": tenant_args,
        "environment": environment,
        "policy": policy_args(policy),
        "tags": dict(tags),
    }
    if tenant.cloud != "none" and cloud_settings is not None:
        args[tenant.cloud] = cloud_settings.model_dump()
    if velero_spec is not None:
        args["velero"] = velero_spec.model_dump(exclude_none=True)
    return args  # type: ignore[return-value]


def build_tenants(ctx: BuildContext, spec: BackupSpec, cluster: Any) -> dict[str, TenantBackup]:
    """One TenantBackup per tenant: with its cloud's provider, after the tenant (its bucket, account, namespace)
    and after the cluster's Velero locations."""
    from components.config import region_of_tenant
    from components.tenant.component import tenant_tags

    tenants = ctx.results.get("tenants") or {}
    velero_spec = spec.velero if ctx.config.kubernetes is not None else None
    out: dict[str, TenantBackup] = {}
    for tenant in getattr(ctx.config, "tenants", []):
        resolved, _ = resolve(spec, tenant)
        assert resolved is not None, "the stack config was checked"
        waits = [r for r in (tenants.get(tenant.id), *(cluster.waits if cluster is not None else ())) if r is not None]
        opts = pulumi.ResourceOptions.merge(ctx.opts, pulumi.ResourceOptions(depends_on=waits))
        settings = None
        if tenant.cloud != "none":
            settings = ctx.config.cloud_settings(tenant.cloud)
            provider = ctx.provider(tenant.cloud, str(region_of_tenant(tenant, ctx.config)))
            opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(providers={provider.package: provider}))
        args = args_from(
            resolved.policy,
            tenant,
            environment=ctx.config.environment,
            cloud_settings=settings,
            tags=tenant_tags(tenant, ctx.tags),
            velero_spec=velero_spec,
        )
        out[tenant.id] = TenantBackup(f"{tenant.id}-backup", args, opts=opts)
    return out


__all__ = ["TenantBackup", "TenantBackupArgs", "policy_args", "args_from", "keep_options", "build_tenants"]
