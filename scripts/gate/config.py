"""Policy config reconciled as the Pulumi CLI does for `--policy-pack-config`.

Per policy: the policy's enforcement level and its schema defaults, then the pack's initial
config (``all``, then the policy), then the user's file (``all``, then the policy); properties
are validated against the policy's schema with jsonschema. An explicit enforcement level is
always sent, so a pack never falls back to a default the user did not see.

Every problem is reported at once, one line each, naming the file and the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import jsonschema

from scripts.gate.errors import PolicyConfigError
from scripts.pulumi_json import LEVELS

__all__ = [
    "LEVELS",
    "PolicyConfigError",
    "PolicyDescriptor",
    "Resolved",
    "check_structure",
    "reconcile",
    "unknown_policies",
]


@dataclass
class PolicyDescriptor:
    name: str
    enforcement_level: str
    config_schema: dict[str, Any] = field(default_factory=dict)  # {"properties": {...}, "required": [...]}


@dataclass
class Resolved:
    enforcement_level: str
    properties: dict[str, Any]


def _split(value: Any, where: str) -> tuple[str | None, dict[str, Any]]:
    """``"mandatory"`` or ``{"enforcementLevel": "mandatory", "key": value}`` -> (level, properties)."""
    if isinstance(value, str):
        level, props = value, {}
    elif isinstance(value, Mapping):
        props = dict(value)
        level = props.pop("enforcementLevel", None)
    else:
        raise PolicyConfigError(f"{where}: expected an enforcement level or an object, found {type(value).__name__}")
    if level is not None and level not in LEVELS:
        raise PolicyConfigError(f"{where}.enforcementLevel: {level!r} is not one of {', '.join(LEVELS)}")
    return level, props


def _raise_all(problems: list[str]) -> None:
    unique = list(dict.fromkeys(problems))
    if unique:
        raise PolicyConfigError("\n".join(unique))


def check_structure(user: Mapping[str, Any] | None, *, source: str = "policy config") -> None:
    """What can be checked without the packs (levels, shapes), so a bad file fails before any work."""
    problems = []
    for key, value in (user or {}).items():
        try:
            _, props = _split(value, f"{source}: {key}")
        except PolicyConfigError as err:
            problems.append(err.message)
            continue
        if key == "all" and props:
            problems.append(f"{source}: all: only enforcementLevel may be set for all policies")
    _raise_all(problems)


def _schema_problems(policy: PolicyDescriptor, props: dict[str, Any], source: str) -> list[str]:
    schema_props = policy.config_schema.get("properties") or {}
    if not props and not schema_props:
        return []
    schema: dict[str, Any] = {
        "type": "object",
        "properties": schema_props,
        "required": policy.config_schema.get("required") or [],
    }
    if schema_props:
        schema["additionalProperties"] = False
    problems = []
    for err in sorted(jsonschema.Draft7Validator(schema).iter_errors(props), key=lambda e: [str(p) for p in e.path]):
        path = ".".join(str(p) for p in err.path)
        problems.append(f"{source}: {policy.name}{'.' + path if path else ''}: {err.message}")
    return problems


def _resolve(policy: PolicyDescriptor, layers: list[tuple[str, Mapping[str, Any]]]) -> tuple[Resolved, list[str]]:
    schema_props = policy.config_schema.get("properties") or {}
    level = policy.enforcement_level
    props = {k: v["default"] for k, v in schema_props.items() if isinstance(v, Mapping) and "default" in v}
    problems = []
    for label, layer in layers:
        for key in ("all", policy.name):
            if key not in layer:
                continue
            try:
                new_level, new_props = _split(layer[key], f"{label}: {key}")
            except PolicyConfigError as err:
                problems.append(err.message)
                continue
            level = new_level or level
            if key == policy.name:
                props.update(new_props)
            elif new_props:
                problems.append(f"{label}: all: only enforcementLevel may be set for all policies")
    return Resolved(level, props), problems


def reconcile(
    policies: list[PolicyDescriptor],
    initial: Mapping[str, Any] | None,
    user: Mapping[str, Any] | None,
    *,
    source: str = "policy config",
) -> dict[str, Resolved]:
    """The config each policy runs with; :class:`PolicyConfigError` lists every problem at once."""
    out: dict[str, Resolved] = {}
    layers = [("initial config", initial or {}), (source, user or {})]
    problems: list[str] = []
    for policy in policies:
        resolved, found = _resolve(policy, layers)
        problems += found or _schema_problems(policy, resolved.properties, source)
        out[policy.name] = resolved
    _raise_all(problems)
    return out


def unknown_policies(user: Mapping[str, Any] | None, known: set[str]) -> list[str]:
    return sorted(k for k in (user or {}) if k != "all" and k not in known)
