"""Renderers of a preview in the ``pulumi preview --json`` shape: text (rich) and Markdown.

They read only that shape, so they render Plinth's offline plan and a real
``pulumi preview --json`` file alike.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from rich.console import Console
from rich.table import Table
from rich.tree import Tree

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
KNOWN_AFTER_APPLY = "(known after apply)"

_OP_SYMBOL = {
    "create": "+", "update": "~", "delete": "-", "replace": "+-", "create-replacement": "++",
    "delete-replaced": "--", "same": " ", "read": ">", "import": "=", "refresh": "~",
    "discard": "<", "remove-pending-replace": "-",
}
_OP_STYLE = {"create": "green", "update": "yellow", "delete": "red", "replace": "magenta", "same": "dim"}


@dataclass
class Node:
    urn: str
    type: str
    name: str
    op: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    protect: bool = False
    retain: bool = False
    children: list["Node"] = field(default_factory=list)

    @property
    def provider_package(self) -> str:
        if self.type.startswith("pulumi:providers:"):
            return self.type.split(":")[2]
        return self.type.split(":")[0]


def _name_from_urn(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _type_from_urn(urn: str) -> str:
    return urn.split("::")[2].split("$")[-1] if urn.count("::") >= 3 else ""


def nodes(preview: dict[str, Any]) -> list[Node]:
    """The steps of a preview as nodes, in order (the stack and providers included)."""
    out = []
    for step in preview.get("steps", []):
        state = step.get("newState") or step.get("oldState") or {}
        urn = step.get("urn") or state.get("urn", "")
        out.append(
            Node(
                urn=urn,
                type=state.get("type") or _type_from_urn(urn),
                name=_name_from_urn(urn),
                op=step.get("op", "same"),
                parent=state.get("parent", ""),
                custom=bool(state.get("custom", True)),
                inputs=state.get("inputs") or {},
                protect=bool(state.get("protect")),
                retain=bool(state.get("retainOnDelete")),
            )
        )
    return out


def build_tree(all_nodes: list[Node]) -> list[Node]:
    """Link nodes to their parents; returns the roots."""
    by_urn = {n.urn: n for n in all_nodes}
    roots = []
    for n in all_nodes:
        parent = by_urn.get(n.parent)
        if parent is not None and parent is not n:
            parent.children.append(n)
        else:
            roots.append(n)
    return roots


def type_counts(all_nodes: Iterable[Node]) -> list[tuple[str, str, int]]:
    """(provider package, type, count) for custom resources, most frequent first."""
    counter = Counter((n.provider_package, n.type) for n in all_nodes if n.custom and not n.type.startswith("pulumi:providers:"))
    return sorted(((p, t, c) for (p, t), c in counter.items()), key=lambda x: (x[0], -x[2], x[1]))


def op_counts(preview: dict[str, Any]) -> dict[str, int]:
    summary = preview.get("changeSummary")
    if summary:
        return dict(summary)
    return dict(Counter(n.op for n in nodes(preview)))


def display_value(value: Any) -> Any:
    """Inputs for people: unknowns read "(known after apply)"; secrets stay "[secret]"."""
    if value == UNKNOWN:
        return KNOWN_AFTER_APPLY
    if isinstance(value, dict):
        return {k: display_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [display_value(v) for v in value]
    return value


def _flags(n: Node) -> str:
    flags = []
    if n.protect:
        flags.append("protected")
    if n.retain:
        flags.append("retained on delete")
    return f" [dim]({', '.join(flags)})[/dim]" if flags else ""


def _unknown_count(value: Any) -> int:
    if value == UNKNOWN:
        return 1
    if isinstance(value, dict):
        return sum(_unknown_count(v) for v in value.values())
    if isinstance(value, list):
        return sum(_unknown_count(v) for v in value)
    return 0


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------
def render_text(preview: dict[str, Any], *, width: int = 120, details: bool = False, policies_text: str = "") -> str:
    """A tree grouped by component, then counts per provider and type, then diagnostics."""
    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=False, color_system=None, highlight=False)
    all_nodes = nodes(preview)
    roots = build_tree(all_nodes)

    def add(tree: Tree, node: Node) -> None:
        symbol = _OP_SYMBOL.get(node.op, "?")
        unknown = _unknown_count(node.inputs)
        note = f" [dim]{unknown} value(s) {KNOWN_AFTER_APPLY}[/dim]" if unknown and not details else ""
        branch = tree.add(f"{symbol} {node.type} [bold]{node.name}[/bold]{_flags(node)}{note}")
        if details and node.inputs:
            for key, value in display_value(node.inputs).items():
                branch.add(f"[dim]{key}:[/dim] {json.dumps(value, sort_keys=True)}")
        for child in node.children:
            add(branch, child)

    top = Tree("Previewing" if preview.get("steps") else "Nothing to preview")
    for root in roots:
        add(top, root)
    console.print(top)

    table = Table(title="Resources by provider and type", show_lines=False)
    table.add_column("provider")
    table.add_column("type")
    table.add_column("count", justify="right")
    for provider, type_, count in type_counts(all_nodes):
        table.add_row(provider, type_, str(count))
    console.print(table)

    ops = op_counts(preview)
    console.print("Resources: " + ", ".join(f"{count} to {op}" if op != "same" else f"{count} unchanged" for op, count in ops.items()))
    for diag in preview.get("diagnostics", []):
        console.print(f"{diag.get('severity', 'info')}: {diag.get('message', '').strip()}")
    if policies_text:
        console.print(policies_text, markup=False)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# Markdown (PR comments)
# --------------------------------------------------------------------------------------------
def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def render_markdown(preview: dict[str, Any], *, title: str = "Plinth preview", policies_markdown: str = "") -> str:
    all_nodes = nodes(preview)
    roots = build_tree(all_nodes)
    ops = op_counts(preview)
    lines = [f"### {title}", ""]
    lines.append("**" + ", ".join(f"{count} to {op}" if op != "same" else f"{count} unchanged" for op, count in ops.items()) + "**")
    lines += ["", "| provider | type | count |", "|---|---|---:|"]
    for provider, type_, count in type_counts(all_nodes):
        lines.append(f"| {provider} | `{type_}` | {count} |")
    diagnostics = preview.get("diagnostics", [])
    if diagnostics:
        lines += ["", "**Diagnostics**", ""]
        lines += [f"- {d.get('severity', 'info')}: {_md_escape(d.get('message', '').strip())}" for d in diagnostics]
    if policies_markdown:
        lines += ["", policies_markdown]

    def section(node: Node, depth: int) -> list[str]:
        symbol = _OP_SYMBOL.get(node.op, "?")
        flags = []
        if node.protect:
            flags.append("protected")
        if node.retain:
            flags.append("retained on delete")
        suffix = f" _({', '.join(flags)})_" if flags else ""
        out = [f"{'  ' * depth}- `{symbol}` `{node.type}` **{_md_escape(node.name)}**{suffix}"]
        for child in node.children:
            out += section(child, depth + 1)
        return out

    # One collapsible block per component under the stack, resources with inputs inside.
    stack_children = [c for r in roots for c in (r.children if r.type == "pulumi:pulumi:Stack" else [r])]
    for node in stack_children:
        count = 1 + sum(1 for _ in _walk(node))
        lines += ["", f"<details><summary><code>{_md_escape(node.type)}</code> <b>{_md_escape(node.name)}</b> ({count} resources)</summary>", ""]
        lines += section(node, 0)
        custom = [n for n in [node, *_walk(node)] if n.custom and n.inputs]
        if custom:
            lines += ["", "<details><summary>inputs</summary>", "", "```json"]
            lines.append(json.dumps({n.urn: display_value(n.inputs) for n in custom}, indent=2, sort_keys=True))
            lines += ["```", "", "</details>"]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _walk(node: Node):
    for child in node.children:
        yield child
        yield from _walk(child)
