"""A stack export as the audit's scope: which live resources are the stack's, where each belongs, and
what the stack last applied.

A live subject is the stack's when a resource of the same type in the export names it: by its
provider id, ``arn`` output or physical name (``bucket`` for the S3 companions, whose id is the
bucket). It then carries the resource's URN and Pulumi name (so suppressions written for the packs
match it), its component (the nearest component parent) and tenant (its ``tenant`` tag, else the
Tenant component it is under), ``protect``, and the properties the stack applied (for drift). Stack
resources of a type the audit reads that are not found live are reported as missing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from policies import meta
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject
from scripts.gate.resources import Resource, from_state
from scripts.pulumi_json import STACK_TYPE, parse_urn, urn_name

TENANT_COMPONENT = "plinth:index:Tenant"
TENANT_TAG = "tenant"


@dataclass
class Stack:
    name: str
    resources: list[Resource]
    ids: dict[str, str] = field(default_factory=dict)  # urn -> provider id

    @property
    def by_urn(self) -> dict[str, Resource]:
        return {r.urn: r for r in self.resources}

    def services(self) -> tuple[str, ...]:
        """The audit's service modules that read a type this stack has."""
        from scripts.audit import aws

        types = {r.type for r in self.resources}
        return tuple(aws.service_name(m) for m in aws.SERVICES if types & set(m.TYPES))

    def keys(self, r: Resource) -> set[str]:
        props = r.properties
        found = {self.ids.get(r.urn, ""), str(props.get("arn") or ""), str(props.get("id") or "")}
        for key in ("bucket", "name", "identifier", "clusterIdentifier"):
            if isinstance(props.get(key), str):
                found.add(props[key])
        return {k for k in found if k}

    def component(self, r: Resource) -> Resource | None:
        by_urn = self.by_urn
        parent = by_urn.get(r.parent)
        while parent is not None and (parent.custom or parent.type == STACK_TYPE):
            parent = by_urn.get(parent.parent)
        return parent if parent is not None and parent.type != STACK_TYPE else None

    def tenant(self, r: Resource) -> str:
        tags = r.properties.get("tags")
        if isinstance(tags, Mapping) and tags.get(TENANT_TAG):
            return str(tags[TENANT_TAG])
        by_urn = self.by_urn
        parent = by_urn.get(r.parent)
        while parent is not None:
            if parent.type == TENANT_COMPONENT:
                return parent.name
            parent = by_urn.get(parent.parent)
        return ""

    def scope(
        self, subjects: Sequence[Subject], gaps: Sequence[Gap]
    ) -> tuple[list[Subject], list[Gap], list[dict[str, str]]]:
        """The stack's live subjects (annotated), the gaps of its types, and its resources not found live."""
        from scripts.audit import aws

        readable = aws.read_types()
        index: dict[tuple[str, str], Resource] = {}
        for r in self.resources:
            for key in self.keys(r):
                index.setdefault((r.type, key), r)
        kept: list[Subject] = []
        found: set[str] = set()
        for s in subjects:
            match = next((index[(s.resource_type, k)] for k in s.identifiers() if (s.resource_type, k) in index), None)
            if match is None:
                continue
            found.add(match.urn)
            component = self.component(match)
            kept.append(
                dataclasses.replace(
                    s,
                    urn=match.urn,
                    name=match.name,
                    component=component.urn if component is not None else "",
                    tenant=self.tenant(match),
                    opts=meta.ResourceOptions(protect=match.protect),
                    state_props=match.properties,
                )
            )
        types = {r.type for r in self.resources}
        kept_gaps = [g for g in gaps if set(g.types) & types]
        missing = [
            {"urn": r.urn, "type": r.type, "name": r.name}
            for r in self.resources
            if r.analyzed and r.type in readable and r.urn not in found and not _covered(r, kept_gaps)
        ]
        return kept, kept_gaps, missing


def _covered(r: Resource, gaps: Sequence[Gap]) -> bool:
    return any(r.type in g.types for g in gaps)


def read(doc: Mapping[str, Any], source: str) -> Stack:
    """The stack of a ``pulumi stack export`` document (InputError naming the file when it is not one)."""
    from scripts.console import InputError

    resources = from_state(dict(doc), source)
    if not resources:
        raise InputError(f"{source}: deployment.resources is empty: no resources to audit")
    stacks = {parse_urn(r.urn).stack for r in resources}
    if len(stacks) != 1:
        raise InputError(f"{source}: resources of several stacks ({', '.join(sorted(stacks))}): audit one at a time")
    ids = {
        str(item.get("urn")): str(item.get("id") or "")
        for item in (doc.get("deployment") or {}).get("resources") or []
        if isinstance(item, Mapping)
    }
    return Stack(next(iter(stacks)), resources, ids)


__all__ = ["Stack", "read", "urn_name"]
