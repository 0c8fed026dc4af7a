"""Policy config reconciled as the Pulumi CLI does for `--policy-pack-config`.

Per policy: the policy's enforcement level and its schema defaults, then the pack's initial
config (``all``, then the policy), then the user's file (``all``, then the policy); properties
are validated against the policy's schema with jsonschema. An explicit enforcement level is
always sent, so a pack never falls back to a default the user did not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import jsonschema

LEVELS = ("advisory", "mandatory", "remediate", "disabled")


class PolicyConfigError(Exception):
    """A config value is wrong; the message names the file and the key."""


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


def reconcile(
    policies: list[PolicyDescriptor],
    initial: Mapping[str, Any] | None,
    user: Mapping[str, Any] | None,
    *,
    source: str = "policy config",
) -> dict[str, Resolved]:
    out: dict[str, Resolved] = {}
    layers = [("initial config", initial or {}), (source, user or {})]
    for policy in policies:
        schema_props = policy.config_schema.get("properties") or {}
        level = policy.enforcement_level
        props = {k: v["default"] for k, v in schema_props.items() if isinstance(v, Mapping) and "default" in v}
        for label, layer in layers:
            for key in ("all", policy.name):
                if key not in layer:
                    continue
                new_level, new_props = _split(layer[key], f"{label}: {key}")
                if new_level is not None:
                    level = new_level
                if key == policy.name:
                    props.update(new_props)
                elif new_props:
                    raise PolicyConfigError(f"{label}: all: only enforcementLevel may be set for all policies")
        if props or schema_props:
            schema = {"type": "object", "properties": schema_props, "required": policy.config_schema.get("required") or []}
            if schema_props:
                schema["additionalProperties"] = False
            errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(props), key=lambda e: list(e.path))
            if errors:
                err = errors[0]
                path = ".".join(str(p) for p in err.path)
                raise PolicyConfigError(f"{source}: {policy.name}{'.' + path if path else ''}: {err.message}")
        out[policy.name] = Resolved(level, props)
    return out


def unknown_policies(user: Mapping[str, Any] | None, known: set[str]) -> list[str]:
    return sorted(k for k in (user or {}) if k != "all" and k not in known)
