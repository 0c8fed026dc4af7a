"""What the gate analyses: resources read from an offline plan, a `pulumi preview --json` file or
a `pulumi stack export` file, in one shape."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_PREFIX = "pulumi:providers:"
# Secret values in a stack export: {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ...}
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


class InputError(Exception):
    """The input cannot be analysed (unreadable, wrong shape); the message names the file."""


@dataclass
class Resource:
    urn: str
    type: str
    name: str
    custom: bool
    properties: dict[str, Any]
    parent: str = ""
    provider: str = ""
    protect: bool = False
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    additional_secret_outputs: list[str] = field(default_factory=list)
    ignore_changes: list[str] = field(default_factory=list)


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _plain_secrets(value: Any) -> Any:
    """Stack exports wrap secrets; analyzers receive them as secret values (here: redacted)."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG_KEY) == SECRET_SIG:
            return "[secret]"
        return {k: _plain_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_secrets(v) for v in value]
    return value


def from_preview(doc: dict[str, Any], source: str = "preview") -> list[Resource]:
    """Resources of a preview (Plinth's plan or `pulumi preview --json`): the state after the step."""
    steps = doc.get("steps")
    if not isinstance(steps, list):
        raise InputError(f"{source}: no 'steps' list: not a preview JSON (pulumi preview --json or plinth preview --format json)")
    out: list[Resource] = []
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            raise InputError(f"{source}: steps[{i}] is not an object")
        if step.get("op") in ("delete", "discard", "delete-replaced", "read-discard", "remove-pending-replace"):
            continue
        state = step.get("newState") or step.get("oldState")
        if not isinstance(state, dict) or "type" not in state or "urn" not in state:
            raise InputError(f"{source}: steps[{i}] has no newState with urn and type")
        props = state.get("inputs") if state.get("inputs") is not None else state.get("outputs", {})
        out.append(
            Resource(
                urn=state["urn"], type=state["type"], name=_name(state["urn"]), custom=bool(state.get("custom", True)),
                properties=_plain_secrets(props or {}), parent=state.get("parent", "") or "",
                provider=state.get("provider", "") or "", protect=bool(state.get("protect", False)),
                dependencies=list(state.get("dependencies") or []),
                property_dependencies=dict(state.get("propertyDependencies") or {}),
                additional_secret_outputs=list(state.get("additionalSecretOutputs") or []),
                ignore_changes=list(state.get("ignoreChanges") or []),
            )
        )
    return out


def from_state(doc: dict[str, Any], source: str = "state") -> list[Resource]:
    """Resources of a `pulumi stack export` file (deployment.resources), as deployed (outputs)."""
    deployment = doc.get("deployment") if isinstance(doc, dict) else None
    resources = deployment.get("resources") if isinstance(deployment, dict) else None
    if not isinstance(resources, list):
        raise InputError(f"{source}: no deployment.resources: not a `pulumi stack export` file")
    out: list[Resource] = []
    for i, res in enumerate(resources):
        if not isinstance(res, dict) or "urn" not in res or "type" not in res:
            raise InputError(f"{source}: deployment.resources[{i}] has no urn and type")
        if res.get("delete"):
            continue  # pending deletion: not part of the stack any more
        props = dict(res.get("inputs") or {})
        props.update(res.get("outputs") or {})
        out.append(
            Resource(
                urn=res["urn"], type=res["type"], name=_name(res["urn"]), custom=bool(res.get("custom", False)),
                properties=_plain_secrets(props), parent=res.get("parent", "") or "", provider=res.get("provider", "") or "",
                protect=bool(res.get("protect", False)), dependencies=list(res.get("dependencies") or []),
                property_dependencies=dict(res.get("propertyDependencies") or {}),
                additional_secret_outputs=list(res.get("additionalSecretOutputs") or []),
            )
        )
    return out


def read_json(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text()
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{path}: not JSON: {err.msg} at line {err.lineno} column {err.colno}") from None
    if not isinstance(doc, dict):
        raise InputError(f"{path}: expected a JSON object")
    return doc
