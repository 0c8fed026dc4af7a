"""The tenant spec: one entry of ``plinth:tenants`` in a stack config."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from components import clouds, conventions
from components.args import snake_case
from components.base import DnsLabel, StrictModel, Text
from components.cluster import KubernetesSettings
from components.tenant import budget as budgets
from components.tenant.budget import Budget

TenantId = Annotated[
    str, StringConstraints(max_length=conventions.TENANT_ID_MAX, pattern=conventions.TENANT_ID_PATTERN)
]
Tier = Literal["free", "standard", "premium", "enterprise"]
Framework = Literal["gdpr", "hipaa", "soc2"]
Cloud = Literal["aws", "gcp", "azure", "none"]
Residency = Literal["eu", "us", "any"]
# Kubernetes resource quantities, e.g. "500m", "2", "4Gi" (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/).
Quantity = Annotated[
    str, StringConstraints(pattern=r"^([1-9][0-9]*(\.[0-9]+)?|0\.[0-9]*[1-9][0-9]*)(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$")
]
CostCenter = Annotated[str, StringConstraints(min_length=2, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
Group = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[^\s,]+$")]


class Quotas(StrictModel):
    """Overrides of the tier's default ResourceQuota; unset values keep the tier default."""

    cpu: Quantity | None = None
    memory: Quantity | None = None
    pods: Annotated[int, Field(gt=0)] | None = None
    pvcs: Annotated[int, Field(gt=0)] | None = None
    gpus: Annotated[int, Field(ge=0)] | None = None
    storage: Quantity | None = None


class OwnerGroups(StrictModel):
    """Identity-provider groups bound to the tenant's namespaced roles (never cluster-wide)."""

    admins: list[Group] = Field(min_length=1)
    viewers: list[Group] = Field(default_factory=list)


class EgressRule(StrictModel):
    """A destination the tenant's workloads may reach beyond DNS and their own namespace."""

    cidr: str
    ports: list[Annotated[int, Field(ge=1, le=65535)]] = Field(default_factory=lambda: [443], min_length=1)
    protocol: Literal["TCP", "UDP"] = "TCP"
    acknowledge_internet: Annotated[str, StringConstraints(min_length=10, max_length=256)] | None = None
    """Why a GDPR or HIPAA tenant may reach the whole internet (required with 0.0.0.0/0 or ::/0 for them)."""

    @property
    def is_internet(self) -> bool:
        return ipaddress.ip_network(self.cidr).prefixlen == 0

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, value: str) -> str:
        try:
            return str(ipaddress.ip_network(value, strict=True))
        except ValueError as err:
            raise ValueError(f"not a CIDR block ({err}); write e.g. 10.20.0.0/16") from None


class TenantSpec(StrictModel):
    id: TenantId
    """DNS-safe, unique within the stack; names every resource of the tenant. Never change it."""
    display_name: Text
    tier: Tier
    compliance: list[Framework] = Field(default_factory=list)
    cloud: Cloud = "none"
    """Where the tenant's keys, storage and identity live; ``none`` for Kubernetes only."""
    region: str | None = None
    """Cloud region; defaults to the stack's region for that cloud."""
    data_residency: Residency = "any"
    owner_groups: OwnerGroups
    quotas: Quotas = Field(default_factory=Quotas)
    cost_center: CostCenter
    allowed_egress: list[EgressRule] = Field(default_factory=list)
    data_deletion: Literal["retain", "delete"] = "retain"
    """What happens to keys, buckets and vaults when the tenant is removed from the stack."""
    tags: dict[Annotated[str, StringConstraints(min_length=1, max_length=63)], Text] = Field(default_factory=dict)
    budget: Budget | None = None
    """A monthly budget on the tenant's cloud, scoped to its ``tenant`` tag/label (components/tenant/budget.py)."""

    @field_validator("compliance")
    @classmethod
    def _unique_frameworks(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("lists a framework twice")
        return value

    @model_validator(mode="after")
    def _rules(self) -> "TenantSpec":
        if "hipaa" in self.compliance and self.tier == "free":
            raise ValueError("HIPAA tenants cannot be on the free tier: set tier to standard or above")
        if self.data_deletion == "delete" and self.tier in conventions.PRODUCTION_TIERS:
            raise ValueError(
                f"dataDeletion: delete is not allowed for the {self.tier} tier: production data is always retained"
            )
        if self.cloud == "none":
            if self.region is not None:
                raise ValueError("region is set but cloud is none: set cloud to aws, gcp or azure, or remove region")
        elif self.region is not None and not clouds.cloud(self.cloud).valid_region(self.region):
            raise ValueError(f"region {self.region!r} is not a {self.cloud} region name")
        return self

    @property
    def frameworks(self) -> tuple[str, ...]:
        return tuple(self.compliance)

    @property
    def requires_eu(self) -> bool:
        return "gdpr" in self.compliance or self.data_residency == "eu"


Placement = tuple[str, str, str]


def placement_problems(
    spec: TenantSpec, *, environment: str, cluster: KubernetesSettings | None, settings: Any, region: str | None,
    monitoring: Any = None,
) -> list[Placement]:  # fmt: skip
    """Checks of a tenant against the stack it lives in: ``(scope, key, message)``.

    ``scope`` is ``"tenant"`` (``key`` is a key of the tenant spec) or ``"stack"`` (``key`` is a
    stack-level key such as ``kubernetes.oidcIssuerUrl``); callers turn them into their own paths
    (``plinth:tenants[2].region`` in a stack file, ``args.region`` for a component).
    """
    problems = _cloud_problems(spec, settings, region) + _egress_problems(spec)
    if cluster is not None:
        problems += _cluster_problems(spec, cluster)
    if spec.budget is not None:
        resolved = budgets.resolved(spec.budget, monitoring)
        problems.extend(("tenant", key, message) for key, message in budgets.problems(resolved, spec.cloud, settings))
    if spec.data_deletion == "delete" and environment == "prod":
        problems.append(("tenant", "dataDeletion", "tenant data is never deleted in a prod stack; use retain"))
    return problems


def _cloud_problems(spec: TenantSpec, settings: Any, region: str | None) -> list[Placement]:
    problems: list[Placement] = []
    if spec.cloud == "none":
        return problems
    if settings is None:
        problems.append(
            ("tenant", "cloud", f"tenant uses {spec.cloud} but the stack has no plinth:{spec.cloud} settings")
        )
    if region:
        is_eu = clouds.is_eu_region(spec.cloud, region)
        if spec.requires_eu and not is_eu:
            why = "GDPR tenants" if "gdpr" in spec.compliance else "tenants with dataResidency eu"
            problems.append(("tenant", "region", f"{why} must be in an EU region; {region!r} is not"))
        if spec.data_residency == "us" and is_eu:
            problems.append(("tenant", "region", f"dataResidency is us but {region!r} is an EU region"))
    if spec.cloud == "gcp" and settings is not None:
        problems.extend(("tenant", "id", m) for m in conventions.gcs_bucket_name_problems(spec.id, settings.project))
    return problems


def _egress_problems(spec: TenantSpec) -> list[Placement]:
    regulated = "/".join(sorted({"gdpr", "hipaa"} & set(spec.compliance)))
    return [
        (
            "tenant",
            f"allowedEgress[{i}].cidr",
            f"{rule.cidr} lets a {regulated} tenant's pods send data anywhere on the internet; "
            "name the destinations, or set acknowledgeInternet: <why> on this rule",
        )
        for i, rule in enumerate(spec.allowed_egress)
        if rule.is_internet and regulated and rule.acknowledge_internet is None
    ]


def _cluster_problems(spec: TenantSpec, cluster: KubernetesSettings) -> list[Placement]:
    problems: list[Placement] = []
    tenant_ns = conventions.namespace_name(spec.id)
    for key in ("monitoringNamespace", "ingressNamespace"):
        if getattr(cluster, snake_case(key)) == tenant_ns:
            problems.append(
                (
                    "stack",
                    f"kubernetes.{key}",
                    f"{tenant_ns!r} is tenant {spec.id}'s namespace: a platform namespace is never a tenant's "
                    "(its pods would be trusted by every tenant's network policies)",
                )
            )
    federates = spec.cloud in ("aws", "azure") or (spec.cloud == "gcp" and cluster.distribution != "gke")
    if federates and cluster.oidc_issuer_url is None:
        hint = " (or distribution: gke for GKE Workload Identity)" if spec.cloud == "gcp" else ""
        problems.append(
            (
                "stack",
                "kubernetes.oidcIssuerUrl",
                f"tenant {spec.id!r} needs workload identity on {spec.cloud}: set the cluster's OIDC issuer URL{hint}",
            )
        )
    return problems


def region_of(spec: TenantSpec, settings: Any) -> str | None:
    """The tenant's region, else the default region of its cloud's settings (None without them)."""
    if spec.region or spec.cloud == "none":
        return spec.region
    return clouds.cloud(spec.cloud).default_region(settings) if settings is not None else None


__all__ = [
    "TenantSpec",
    "Budget",
    "Quotas",
    "OwnerGroups",
    "EgressRule",
    "Tier",
    "Framework",
    "Cloud",
    "DnsLabel",
    "placement_problems",
    "region_of",
]
