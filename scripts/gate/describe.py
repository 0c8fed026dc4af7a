"""What a running Plinth pack says about itself, and which resources each pack is sent.

A Plinth pack started with ``PLINTH_POLICY_DESCRIBE=<file>`` writes, before it serves, the JSON

    {"pack": ..., "version": ..., "policies": {"<name>": {"kind": "resource" | "stack",
     "types": [<type token or package prefix like "aws:">, ...], "severity": ..., "frameworks": [...],
     "neverWaive": bool}}, "reconfigurable": true}

``reconfigurable`` (optional) says the pack, started with ``PLINTH_POLICY_RECONFIGURE=1``, adopts the stack
each ConfigureStack names, so one process can serve many stacks (the fleet gate, :class:`scripts.gate.Session`).

Resource policies look only at their types and stack policies read only theirs (``[]``: every
resource), so a pack is sent just those resources. The description comes from the pack process
actually running (``--pack`` of another version describes itself), never from the installed
packages. A pack that wrote nothing, or a description that does not cover every policy the pack
serves, gets every resource, as from the engine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

ENV = "PLINTH_POLICY_DESCRIBE"
#: Asks a Plinth pack to adopt the stack of each ConfigureStack (policies/sdk.py RECONFIGURE_ENV).
RECONFIGURE_ENV = "PLINTH_POLICY_RECONFIGURE"


@dataclass(frozen=True)
class PolicyDescription:
    kind: str
    types: tuple[str, ...]
    severity: str = ""
    frameworks: tuple[str, ...] = ()
    never_waive: bool = False


@dataclass(frozen=True)
class PackDescription:
    pack: str
    version: str
    policies: dict[str, PolicyDescription]
    #: The pack adopts the stack each ConfigureStack names (one process, many stacks).
    reconfigurable: bool = False


def read(path: Path) -> PackDescription | None:
    """The description a pack wrote, or None (no file, or not the agreed shape: route everything)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        policies = {
            name: PolicyDescription(
                kind=str(p["kind"]),
                types=tuple(_strings(p["types"])),
                severity=str(p.get("severity", "")),
                frameworks=tuple(_strings(p.get("frameworks", []))),
                never_waive=bool(p.get("neverWaive", False)),
            )
            for name, p in doc["policies"].items()
        }
        if any(p.kind not in ("resource", "stack") for p in policies.values()):
            return None
        return PackDescription(
            pack=str(doc["pack"]),
            version=str(doc.get("version", "")),
            policies=policies,
            reconfigurable=doc.get("reconfigurable") is True,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("expected a list of strings")
    return value


def matches(types: Iterable[str], resource_type: str) -> bool:
    """Whether a resource type is one of ``types`` (exact tokens, or package prefixes ending in ":")."""
    return any(t == resource_type or (t.endswith(":") and resource_type.startswith(t)) for t in types)


@dataclass(frozen=True)
class Routing:
    """Which resources one pack is sent (``None``: every resource)."""

    resource_types: frozenset[str] | None = None
    stack_reads: frozenset[str] | None = None

    def analyzes(self, resource_type: str) -> bool:
        return self.resource_types is None or matches(self.resource_types, resource_type)

    def reads(self, resource_type: str) -> bool:
        return self.stack_reads is None or matches(self.stack_reads, resource_type)


def routing(description: PackDescription | None, kinds: Mapping[str, str]) -> Routing:
    """Routing for a pack serving the policies ``kinds`` (name -> "resource" | "stack", from GetAnalyzerInfo).

    Only a description that covers every policy the pack serves narrows what it is sent; a
    policy that declares no types looks at everything.
    """
    if description is None or any(name not in description.policies for name in kinds):
        return Routing()
    resource = [description.policies[n] for n, kind in kinds.items() if kind == "resource"]
    stack = [description.policies[n] for n, kind in kinds.items() if kind == "stack"]
    return Routing(
        resource_types=None if any(not p.types for p in resource) else frozenset(t for p in resource for t in p.types),
        stack_reads=None if any(not p.types for p in stack) else frozenset(t for p in stack for t in p.types),
    )
