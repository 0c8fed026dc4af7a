"""The stack config: pydantic models of everything under ``plinth:`` and their validation.

:func:`parse` is the one validation; :mod:`components.stackfiles` feeds it from a stack file
(offline) or from the config the Pulumi CLI hands the program. Every error names the stack
file, the key path (``plinth:tenants[2].tier``), what was found and what is allowed, and all
errors of a file are reported at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Mapping, TypeVar

from pydantic import Field, StringConstraints, ValidationError

from components import capabilities, clouds
from components.args import problems_from
from components.base import StrictModel, find_secrets
from components.capability import Capability, Problem
from components.cluster import KubernetesSettings

NAMESPACE = "plinth"
T = TypeVar("T")


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------
TagKey = Annotated[str, StringConstraints(min_length=1, max_length=63, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/=+@-]*$")]
TagValue = Annotated[str, StringConstraints(max_length=256)]
#: Sections this version does not ship; setting one is an error (a typo is never silently ignored).
RESERVED: dict[str, str] = {}


class StackConfig(StrictModel):
    """Everything a stack declares under the ``plinth:`` namespace.

    The cloud settings (``aws``, ``gcp``, ``azure``: :mod:`components.clouds`) and each capability's
    section (``tenants``, ``monitoring``, ...: :mod:`components.capabilities`) are added to this model
    when it is composed; read them with :meth:`cloud_settings` and :meth:`section`.
    """

    environment: Literal["dev", "staging", "prod"]
    tags: dict[TagKey, TagValue] = Field(default_factory=dict)
    """Extra tags/labels on every resource; they win over Plinth's defaults."""
    kubernetes: KubernetesSettings | None = None

    def cloud_settings(self, name: str) -> Any:
        """The stack's settings of cloud ``name`` (``plinth:<name>``), or None."""
        return getattr(self, name, None)

    def section(self, capability: Capability[T]) -> T:
        return capability.section(self)

    def tenant_region(self, tenant: Any) -> str | None:
        """The tenant's region, falling back to the stack's region of the tenant's cloud."""
        return region_of_tenant(tenant, self)


def _reserved(value: Any, info: Any) -> Any:
    if value is not None:
        raise ValueError(f"{info.field_name} is not available in this version of Plinth yet; remove the key")
    return value


def _compose() -> type[StackConfig]:
    """The stack-config model: the core fields, one per cloud, one per capability, the reserved ones."""
    from pydantic import create_model, field_validator

    fields: dict[str, Any] = {name: (entry.settings | None, None) for name, entry in clouds.CLOUDS.items()}
    for cap in capabilities.CAPABILITIES:
        default = (
            Field(default_factory=cap.default_factory, **cap.field_options)
            if cap.default_factory
            else Field(cap.default, **cap.field_options)
        )
        fields[cap.key] = (cap.annotation, default)
    reserved = [key for key in RESERVED if key not in fields]
    for key in reserved:
        fields[key] = (Any, None)
    validators = {"_reserved": field_validator(*reserved)(_reserved)} if reserved else {}
    model: type[StackConfig] = create_model(
        "StackConfig", __base__=StackConfig, __validators__=validators, **fields
    )
    return model


def region_of_tenant(tenant: Any, cfg: StackConfig) -> str | None:
    """A tenant's region: its own, else the stack's region of its cloud (None without that cloud)."""
    if tenant.region or tenant.cloud == "none":
        return str(tenant.region) if tenant.region else None
    settings = cfg.cloud_settings(tenant.cloud)
    return clouds.cloud(tenant.cloud).default_region(settings) if settings is not None else None


def cross_check(cfg: StackConfig) -> list[Problem]:
    """Rules spanning sections, from every capability; returns ``(key path, message)`` pairs."""
    problems: list[Problem] = []
    for cap in capabilities.CAPABILITIES:
        if cap.check is not None:
            problems.extend(cap.check(cfg, cap.section(cfg)))
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


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------
def parse(
    raw: Mapping[str, Any],
    *,
    source: str,
    secret_keys: set[str] | frozenset[str] = frozenset(),
    secure_paths: set[str] | frozenset[str] = frozenset(),
) -> StackConfig:
    """Validate the ``plinth:`` values of a stack (keys without the namespace).

    A credential is accepted only when it came from encrypted config: its key path is one of
    ``secure_paths`` (paths that are ``secure:`` in the stack file, as ``pulumi config set --secret
    --path`` records them), or its top-level key is one of ``secret_keys`` (keys the CLI marked
    secret whose source records no paths, e.g. an ESC environment).
    """
    try:
        cfg = MODEL.model_validate(dict(raw))
    except ValidationError as err:
        raise ConfigError(source, problems_from(err, MODEL)) from None
    problems = cross_check(cfg)
    for path, _secret in find_secrets(cfg):
        encrypted = path in secure_paths or path.split(".")[0].split("[")[0] in secret_keys
        if not encrypted:
            problems.append(
                (
                    path,
                    "is a credential and must be encrypted: run "
                    f"pulumi config set --secret --path '{NAMESPACE}:{path}' <value>",
                )
            )
    if problems:
        raise ConfigError(source, problems)
    return cfg


#: The composed stack-config model (validate with :func:`parse`).
MODEL: type[StackConfig] = _compose()
