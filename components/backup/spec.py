"""The ``plinth:backup`` section: one backup policy per tier, overridable per tenant, and the cluster's Velero.

Pure pydantic models and functions (no Pulumi). A tenant's effective policy is the built-in default of its
tier, then ``backup.tiers.<tier>``, then ``backup.tenants.<id>`` (nested keys merge, lists replace), then
what its frameworks demand (HIPAA: an immutable vault and six years of yearly points). Every problem names
the key it came from - or, for a built-in default the tenant cannot keep, the tenant key where the fix goes
- and says the fix.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Annotated, Any, Callable, Literal, Mapping

from pydantic import Field, StringConstraints, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel

from components import conventions
from components.args import allowed_keys, describe, key_path
from components.backup import rpo
from components.base import DnsLabel, StrictModel

Tier = Literal["free", "standard", "premium", "enterprise"]
TenantRefField = Annotated[
    str, StringConstraints(max_length=conventions.TENANT_ID_MAX, pattern=conventions.TENANT_ID_PATTERN)
]
Duration = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]*(m|h|d|w)$")]
#: A retention given as a count of points (``35``) or as days (``"400d"``).
RetentionValue = Annotated[int, Field(ge=1, le=36500)] | Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]*d$")]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
AccountId = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]
GcpProject = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")]
#: AWS Backup vault names (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupVault.html).
VAULT_NAME = r"^[a-zA-Z0-9\-\_]{2,50}$"
#: Days a day, week, month and year of retention counts as: a monthly point kept "12" times lives 12 * 31 days,
#: so twelve are always there whatever the months' lengths.
DAYS_PER = {"daily": 1, "weekly": 7, "monthly": 31, "yearly": 366}
#: HIPAA tenants keep a yearly point for six years unless they say otherwise (the retention floor the
#: aws-backup-plan-retention-minimum policy applies to them).
HIPAA_YEARS = 6
MAX_RETENTION_DAYS = 36500


class Windows(StrictModel):
    """How late a scheduled backup may start and how long it may run before the service cancels it."""

    start: Duration = "1h"
    """AWS start window: at least 60 minutes
    (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupRuleInput.html)."""
    completion: Duration = "2h"
    """How long a backup may run; AWS needs at least the start window plus 60 minutes."""


class Retention(StrictModel):
    """How long recovery points are kept: a count of points per period, or days (``"400d"``)."""

    daily: RetentionValue
    """Points of the main schedule (days: one a day; a count kept that many days)."""
    weekly: RetentionValue | None = None
    monthly: RetentionValue | None = None
    yearly: RetentionValue | None = None
    cold_storage_after_days: Annotated[int, Field(ge=1, le=MAX_RETENTION_DAYS)] | None = None
    """AWS: move points to cold storage after this many days, on every rule that keeps them at least 90
    days longer (cold storage has a 90-day minimum)."""

    def days(self) -> dict[str, int]:
        """Days each period's points are kept, for the periods that have any."""
        out: dict[str, int] = {}
        for period in ("daily", "weekly", "monthly", "yearly"):
            value = getattr(self, period)
            if value is None:
                continue
            out[period] = int(value[:-1]) if isinstance(value, str) else value * DAYS_PER[period]
        return out


class PointInTimeRecovery(StrictModel):
    """Continuous backup: restore to any moment within ``days`` (AWS: S3, RDS, Aurora; Azure: operational blob
    backup)."""

    enabled: bool = False
    days: Annotated[int, Field(ge=1, le=360)] = 35
    """AWS continuous backups keep 1 to 35 days; Azure operational backups up to 360."""


class Immutability(StrictModel):
    """Whether recovery points can be deleted before they expire."""

    mode: Literal["none", "governance", "compliance"] = "none"
    """governance: locked, but a privileged administrator can lift the lock; compliance: nobody can, and
    after ``changeableForDays`` the lock itself is irreversible (AWS vault lock, Azure locked immutability)."""
    min_retention_days: Annotated[int, Field(ge=1, le=MAX_RETENTION_DAYS)] | None = None
    """Default: the shortest retention of the policy."""
    max_retention_days: Annotated[int, Field(ge=1, le=MAX_RETENTION_DAYS)] | None = None
    """Default: the longest retention of the policy."""
    changeable_for_days: Annotated[int, Field(ge=3, le=365)] = 3
    """compliance: the grace period before the lock can no longer be removed (AWS: 3 to 365 days)."""

    @model_validator(mode="after")
    def _bounds(self) -> "Immutability":
        if (
            self.min_retention_days is not None
            and self.max_retention_days is not None
            and self.min_retention_days > self.max_retention_days
        ):
            raise ValueError("minRetentionDays is above maxRetentionDays: lower the minimum or raise the maximum")
        return self


class CopyTarget(StrictModel):
    """A second region (and optionally a second AWS account or GCP project) every recovery point is copied to."""

    region: Annotated[str, StringConstraints(min_length=2, max_length=40)]
    account: AccountId | None = None
    """AWS: copy into this account's vault (it must exist there with a policy admitting this account)."""
    vault: Annotated[str, StringConstraints(pattern=VAULT_NAME)] | None = None
    """AWS cross-account: the destination vault's name (default: the name Plinth gives this tenant's vault)."""
    project: GcpProject | None = None
    """GCP: put the disaster-recovery bucket in this project."""
    schedule: Annotated[str, StringConstraints(min_length=6, max_length=100)] | None = None
    """How often copies are made when not with every backup: AWS ``cron()``/``rate()`` (a rule of its own),
    GCP ``rate(<n> hours)`` (the transfer job). Azure copies follow the vault's geo-replication."""
    window: Duration | None = None
    """How long a copy may take to land in the other region (default per cloud; measure yours)."""


class GcpRecurrence(StrictModel):
    """A GCP Backup and DR backup rule's schedule (``standardSchedule``)."""

    recurrence_type: Literal["HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"]
    hourly_frequency: Annotated[int, Field(ge=1, le=23)] | None = None
    days_of_weeks: list[str] = Field(default_factory=list)
    days_of_months: list[Annotated[int, Field(ge=1, le=31)]] = Field(default_factory=list)
    months: list[str] = Field(default_factory=list)
    start_hour_of_day: Annotated[int, Field(ge=0, le=23)] = 0
    end_hour_of_day: Annotated[int, Field(ge=1, le=24)] = 24

    def rule(self) -> dict[str, Any]:
        """The ``standard_schedule`` argument of ``gcp.backupdisasterrecovery.BackupPlan``."""
        out: dict[str, Any] = {
            "recurrence_type": self.recurrence_type,
            "time_zone": "UTC",
            "backup_window": {"start_hour_of_day": self.start_hour_of_day, "end_hour_of_day": self.end_hour_of_day},
        }
        if self.hourly_frequency is not None:
            out["hourly_frequency"] = self.hourly_frequency
        for key in ("days_of_weeks", "days_of_months", "months"):
            if getattr(self, key):
                out[key] = list(getattr(self, key))
        return out


class Schedules(StrictModel):
    """When backups run, in each mechanism's own schedule language (UTC)."""

    aws: Annotated[str, StringConstraints(min_length=6, max_length=100)]
    """AWS Backup rule: ``cron(min hour dom month dow year)`` or ``rate(<n> hours)`` (at most hourly)."""
    azure: Annotated[str, StringConstraints(min_length=6, max_length=100)]
    """Azure vaulted blob backup: ISO 8601 ``R/<start>/P1D`` or ``.../P1W``."""
    gcp: GcpRecurrence
    """GCP Backup and DR rule for the resources listed in ``gcp.protect``."""
    velero: Annotated[str, StringConstraints(min_length=5, max_length=100)]
    """Velero schedule of the tenant's namespace: five-field cron or ``@every 6h``."""


class Drill(StrictModel):
    """Restore drills: restore the latest backup somewhere harmless, check it, record how long it took."""

    frequency: Literal["none", "weekly", "monthly", "quarterly"] = "none"
    workloads: bool = False
    """Velero: also restore Deployments, StatefulSets, Jobs... (by default the drill restores configuration and
    data only, so no second copy of the tenant's workloads starts in the scratch namespace)."""


class Notify(StrictModel):
    """Who hears about failed backups, copies and restores."""

    email: list[Email] = Field(default_factory=list)


AwsResourceType = Literal["S3", "DynamoDB", "EBS", "EFS", "RDS", "Aurora"]
DEFAULT_AWS_TYPES: tuple[AwsResourceType, ...] = ("S3",)


class AwsOptions(StrictModel):
    resource_types: list[AwsResourceType] = Field(default_factory=lambda: list(DEFAULT_AWS_TYPES), min_length=1)
    """Which of the tenant's tagged resources the plan selects; the backup role gets exactly the AWS managed
    policies these need."""


class GcpProtected(StrictModel):
    """A resource of the tenant that GCP Backup and DR backs up into the tenant's backup vault."""

    resource_type: Literal["compute.googleapis.com/Instance", "compute.googleapis.com/Disk"]
    resource: Annotated[
        str, StringConstraints(pattern=r"^projects/[^/]+/(zones|regions)/[^/]+/(instances|disks)/[^/]+$")
    ]


class GcpOptions(StrictModel):
    protect: list[GcpProtected] = Field(default_factory=list)


class BackupPolicy(StrictModel):
    """A tenant's complete backup policy (after defaults and overrides)."""

    rpo: Duration
    """Recovery point objective for restores in the tenant's region: the oldest the newest usable backup may be."""
    dr_rpo: Duration | None = None
    """Recovery point objective after losing the region (needs ``copyTo``)."""
    rto: Duration
    """Recovery time objective: restore drills fail when a restore takes longer."""
    schedule: Schedules
    windows: Windows = Field(default_factory=Windows)
    retention: Retention
    point_in_time_recovery: PointInTimeRecovery = Field(default_factory=PointInTimeRecovery)
    immutability: Immutability = Field(default_factory=Immutability)
    copy_to: list[CopyTarget] = Field(default_factory=list)
    drill: Drill = Field(default_factory=Drill)
    notify: Notify = Field(default_factory=Notify)
    aws: AwsOptions = Field(default_factory=AwsOptions)
    gcp: GcpOptions = Field(default_factory=GcpOptions)

    @field_validator("copy_to", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, Mapping) else value

    def retention_days(self) -> dict[str, int]:
        return self.retention.days()

    def lock_bounds(self, continuous_days: int | None) -> tuple[int, int]:
        """(min, max) retention days of the vault lock: the declared ones, else the policy's own extremes."""
        kept = list(self.retention_days().values()) + ([continuous_days] if continuous_days else [])
        low = self.immutability.min_retention_days or min(kept)
        high = self.immutability.max_retention_days or max(kept)
        return low, high


def _cron_day(hour: int) -> str:
    return f"cron(0 {hour} ? * * *)"


#: Built-in policy per tier (camelCase, exactly as a stack file would write it). Secure defaults: every
#: tier is backed up; premium and enterprise keep five weeks of continuous backup, lock their vaults and
#: must name a second region.
TIER_DEFAULTS: dict[str, dict[str, Any]] = {
    "free": {
        "rpo": "36h",
        "rto": "72h",
        "schedule": {
            "aws": _cron_day(3),
            "azure": "R/2024-01-01T03:00:00+00:00/P1D",
            "gcp": {"recurrenceType": "DAILY", "startHourOfDay": 3, "endHourOfDay": 7},
            "velero": "0 3 * * *",
        },
        "retention": {"daily": 7},
        "pointInTimeRecovery": {"enabled": False, "days": 7},
        "immutability": {"mode": "none"},
        "drill": {"frequency": "none"},
    },
    "standard": {
        "rpo": "24h",
        "rto": "24h",
        "schedule": {
            "aws": "cron(0 0/12 ? * * *)",
            "azure": "R/2024-01-01T03:00:00+00:00/P1D",
            "gcp": {"recurrenceType": "HOURLY", "hourlyFrequency": 12},
            "velero": "0 */12 * * *",
        },
        "retention": {"daily": 14, "weekly": 4},
        "pointInTimeRecovery": {"enabled": True, "days": 14},
        "immutability": {"mode": "none"},
        "drill": {"frequency": "quarterly"},
    },
    "premium": {
        "rpo": "4h",
        "drRpo": "72h",
        "rto": "8h",
        "schedule": {
            "aws": _cron_day(3),
            "azure": "R/2024-01-01T03:00:00+00:00/P1D",
            "gcp": {"recurrenceType": "HOURLY", "hourlyFrequency": 1},
            "velero": "0 */2 * * *",
        },
        "retention": {"daily": 35, "weekly": 8, "monthly": 12},
        "pointInTimeRecovery": {"enabled": True, "days": 35},
        "immutability": {"mode": "governance"},
        "drill": {"frequency": "monthly"},
    },
    "enterprise": {
        "rpo": "1h",
        "drRpo": "48h",
        "rto": "4h",
        "schedule": {
            "aws": "cron(0 0/12 ? * * *)",
            "azure": "R/2024-01-01T03:00:00+00:00/P1D",
            "gcp": {"recurrenceType": "HOURLY", "hourlyFrequency": 1},
            "velero": "*/30 * * * *",
        },
        "retention": {"daily": 35, "weekly": 12, "monthly": 24, "yearly": 7},
        "pointInTimeRecovery": {"enabled": True, "days": 35},
        "immutability": {"mode": "governance"},
        "drill": {"frequency": "weekly"},
    },
}
#: Tiers whose data must survive losing its region: a copy in a second region is required.
DR_TIERS = conventions.PRODUCTION_TIERS


# --------------------------------------------------------------------------------------------------
# Velero
# --------------------------------------------------------------------------------------------------
class SecretKeyRef(StrictModel):
    """A key of a Secret in Velero's namespace that holds the object store credentials (the plugin's file format)."""

    name: DnsLabel
    key: Annotated[str, StringConstraints(pattern=r"^[-._a-zA-Z0-9]+$", max_length=253)]


class Replication(StrictModel):
    """The Velero bucket is copied to another region by the object store (e.g. S3 replication with RTC)."""

    region: Annotated[str, StringConstraints(min_length=2, max_length=40)]
    lag: Duration = "15m"
    """How far the replica may trail (S3 Replication Time Control: 15 minutes for 99.99% of objects)."""


#: The object store plugin each provider needs (Velero 1.16 compatibility matrix), pinned.
VELERO_PLUGINS: dict[str, str] = {
    "aws": "velero/velero-plugin-for-aws:v1.12.1",
    "gcp": "velero/velero-plugin-for-gcp:v1.12.1",
    "azure": "velero/velero-plugin-for-microsoft-azure:v1.12.1",
}
#: BackupStorageLocation ``config`` keys each plugin requires (the plugins' READMEs).
VELERO_REQUIRED_CONFIG: dict[str, tuple[str, ...]] = {
    "aws": ("region",),
    "gcp": (),
    "azure": ("resourceGroup", "storageAccount"),
}
BucketName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.\-_]{1,61}[a-z0-9]$")]


class VeleroSpec(StrictModel):
    """The cluster part: Velero stores each tenant namespace's backups in its tier's bucket."""

    mode: Literal["install", "existing"] = "install"
    """install: a pinned Velero Helm release; existing: attach to a Velero already running in ``namespace``."""
    chart_version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")] = "10.0.10"
    namespace: DnsLabel = "velero"
    provider: Literal["aws", "gcp", "azure"]
    """Where the bucket is: selects the object store plugin."""
    bucket: BucketName
    tier_buckets: dict[Tier, BucketName] = Field(default_factory=dict)
    """Buckets of their own for some tiers (default: ``bucket``, one prefix per tier)."""
    config: dict[Annotated[str, StringConstraints(pattern=r"^[a-zA-Z][a-zA-Z0-9]*$")], str] = Field(
        default_factory=dict
    )
    """The plugin's BackupStorageLocation config: aws ``region`` (and ``kmsKeyId``); azure ``resourceGroup``,
    ``storageAccount``, ``subscriptionId``..."""
    credential: SecretKeyRef | None = None
    """A Secret with the plugin's credentials file; leave out to use workload identity (IRSA, GKE or Azure
    workload identity) through ``serviceAccountAnnotations``."""
    service_account_annotations: dict[str, str] = Field(default_factory=dict)
    """install mode: annotations of Velero's ServiceAccount (e.g. ``eks.amazonaws.com/role-arn``)."""
    plugin_image: Annotated[str, StringConstraints(pattern=r"^[^\s:@]+(:[\w.\-]+|@sha256:[0-9a-f]{64})$")] | None = None
    """Default: the pinned plugin of ``provider``."""
    backup_window: Duration = "30m"
    """How long a namespace backup may take (counts towards the worst-case recovery point age)."""
    replication: Replication | None = None
    """The bucket's copy in another region, if the object store keeps one."""
    drill_image: Annotated[str, StringConstraints(pattern=r"^[^\s:@]+(:[\w.\-]+|@sha256:[0-9a-f]{64})$")] = (
        "docker.io/library/python:3.13.7-alpine3.22"
    )
    """The image restore drills run in: any Python 3.11+ (the drill uses the standard library only)."""
    snapshot_volumes: bool = True
    """Snapshot the tenants' persistent volumes (CSI: a VolumeSnapshotClass labelled for Velero must exist)."""

    @model_validator(mode="after")
    def _provider_config(self) -> "VeleroSpec":
        missing = [k for k in VELERO_REQUIRED_CONFIG[self.provider] if k not in self.config]
        if missing:
            raise ValueError(
                f"the {self.provider} plugin needs config.{', config.'.join(missing)}: add "
                f"{' and '.join(missing)} under config"
            )
        if self.mode == "existing" and self.service_account_annotations:
            raise ValueError("serviceAccountAnnotations only apply in install mode; annotate your Velero's account")
        return self

    def bucket_of(self, tier: str) -> str:
        return self.tier_buckets.get(tier, self.bucket)  # type: ignore[call-overload]

    def plugin(self) -> str:
        return self.plugin_image or VELERO_PLUGINS[self.provider]


class BackupTenant(StrictModel):
    """What the backup of a tenant needs to know about the tenant (a subset of its TenantSpec)."""

    id: TenantRefField
    tier: Tier
    compliance: list[Literal["gdpr", "hipaa", "soc2"]] = Field(default_factory=list)
    cloud: Literal["aws", "gcp", "azure", "none"] = "none"
    region: str | None = None
    data_residency: Literal["eu", "us", "any"] = "any"
    data_deletion: Literal["retain", "delete"] = "retain"

    @property
    def requires_eu(self) -> bool:
        return "gdpr" in self.compliance or self.data_residency == "eu"


# --------------------------------------------------------------------------------------------------
# The section
# --------------------------------------------------------------------------------------------------
class BackupSpec(StrictModel):
    """Everything under ``plinth:backup``."""

    tiers: dict[Tier, dict[str, Any]] = Field(default_factory=dict)
    """Overrides of the built-in policy of a tier (any key of the policy)."""
    tenants: dict[TenantRefField, dict[str, Any]] = Field(default_factory=dict)
    """Overrides for one tenant (any key of the policy), on top of its tier's."""
    notify: Notify = Field(default_factory=Notify)
    """Stack-wide default of every policy's ``notify``."""
    velero: VeleroSpec | None = None


def camel_keys(value: Any) -> Any:
    """Keys camelCase at every level, so ``dr_rpo`` and ``drRpo`` merge as one key."""
    if isinstance(value, Mapping):
        return {to_camel(str(k)): camel_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel_keys(v) for v in value]
    return value


def deep_merge(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    """``top`` over ``base``: mappings merge key by key, anything else (lists too) is replaced."""
    out = copy.deepcopy(dict(base))
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _has(doc: Mapping[str, Any], loc: tuple[Any, ...]) -> bool:
    """Whether the override ``doc`` (camelCase keys) sets the key at ``loc`` (Python or camelCase names); a
    single mapping stands for a one-item list (``copyTo: {region: ...}``)."""
    value: Any = doc
    for part in loc:
        if isinstance(part, int):
            if isinstance(value, Mapping) and part == 0:
                continue
            if not isinstance(value, list) or part >= len(value):
                return False
        else:
            part = to_camel(str(part))
            if not isinstance(value, Mapping) or part not in value:
                return False
        value = value[part]
    return True


@dataclass
class Sources:
    """Where a tenant's policy came from, to name the key a problem belongs to."""

    tier: str
    tenant: str | None
    tier_override: dict[str, Any] = field(default_factory=dict)
    tenant_override: dict[str, Any] = field(default_factory=dict)

    def path(self, *loc: Any) -> str:
        """``backup.tenants.<id>.<loc>`` when the tenant set it (or when nobody did: that is where a fix goes),
        ``backup.tiers.<tier>.<loc>`` when its tier override did."""
        rest = key_path(tuple(to_camel(p) if isinstance(p, str) else p for p in loc))
        if self.tenant is not None and (_has(self.tenant_override, loc) or not _has(self.tier_override, loc)):
            base = f"backup.tenants.{self.tenant}"
        else:
            base = f"backup.tiers.{self.tier}"
        return f"{base}.{rest}" if rest else base


@dataclass
class Resolved:
    """A tenant's effective policy, with where each key came from."""

    policy: BackupPolicy
    sources: Sources


Problem = tuple[str, str]


def merged_policy(spec: BackupSpec, tier: str, tenant: str | None, *, hipaa: bool = False) -> dict[str, Any]:
    doc = deep_merge(TIER_DEFAULTS[tier], {"notify": spec.notify.model_dump(by_alias=True)})
    doc = deep_merge(doc, camel_keys(spec.tiers.get(tier, {})))  # type: ignore[call-overload]
    if tenant is not None:
        doc = deep_merge(doc, camel_keys(spec.tenants.get(tenant, {})))
    if hipaa:
        doc = _hipaa(doc)
    return doc


def _hipaa(doc: dict[str, Any]) -> dict[str, Any]:
    """HIPAA tenants: an immutable vault, and yearly points for six years unless set otherwise."""
    out = copy.deepcopy(doc)
    immutability = out.setdefault("immutability", {})
    if isinstance(immutability, dict) and immutability.get("mode", "none") == "none":
        immutability["mode"] = "governance"
    retention = out.setdefault("retention", {})
    if isinstance(retention, dict) and retention.get("yearly") is None:
        retention["yearly"] = HIPAA_YEARS
    return out


def resolve(spec: BackupSpec, tenant: Any) -> tuple[Resolved | None, list[Problem]]:
    """The effective policy of ``tenant`` (a TenantSpec), or the problems that stop it."""
    sources = Sources(
        tier=tenant.tier,
        tenant=tenant.id,
        tier_override=camel_keys(spec.tiers.get(tenant.tier, {})),
        tenant_override=camel_keys(spec.tenants.get(tenant.id, {})),
    )
    hipaa = "hipaa" in tenant.compliance
    problems: list[Problem] = []
    if hipaa:
        for override, where in (
            (sources.tenant_override, "tenants." + tenant.id),
            (sources.tier_override, "tiers." + tenant.tier),
        ):
            if isinstance(override.get("immutability"), Mapping) and override["immutability"].get("mode") == "none":
                problems.append(
                    (
                        f"backup.{where}.immutability.mode",
                        f"tenant {tenant.id} is a HIPAA tenant: its backups are always immutable; "
                        "use governance or compliance",
                    )
                )
    doc = merged_policy(spec, tenant.tier, tenant.id, hipaa=hipaa)
    try:
        policy = BackupPolicy.model_validate(doc)
    except ValidationError as err:
        for e in err.errors():
            loc = tuple(e["loc"])
            problems.append((sources.path(*loc), _message(e)))
        return None, problems
    return Resolved(policy, sources), problems


def tier_problems(spec: BackupSpec) -> list[Problem]:
    """Each ``backup.tiers.<tier>`` override on its own, so a mistake shows even with no tenant of that tier."""
    problems: list[Problem] = []
    for tier in spec.tiers:
        try:
            BackupPolicy.model_validate(merged_policy(spec, tier, None))
        except ValidationError as err:
            for e in err.errors():
                rest = key_path(tuple(to_camel(p) if isinstance(p, str) else p for p in e["loc"]))
                problems.append((f"backup.tiers.{tier}.{rest}" if rest else f"backup.tiers.{tier}", _message(e)))
    return problems


def _message(error: Any) -> str:
    """pydantic's error in Plinth's words; an unknown key lists the keys allowed there."""
    message = describe(error)
    if error["type"] == "extra_forbidden":
        allowed = allowed_keys(BackupPolicy, tuple(error["loc"]))
        if allowed:
            message += f"; allowed keys here: {', '.join(allowed)}"
    return message


# --------------------------------------------------------------------------------------------------
# Checks that do not depend on the cloud
# --------------------------------------------------------------------------------------------------
def policy_problems(policy: BackupPolicy, tenant: Any, at: Callable[..., str]) -> list[Problem]:
    """Tier rules, windows, retention and locks against the limits every cloud shares; ``at(*loc)`` names a key."""
    problems: list[Problem] = []
    if tenant.cloud == "none":
        # Only the namespace is backed up: its copy in another region is the Velero bucket's replication.
        if policy.copy_to:
            problems.append(
                (
                    at("copy_to"),
                    f"tenant {tenant.id} has no cloud data: its namespace's copy is backup.velero.replication",
                )
            )
        return problems + _window_problems(policy, at) + _retention_problems(policy, at)
    if tenant.tier in DR_TIERS and not policy.copy_to:
        problems.append(
            (
                at("copy_to"),
                f"tenant {tenant.id} is on the {tenant.tier} tier: its backups must also be copied to a second "
                "region; set copyTo: {region: <another region>}",
            )
        )
    if policy.copy_to and policy.dr_rpo is None:
        problems.append(
            (at("dr_rpo"), "copyTo is set but drRpo is not: declare the recovery point objective after a region loss")
        )
    if policy.dr_rpo is not None and not policy.copy_to and tenant.tier not in DR_TIERS:
        problems.append(
            (at("copy_to"), f"drRpo {policy.dr_rpo} needs backups outside the region: set copyTo: {{region: ...}}")
        )
    problems += _window_problems(policy, at)
    problems += _retention_problems(policy, at)
    return problems


def _window_problems(policy: BackupPolicy, at: Any) -> list[Problem]:
    start, completion = rpo.duration_minutes(policy.windows.start), rpo.duration_minutes(policy.windows.completion)
    problems: list[Problem] = []
    if start < 60:
        problems.append(
            (
                at("windows", "start"),
                f"{policy.windows.start} is too short: AWS Backup needs a start window of at least 1h",
            )
        )
    if completion < start + 60:
        problems.append(
            (
                at("windows", "completion"),
                f"{policy.windows.completion} is too short: the completion window must be at least the start window "
                f"plus 1h ({rpo.format_minutes(start + 60)})",
            )
        )
    return problems


def _retention_problems(policy: BackupPolicy, at: Any) -> list[Problem]:
    problems: list[Problem] = []
    days = policy.retention_days()
    for period, kept in days.items():
        if kept > MAX_RETENTION_DAYS:
            problems.append(
                (at("retention", period), f"keeps points {kept} days; the services keep at most {MAX_RETENTION_DAYS}")
            )
    cold = policy.retention.cold_storage_after_days
    if cold is not None:
        for period, kept in days.items():
            if cold < kept < cold + 90:
                problems.append(
                    (
                        at("retention", "cold_storage_after_days"),
                        f"retention.{period} keeps points {kept} days but cold storage after {cold} days needs at "
                        "least "
                        f"{cold + 90} (points stay in cold storage 90 days at least): raise retention.{period} or "
                        "coldStorageAfterDays",
                    )
                )
    if policy.immutability.mode != "none":
        continuous = policy.point_in_time_recovery.days if policy.point_in_time_recovery.enabled else None
        low, high = policy.lock_bounds(continuous)
        for period, kept in {**days, **({"pointInTimeRecovery": continuous} if continuous else {})}.items():
            if kept < low:
                problems.append(
                    (
                        at("immutability", "min_retention_days"),
                        f"{low} days is above what {period} keeps ({kept} days): a locked vault refuses recovery "
                        "points "
                        f"kept shorter than its minimum; lower minRetentionDays to {kept} or keep {period} longer",
                    )
                )
            if kept > high:
                problems.append(
                    (
                        at("immutability", "max_retention_days"),
                        f"{high} days is below what {period} keeps ({kept} days): raise maxRetentionDays to {kept}",
                    )
                )
    return problems
