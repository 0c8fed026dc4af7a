"""The stack config: pydantic models of everything under ``plinth:`` and their validation.

:func:`parse` is the one validation; :mod:`components.stackfiles` feeds it from a stack file
(offline) or from the config the Pulumi CLI hands the program. Every error names the stack
file, the key path (``plinth:tenants[2].tier``), what was found and what is allowed, and all
errors of a file are reported at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Mapping

from pydantic import Field, StringConstraints, ValidationError, field_validator

from components import conventions
from components.base import DnsLabel, StrictModel, find_secrets
from components.monitoring.spec import MonitoringSpec
from components.tenant.spec import TenantSpec

NAMESPACE = "plinth"


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------
HttpsUrl = Annotated[str, StringConstraints(pattern=r"^https://[^\s/]+(/[^\s]*)?$", max_length=512)]
Uuid = Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")]
TagKey = Annotated[str, StringConstraints(min_length=1, max_length=63, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/=+@-]*$")]
TagValue = Annotated[str, StringConstraints(max_length=256)]


class KubernetesSettings(StrictModel):
    """The cluster tenants are isolated on."""

    context: str | None = None
    """kubeconfig context for the Kubernetes provider; unset uses the ambient kubeconfig."""
    version: Annotated[str, StringConstraints(pattern=r"^1\.\d{2}$")] = "1.33"
    """Kubernetes minor version objects are validated against."""
    oidc_issuer_url: HttpsUrl | None = None
    """The cluster's service-account token issuer; needed for cloud workload identity."""
    monitoring_namespace: DnsLabel = conventions.MONITORING_NAMESPACE
    ingress_namespace: DnsLabel = conventions.INGRESS_NAMESPACE


class AwsSettings(StrictModel):
    region: Annotated[str, StringConstraints(pattern=conventions.REGION_PATTERNS["aws"])]
    account_id: Annotated[str, StringConstraints(pattern=r"^\d{12}$")]
    """The account the stack deploys to (for key policies and IRSA trust)."""


class GcpSettings(StrictModel):
    project: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")]
    region: Annotated[str, StringConstraints(pattern=conventions.REGION_PATTERNS["gcp"])]
    project_number: Annotated[str, StringConstraints(pattern=r"^\d{6,20}$")]
    """Numeric project id: names the Cloud Storage service agent that must use tenant keys (CMEK)."""


class AzureSettings(StrictModel):
    location: Annotated[str, StringConstraints(pattern=conventions.REGION_PATTERNS["azure"])]
    tenant_id: Uuid
    """The Entra ID (Azure AD) tenant that Key Vaults trust."""
    subscription_id: Uuid


class NotYetAvailable(StrictModel):
    """A section reserved for a capability this version of Plinth does not ship yet."""

    model_config = StrictModel.model_config | {"extra": "forbid"}


class StackConfig(StrictModel):
    """Everything a stack declares under the ``plinth:`` namespace."""

    environment: Literal["dev", "staging", "prod"]
    tags: dict[TagKey, TagValue] = Field(default_factory=dict)
    """Extra tags/labels on every resource; they win over Plinth's defaults."""
    kubernetes: KubernetesSettings | None = None
    aws: AwsSettings | None = None
    gcp: GcpSettings | None = None
    azure: AzureSettings | None = None
    tenants: list[TenantSpec] = Field(default_factory=list, max_length=5000)
    monitoring: MonitoringSpec | None = None
    backup: Any = None
    deployments: Any = None

    @field_validator("backup", "deployments")
    @classmethod
    def _not_yet(cls, value: Any, info: Any) -> Any:
        if value is not None:
            raise ValueError(f"{info.field_name} is not available in this version of Plinth yet; remove the key")
        return value

    def tenant_region(self, tenant: TenantSpec) -> str | None:
        """The tenant's region, falling back to the stack's region of the tenant's cloud."""
        if tenant.region or tenant.cloud == "none":
            return tenant.region
        settings = getattr(self, tenant.cloud)
        if settings is None:
            return None
        return settings.location if tenant.cloud == "azure" else settings.region


def cross_check(cfg: StackConfig) -> list[tuple[str, str]]:
    """Rules spanning sections; returns ``(key path, message)`` pairs."""
    problems: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for i, tenant in enumerate(cfg.tenants):
        at = f"tenants[{i}]"
        if tenant.id in seen:
            problems.append((f"{at}.id", f"duplicate tenant id {tenant.id!r} (also tenants[{seen[tenant.id]}])"))
        seen.setdefault(tenant.id, i)
        if tenant.cloud != "none" and getattr(cfg, tenant.cloud) is None:
            problems.append((f"{at}.cloud", f"tenant uses {tenant.cloud} but the stack has no plinth:{tenant.cloud} settings"))
        region = cfg.tenant_region(tenant)
        if tenant.requires_eu and tenant.cloud != "none" and region and not conventions.is_eu_region(tenant.cloud, region):
            why = "GDPR tenants" if "gdpr" in tenant.compliance else "tenants with dataResidency eu"
            problems.append((f"{at}.region", f"{why} must be in an EU region; {region!r} is not"))
        if tenant.data_residency == "us" and tenant.cloud != "none" and region and conventions.is_eu_region(tenant.cloud, region):
            problems.append((f"{at}.region", f"dataResidency is us but {region!r} is an EU region"))
        if tenant.data_deletion == "delete" and cfg.environment == "prod":
            problems.append((f"{at}.dataDeletion", "tenant data is never deleted in a prod stack; use retain"))
        if tenant.cloud in ("aws", "azure") and cfg.kubernetes is not None and cfg.kubernetes.oidc_issuer_url is None:
            problems.append(
                ("kubernetes.oidcIssuerUrl", f"tenant {tenant.id!r} needs workload identity on {tenant.cloud}: set the cluster's OIDC issuer URL")
            )
    if cfg.monitoring is not None:
        ids = {t.id for t in cfg.tenants}
        for i, s in enumerate(cfg.monitoring.slos):
            if s.tenant is not None and s.tenant not in ids:
                problems.append((f"monitoring.slos[{i}].tenant", f"no tenant {s.tenant!r} in plinth:tenants"))
        if cfg.kubernetes is not None and cfg.monitoring.namespace != cfg.kubernetes.monitoring_namespace:
            problems.append(
                ("monitoring.namespace", f"is {cfg.monitoring.namespace!r} but tenants admit scrapes from kubernetes.monitoringNamespace {cfg.kubernetes.monitoring_namespace!r}; use the same namespace")
            )
        if cfg.monitoring.cloudwatch and cfg.aws is None:
            problems.append(("monitoring.cloudwatch", "CloudWatch alarms need plinth:aws settings"))
        if cfg.kubernetes is None and not cfg.monitoring.cloudwatch and cfg.monitoring.slos:
            problems.append(("monitoring", "SLOs need a cluster (plinth:kubernetes) or CloudWatch alarms (monitoring.cloudwatch) to run on"))
    return problems


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------
@dataclass
class ConfigError(Exception):
    """One or more problems in one stack file; ``str()`` is one line per problem."""

    source: str
    problems: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        lines = []
        for path, message in self.problems:
            key = f"{NAMESPACE}:{path}" if path else ""
            lines.append(f"{self.source}: {key + ': ' if key else ''}{message}")
        return "\n".join(lines)


def _key_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _allowed_keys(model: type, loc: tuple[Any, ...]) -> list[str] | None:
    """The keys a model accepts at ``loc`` (for 'unknown key' errors)."""
    from typing import get_args

    from pydantic import BaseModel

    def models_in(annotation: Any) -> list[type]:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return [annotation]
        found: list[type] = []
        for arg in get_args(annotation):
            found.extend(models_in(arg))
        return found

    current: list[type] = [model]
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        nxt: list[type] = []
        for m in current:
            for name, info in m.model_fields.items():
                if part in (name, info.alias):
                    nxt.extend(models_in(info.annotation))
        current = nxt
    keys = sorted({(info.alias or name) for m in current for name, info in m.model_fields.items()})
    return keys or None


def _describe(err: Mapping[str, Any]) -> str:
    kind = err["type"]
    found = err.get("input")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    message = err["msg"]
    message = re.sub(r"^(Value error|Assertion failed), ", "", message)
    if isinstance(found, (str, int, float, bool)) and kind not in ("value_error",):
        shown = found if not (isinstance(found, str) and len(found) > 60) else found[:57] + "..."
        message = f"{message} (found {shown!r})"
    return message


def _problems_from(err: ValidationError) -> list[tuple[str, str]]:
    problems = []
    for e in err.errors():
        loc = tuple(e["loc"])
        message = _describe(e)
        if e["type"] == "extra_forbidden":
            allowed = _allowed_keys(StackConfig, loc)
            if allowed:
                message += f"; allowed keys here: {', '.join(allowed)}"
        problems.append((_key_path(loc), message))
    return problems


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------
def parse(
    raw: Mapping[str, Any],
    *,
    source: str,
    secret_keys: set[str] | frozenset[str] = frozenset(),
    secure_paths: set[str] | None = None,
) -> StackConfig:
    """Validate the ``plinth:`` values of a stack (keys without the namespace).

    ``secure_paths`` (offline: the key paths that were ``secure:`` in YAML) or, when ``None``,
    ``secret_keys`` (with the CLI: top-level keys it marked secret) decide whether every
    credential really came from encrypted config.
    """
    try:
        cfg = StackConfig.model_validate(dict(raw))
    except ValidationError as err:
        raise ConfigError(source, _problems_from(err)) from None
    problems = cross_check(cfg)
    for path, _secret in find_secrets(cfg):
        encrypted = path in secure_paths if secure_paths is not None else path.split(".")[0].split("[")[0] in secret_keys
        if not encrypted:
            problems.append(
                (path, f"is a credential and must be encrypted: run pulumi config set --secret --path '{NAMESPACE}:{path}' <value>")
            )
    if problems:
        raise ConfigError(source, problems)
    return cfg
