"""What the gate analyses: resources read from an offline plan, a `pulumi preview --json` file or
a `pulumi stack export` file, in one shape.

The documents are checked by :mod:`scripts.pulumi_json` (a malformed one is an
:class:`~scripts.console.InputError` naming the file and key); secrets arrive redacted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scripts import pulumi_json as pj
from scripts.console import InputError

__all__ = ["InputError", "Resource", "from_preview", "from_state", "stack_of"]


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

    @property
    def analyzed(self) -> bool:
        """Whether the engine sends this resource to Analyze (custom, not a provider or the stack)."""
        return self.custom and not pj.is_provider_type(self.type) and self.type != pj.STACK_TYPE


def _resource(state: pj.State, properties: dict[str, Any]) -> Resource:
    return Resource(
        urn=state.urn,
        type=state.type,
        name=state.name,
        custom=state.custom,
        properties=properties,
        parent=state.parent,
        provider=state.provider,
        protect=state.protect,
        dependencies=state.dependencies,
        property_dependencies=state.property_dependencies,
        additional_secret_outputs=state.additional_secret_outputs,
        ignore_changes=state.ignore_changes,
    )


def from_preview(doc: dict[str, Any] | pj.Preview, source: str = "preview") -> list[Resource]:
    """Resources of a preview (Plinth's plan or `pulumi preview --json`): the state after each step.

    Steps that remove a resource are skipped; a replaced resource appears in several steps
    (``create-replacement``, ``replace``) and is analysed once, as by the engine.
    """
    preview = doc if isinstance(doc, pj.Preview) else pj.read_preview(doc, source)
    out: dict[str, Resource] = {}
    for step in preview.steps:
        if step.op in pj.DELETE_OPS or step.new is None or step.new.urn in out:
            continue
        state = step.new
        out[state.urn] = _resource(state, state.inputs if state.inputs or not state.outputs else state.outputs)
    return list(out.values())


def from_state(doc: dict[str, Any], source: str = "state") -> list[Resource]:
    """Resources of a `pulumi stack export` file (deployment.resources), as deployed (outputs over inputs)."""
    out: dict[str, Resource] = {}
    for state in pj.read_export(doc, source):
        if state.delete or state.urn in out:
            continue  # pending deletion: not part of the stack any more
        out[state.urn] = _resource(state, {**state.inputs, **state.outputs})
    return list(out.values())


def stack_of(resources: list[Resource]) -> tuple[str, str] | None:
    """The (project, stack) every URN names, or None when there are none."""
    pairs = {(u.project, u.stack) for u in (pj.parse_urn(r.urn) for r in resources)}
    return next(iter(pairs)) if len(pairs) == 1 else None
