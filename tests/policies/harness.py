"""Run one policy the way the engine does: through the policy SDK's own analyzer servicer (with
Plinth's adapter, policies/sdk.py, and its patches installed as a pack installs them), with
properties sent as a protobuf Struct (camelCase, numbers as floats, unknowns as the engine's
sentinel) and config reconciled as the gate and the CLI do."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer

from policies import diagnostics, meta, sdk
from scripts.engine import UNKNOWN
from scripts.gate.config import PolicyDescriptor, reconcile
from scripts.gate.packs import LEVEL_VALUES, to_struct

LEVEL_NAMES = {0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate"}


@dataclass
class Outcome:
    """Diagnostics of one call, sorted as the gate sorts them (interfaces §2 and §3)."""

    violations: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    #: Violations an unexpired suppression waives (``[suppressed] ...``) and the level each came at.
    suppressed: list[str] = field(default_factory=list)
    suppressed_levels: list[str] = field(default_factory=list)
    #: ``[not checked] ...``: the policy could not evaluate the resource; and the level each came at.
    not_checked: list[str] = field(default_factory=list)
    not_checked_levels: list[str] = field(default_factory=list)
    urns: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.violations and not self.unknown and not self.not_checked


def _servicer(policy, config: dict[str, Any] | None):
    if isinstance(policy, meta.Policy):
        policy = sdk.build(policy)
    servicer = _PolicyAnalyzerServicer("test-pack", "0.0.1", [policy], EnforcementLevel.ADVISORY)
    info = servicer.GetAnalyzerInfo(None, None).policies[0]
    from google.protobuf import json_format

    schema = {
        "properties": json_format.MessageToDict(info.configSchema.properties),
        "required": list(info.configSchema.required),
    }
    level = LEVEL_NAMES[info.enforcementLevel]
    resolved = reconcile(
        [PolicyDescriptor(policy.name, level, schema)], None, {policy.name: config} if config else None
    )
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for name, value in resolved.items():
        request.policyConfig[name].CopyFrom(
            analyzer_pb2.PolicyConfig(
                enforcementLevel=LEVEL_VALUES[value.enforcement_level], properties=to_struct(value.properties)
            )
        )
    servicer.Configure(request, None)
    return servicer


def _outcome(response) -> Outcome:
    out = Outcome()
    for d in response.diagnostics:
        text = d.message.split("\n", 1)[1] if "\n" in d.message else d.message
        level = LEVEL_NAMES[d.enforcementLevel]
        if "during preview:" in d.message:
            out.unknown.append(d.message)
        elif text.startswith(diagnostics.SUPPRESSED_PREFIX):
            out.suppressed.append(text)
            out.suppressed_levels.append(level)
        elif text.startswith(diagnostics.NOT_CHECKED_PREFIX):
            out.not_checked.append(text)
            out.not_checked_levels.append(level)
        else:
            out.violations.append(text)
            out.levels.append(level)
            out.urns.append(d.urn)
    return out


def analyze(
    policy,
    type_: str,
    props: dict[str, Any],
    *,
    config: dict[str, Any] | None = None,
    name: str = "res",
    protect: bool = False,
) -> Outcome:
    servicer = _servicer(policy, config)
    request = analyzer_pb2.AnalyzeRequest(
        type=type_, properties=to_struct(props), urn=f"urn:pulumi:dev::p::{type_}::{name}", name=name
    )
    request.options.protect = protect
    return _outcome(servicer.Analyze(request, None))


def remediate(
    policy, type_: str, props: dict[str, Any], *, config: dict[str, Any] | None = None, name: str = "res"
) -> dict[str, Any] | None:
    """Run a remediate-level policy through the servicer's Remediate; the new props, or None when unchanged."""
    from google.protobuf import json_format

    servicer = _servicer(policy, config)
    request = analyzer_pb2.AnalyzeRequest(
        type=type_, properties=to_struct(props), urn=f"urn:pulumi:dev::p::{type_}::{name}", name=name
    )
    response = servicer.Remediate(request, None)
    for rem in response.remediations:
        if rem.diagnostic:
            raise AssertionError(rem.diagnostic)
        if rem.HasField("properties"):
            return json_format.MessageToDict(rem.properties)
    return None


def analyze_stack(policy, resources: list[dict[str, Any]], *, config: dict[str, Any] | None = None) -> Outcome:
    """resources: dicts with type, props, and optional name, protect, provider (props) and
    propertyDependencies ({prop: [resource name, ...]}, turned into URNs as the engine records them)."""
    servicer = _servicer(policy, config)
    request = analyzer_pb2.AnalyzeStackRequest()
    for i, r in enumerate(resources):
        item = request.resources.add()
        name = r.get("name", f"r{i}")
        item.type, item.name, item.urn = r["type"], name, f"urn:pulumi:dev::p::{r['type']}::{name}"
        item.properties.CopyFrom(to_struct(r["props"]))
        item.options.protect = r.get("protect", False)
        names = {other.get("name", f"r{j}"): other["type"] for j, other in enumerate(resources)}
        for key, depends_on in r.get("propertyDependencies", {}).items():
            item.propertyDependencies[key].urns.extend(f"urn:pulumi:dev::p::{names[dep]}::{dep}" for dep in depends_on)
        if "provider" in r:
            item.provider.CopyFrom(
                analyzer_pb2.AnalyzerProviderResource(
                    type="pulumi:providers:x",
                    properties=to_struct(r["provider"]),
                    urn="urn:pulumi:dev::p::pulumi:providers:x::p",
                    name="p",
                )
            )
    return _outcome(servicer.AnalyzeStack(request, None))


def mutate(props: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy with ``path`` (dots; list indexes as numbers) set to ``value`` (``DELETE`` removes it)."""
    out = copy.deepcopy(props)
    parts = [p.replace("\\.", ".") for p in re.split(r"(?<!\\)\.", path)]
    target = out
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target.setdefault(part, {})
    last = parts[-1]
    if isinstance(target, list):
        target[int(last)] = value
    elif value is DELETE:
        target.pop(last, None)
    else:
        target[last] = value
    return out


DELETE = object()
__all__ = ["analyze", "analyze_stack", "remediate", "mutate", "Outcome", "UNKNOWN", "DELETE"]
