"""Builders that keep each policy module small: metadata, type filter, config schema, suppressions.

A policy module defines ``POLICY = resource_policy(...)`` or ``stack_policy(...)`` with a pure
``check`` that yields violation messages. Words for people (description, remediation) live in
the metadata; the check only decides. Props are read exactly as the engine sends them (camelCase,
numbers as floats); reading a value that is unknown at preview raises the policy SDK's
UnknownValueError, which the SDK reports as "can't run policy during preview" - never a pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ResourceValidationPolicy,
    Severity,
    StackValidationPolicy,
)

from policies import frameworks, suppressions

NAME_PATTERN = re.compile(r"^(aws|gcp|azure|kubernetes|stack)(-[a-z0-9]+){3,}$")
PACKS = ("security", "compliance", "cost")
_LEVELS = {
    "advisory": EnforcementLevel.ADVISORY,
    "mandatory": EnforcementLevel.MANDATORY,
    "remediate": EnforcementLevel.REMEDIATE,
    "disabled": EnforcementLevel.DISABLED,
}
_SEVERITIES = {"low": Severity.LOW, "medium": Severity.MEDIUM, "high": Severity.HIGH, "critical": Severity.CRITICAL}


@dataclass(frozen=True)
class Meta:
    name: str
    description: str
    pack: str
    severity: str
    frameworks: tuple[str, ...]
    remediation: str
    enforcement: str
    never_waive: bool
    kind: str  # "resource" | "stack"
    types: tuple[str, ...] = field(default=())


REGISTRY: dict[str, Meta] = {}


def _register(meta: Meta) -> None:
    if not NAME_PATTERN.match(meta.name):
        raise ValueError(f"policy name {meta.name!r} does not follow <cloud>-<service>-<resource>-<verb>")
    if meta.pack not in PACKS:
        raise ValueError(f"{meta.name}: pack must be one of {PACKS}")
    for ref in meta.frameworks:
        frameworks.control(ref)  # KeyError for an id missing from the catalogue
    if meta.name in REGISTRY and REGISTRY[meta.name] != meta:
        raise ValueError(f"policy {meta.name} defined twice")
    REGISTRY[meta.name] = meta


def reads_type(reads: tuple[str, ...], resource_type: str) -> bool:
    """Whether a stack policy declaring ``reads`` looks at ``resource_type`` (empty: all)."""
    if not reads:
        return True
    return resource_type in reads or any(r.endswith(":") and resource_type.startswith(r) for r in reads)


def _schema(config: dict[str, Any] | None) -> PolicyConfigSchema:
    return PolicyConfigSchema(properties={**(config or {}), "suppressions": suppressions.SCHEMA})


def _meta(name, description, pack, severity, refs, remediation, enforcement, never_waive, kind, types=()) -> Meta:
    return Meta(name, description, pack, severity, tuple(refs), remediation, enforcement, never_waive, kind, tuple(types))


def resource_policy(
    *,
    name: str,
    description: str,
    pack: str,
    types: Iterable[str],
    check: Callable[[Any, dict[str, Any]], Iterable[str] | None],
    severity: str,
    frameworks: Iterable[str],
    remediation: str,
    enforcement: str = "advisory",
    config: dict[str, Any] | None = None,
    never_waive: bool = False,
    remediate: Callable[[Any, dict[str, Any], str], dict[str, Any] | None] | None = None,
) -> ResourceValidationPolicy:
    types = tuple(types)
    meta = _meta(name, description, pack, severity, frameworks, remediation, enforcement, never_waive, "resource", types)
    _register(meta)

    def validate(args, report_violation) -> None:
        if args.resource_type not in types:
            return
        cfg = dict(args.get_config() or {})
        waivers = suppressions.parse(cfg.get("suppressions"))
        for message in check(args.props, cfg) or ():
            final = suppressions.decide(message, args.urn, args.name, waivers, never_waive=never_waive)
            if final:
                report_violation(final)

    def do_remediate(args):
        if args.resource_type not in types:
            return None
        return remediate(args.props, dict(args.get_config() or {}), args.resource_type)

    policy = ResourceValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=_LEVELS[enforcement],
        config_schema=_schema(config),
        remediate=do_remediate if remediate else None,
        severity=_SEVERITIES[severity],
        tags=list(meta.frameworks),
        remediation_steps=remediation,
    )
    policy.meta = meta
    policy.check = check
    return policy


def stack_policy(
    *,
    name: str,
    description: str,
    pack: str,
    check: Callable[[list[Any], dict[str, Any]], Iterable[tuple[str, Any]] | None],
    severity: str,
    frameworks: Iterable[str],
    remediation: str,
    enforcement: str = "advisory",
    config: dict[str, Any] | None = None,
    never_waive: bool = False,
    reads: Iterable[str] = (),
) -> StackValidationPolicy:
    """``check(resources, config)`` yields ``(message, resource or None)``.

    ``reads`` lists the resource types the check looks at (a type token, or a package prefix
    such as ``"aws:"``); the check only ever sees those, so a tool that knows it may send the
    policy just those. Empty means every resource.
    """
    reads = tuple(reads)
    meta = _meta(name, description, pack, severity, frameworks, remediation, enforcement, never_waive, "stack", reads)
    _register(meta)

    def validate(args, report_violation) -> None:
        cfg = dict(args.get_config() or {})
        waivers = suppressions.parse(cfg.get("suppressions"))
        resources = [r for r in args.resources if reads_type(reads, r.resource_type)]
        for message, resource in check(resources, cfg) or ():
            urn = getattr(resource, "urn", "") or ""
            res_name = getattr(resource, "name", "") or ""
            final = suppressions.decide(message, urn, res_name, waivers, never_waive=never_waive)
            if final:
                report_violation(final, urn or None)

    policy = StackValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=_LEVELS[enforcement],
        config_schema=_schema(config),
        severity=_SEVERITIES[severity],
        tags=list(meta.frameworks),
        remediation_steps=remediation,
    )
    policy.meta = meta
    policy.check = check
    return policy
