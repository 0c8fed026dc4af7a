"""A preview or a stack export as subjects: what the program declares, judged by the same in-process
checks as a live audit (the compliance report's preview-time column).

Props are the engine's (inputs at preview; inputs and outputs in an export); a value unknown until apply
stays the engine's unknown sentinel, which makes a check that reads it "unknown", never a pass.
"""

from __future__ import annotations

from typing import Any

from policies import meta
from scripts.audit.subject import Subject
from scripts.gate.resources import Resource
from scripts.gate.resources import from_preview as _from_preview
from scripts.gate.resources import from_state as _from_state
from scripts.pulumi_json import is_provider_type


def subjects(resources: list[Resource]) -> list[Subject]:
    providers = {r.urn: r for r in resources if is_provider_type(r.type)}
    out = []
    for r in resources:
        if not r.analyzed:
            continue
        provider_urn = r.provider.split("::", 4)
        provider = providers.get("::".join(provider_urn[:4])) if r.provider else None
        out.append(
            Subject(
                r.type,
                r.properties,
                name=r.name,
                urn=r.urn,
                opts=meta.ResourceOptions(protect=r.protect),
                provider=meta.ProviderResource(provider.properties) if provider is not None else None,
                property_dependencies={k: tuple(v) for k, v in r.property_dependencies.items()},
            )
        )
    return out


def from_preview(doc: Any, source: str) -> list[Subject]:
    return subjects(_from_preview(doc, source))


def from_state(doc: Any, source: str) -> list[Subject]:
    return subjects(_from_state(doc, source))
