"""Renderers of a preview in the ``pulumi preview --json`` shape: text (rich) and Markdown.

They read only that shape (checked by :func:`scripts.pulumi_json.read_preview`), so they render
Plinth's offline plan and a real ``pulumi preview --json`` file alike. Secrets are redacted
exactly as the gate redacts them; names and values are printed as text, never as markup.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from scripts import pulumi_json as pj
from scripts.findings import GITHUB_COMMENT_LIMIT, md_code, md_text

UNKNOWN = pj.UNKNOWN
KNOWN_AFTER_APPLY = "(known after apply)"

_OP_SYMBOL = {
    "create": "+",
    "update": "~",
    "delete": "-",
    "replace": "+-",
    "create-replacement": "++",
    "delete-replaced": "--",
    "same": " ",
    "read": ">",
    "import": "=",
    "refresh": "~",
    "discard": "<",
    "remove-pending-replace": "-",
}


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
        return pj.provider_package(self.type)

    @property
    def flags(self) -> list[str]:
        return [flag for flag, on in (("protected", self.protect), ("retained on delete", self.retain)) if on]


def nodes(preview: dict[str, Any] | pj.Preview, source: str = "preview") -> list[Node]:
    """The steps of a preview as nodes, in order (the stack and providers included)."""
    checked = preview if isinstance(preview, pj.Preview) else pj.read_preview(preview, source)
    out = []
    for step in checked.steps:
        state = step.state
        assert state is not None  # read_preview guarantees one
        out.append(
            Node(
                urn=step.urn,
                type=state.type,
                name=pj.urn_name(step.urn),
                op=step.op,
                parent=state.parent,
                custom=state.custom,
                inputs=state.inputs,
                protect=state.protect,
                retain=state.retain_on_delete,
            )
        )
    return out


def build_tree(all_nodes: list[Node]) -> list[Node]:
    """Link nodes to their parents; returns the roots. A URN that appears twice (replace steps) is shown once."""
    by_urn: dict[str, Node] = {}
    for n in all_nodes:
        by_urn.setdefault(n.urn, n)
    roots = []
    for n in by_urn.values():
        parent = by_urn.get(n.parent)
        if parent is not None and parent is not n:
            parent.children.append(n)
        else:
            roots.append(n)
    return roots


def type_counts(all_nodes: Iterable[Node]) -> list[tuple[str, str, int]]:
    """(provider package, type, count) for custom resources, most frequent first."""
    counter = Counter((n.provider_package, n.type) for n in all_nodes if n.custom and not pj.is_provider_type(n.type))
    return sorted(((p, t, c) for (p, t), c in counter.items()), key=lambda x: (x[0], -x[2], x[1]))


def op_counts(preview: pj.Preview) -> dict[str, int]:
    if preview.change_summary:
        return dict(preview.change_summary)
    return dict(Counter(s.op for s in preview.steps))


def _ops_line(ops: dict[str, int]) -> str:
    return ", ".join(f"{count} to {op}" if op != "same" else f"{count} unchanged" for op, count in ops.items())


def display_value(value: Any) -> Any:
    """Inputs for people: unknowns read "(known after apply)"; secrets stay "[secret]"."""
    if value == UNKNOWN:
        return KNOWN_AFTER_APPLY
    if isinstance(value, dict):
        return {k: display_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [display_value(v) for v in value]
    return value


def _unknown_count(value: Any) -> int:
    if value == UNKNOWN:
        return 1
    if isinstance(value, dict):
        return sum(_unknown_count(v) for v in value.values())
    if isinstance(value, list):
        return sum(_unknown_count(v) for v in value)
    return 0


def _walk(node: Node) -> Iterator[Node]:
    for child in node.children:
        yield child
        yield from _walk(child)


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------
def _label(node: Node, details: bool) -> Text:
    label = Text.assemble(f"{_OP_SYMBOL.get(node.op, '?')} {node.type} ", (node.name, "bold"))
    if node.flags:
        label.append(f" ({', '.join(node.flags)})", style="dim")
    unknown = _unknown_count(node.inputs)
    if unknown and not details:
        label.append(f" {unknown} value(s) {KNOWN_AFTER_APPLY}", style="dim")
    return label


def render_text(
    preview: dict[str, Any] | pj.Preview,
    *,
    width: int = 120,
    color: bool = False,
    details: bool = False,
    source: str = "preview",
) -> str:
    """A tree grouped by component, then counts per provider and type, then diagnostics."""
    checked = preview if isinstance(preview, pj.Preview) else pj.read_preview(preview, source)
    buf = io.StringIO()
    console = Console(
        file=buf, width=width, force_terminal=color, color_system="standard" if color else None, highlight=False
    )
    all_nodes = nodes(checked)

    def add(tree: Tree, node: Node) -> None:
        branch = tree.add(_label(node, details))
        if details and node.inputs:
            for key, value in display_value(node.inputs).items():
                branch.add(Text.assemble((f"{key}:", "dim"), " ", json.dumps(value, sort_keys=True)))
        for child in node.children:
            add(branch, child)

    top = Tree(Text("Previewing" if checked.steps else "Nothing to preview"))
    for root in build_tree(all_nodes):
        add(top, root)
    console.print(top)

    table = Table(title="Resources by provider and type", show_lines=False)
    table.add_column("provider")
    table.add_column("type")
    table.add_column("count", justify="right")
    for provider, type_, count in type_counts(all_nodes):
        table.add_row(Text(provider), Text(type_), str(count))
    console.print(table)

    console.print(Text("Resources: " + _ops_line(op_counts(checked))))
    for diag in checked.diagnostics:
        console.print(Text(f"{diag.severity}: {diag.message.strip()}"))
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# Markdown (PR comments)
# --------------------------------------------------------------------------------------------
def _md_tree(node: Node, depth: int) -> list[str]:
    symbol = _OP_SYMBOL.get(node.op, "?")
    suffix = f" _({', '.join(node.flags)})_" if node.flags else ""
    unknown = _unknown_count(node.inputs)
    note = f" _{unknown} value(s) {KNOWN_AFTER_APPLY}_" if unknown else ""
    out = [f"{'  ' * depth}- `{symbol}` {md_code(node.type)} **{md_text(node.name)}**{suffix}{note}"]
    for child in node.children:
        out += _md_tree(child, depth + 1)
    return out


def _md_block(node: Node) -> list[str]:
    """One collapsible block per component under the stack: its resources as a tree."""
    count = 1 + sum(1 for _ in _walk(node))
    summary = f"<code>{md_text(node.type)}</code> <b>{md_text(node.name)}</b> ({count} resources)"
    return ["", f"<details><summary>{summary}</summary>", "", *_md_tree(node, 0), "", "</details>"]


def _md_inputs(node: Node) -> list[str]:
    """One collapsible block with a resource's inputs (unknowns and secrets as people read them)."""
    # A fence inside the JSON would end the code block early; JSON never needs three backticks in a row.
    body = json.dumps(display_value(node.inputs), indent=2, sort_keys=True).replace("```", "`\u200b``")
    summary = f"<code>{md_text(node.type)}</code> <b>{md_text(node.name)}</b>"
    return [f"<details><summary>{summary}</summary>", "", "```json", body, "```", "", "</details>"]


class _Budget:
    """Lines added while they fit within a character limit; what did not fit is counted."""

    def __init__(self, lines: list[str], limit: int):
        self.lines, self.limit = lines, limit
        self.used = sum(len(line) + 1 for line in lines)
        self.omitted = 0

    def add(self, block: list[str]) -> bool:
        size = sum(len(line) + 1 for line in block)
        if self.used + size > self.limit:
            self.omitted += 1
            return False
        self.lines += block
        self.used += size
        return True


def _md_summary(checked: pj.Preview, all_nodes: list[Node], title: str, policies_markdown: str) -> list[str]:
    lines = [
        f"### {md_text(title)}",
        "",
        f"**{_ops_line(op_counts(checked))}**",
        "",
        "| provider | type | count |",
        "|---|---|---:|",
    ]
    lines += [f"| {md_text(p)} | {md_code(t)} | {count} |" for p, t, count in type_counts(all_nodes)]
    if checked.diagnostics:
        lines += ["", "**Diagnostics**", ""]
        lines += [f"- {md_text(d.severity)}: {md_text(d.message.strip())}" for d in checked.diagnostics]
    if policies_markdown:
        lines += ["", policies_markdown]
    return lines


def render_markdown(
    preview: dict[str, Any] | pj.Preview,
    *,
    title: str = "Plinth preview",
    policies_markdown: str = "",
    details: bool = False,
    limit: int = GITHUB_COMMENT_LIMIT,
    source: str = "preview",
) -> str:
    """A PR comment within ``limit`` characters (GitHub's comment limit): the summary first
    (changes, types, diagnostics, policy gate), then one block per component with its resources,
    then - with ``details`` - one block per resource with its inputs. What does not fit is counted,
    not shown."""
    checked = preview if isinstance(preview, pj.Preview) else pj.read_preview(preview, source)
    all_nodes = nodes(checked)
    roots = build_tree(all_nodes)
    budget = _Budget(_md_summary(checked, all_nodes, title, policies_markdown), limit - 300)
    components = [c for r in roots for c in (r.children if r.type == pj.STACK_TYPE else [r])]
    for node in components:
        budget.add(_md_block(node))
    notes = []
    if budget.omitted:
        notes.append(f"{budget.omitted} of {len(components)} component(s)")
    if details:
        custom = [n for root in components for n in [root, *_walk(root)] if n.custom and n.inputs]
        opened = budget.add(["", f"<details><summary>Inputs ({len(custom)} resources)</summary>", ""])
        shown = budget.omitted
        for node in custom if opened else []:
            budget.add(_md_inputs(node))
        if opened:
            budget.lines += ["", "</details>"]
        else:
            budget.omitted += len(custom)
        if budget.omitted > shown:
            notes.append(f"the inputs of {budget.omitted - shown} of {len(custom)} resource(s)")
    if notes:
        budget.lines += [
            "",
            f"_Not shown, to stay within {limit:,} characters: {' and '.join(notes)}. "
            "`plinth preview --format json` has everything._",
        ]
    return "\n".join(budget.lines) + "\n"
