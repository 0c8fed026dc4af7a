"""The resources of a preview as a graph: components, their resources and dependencies.

:func:`from_preview` reads a document in the ``pulumi preview --json`` shape (an offline plan or a
real preview); containment comes from each resource's ``parent``, edges from ``dependencies`` and
``propertyDependencies`` (an edge ``a -> b`` means b uses a). Three renderings:

* Mermaid ``flowchart`` (GitHub and GitLab render it in Markdown), components as nested subgraphs;
* Graphviz DOT, components as ``cluster_`` subgraphs;
* GraphML (yEd, Gephi, networkx), one node per resource with its type, name, URN and parent.

:func:`touched` is the small picture a PR comment embeds: only what a change touches, grouped per
tenant and component, one node per resource type and operation.

Labels are user data: every format escapes them (Mermaid entity codes, DOT string escapes, XML).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

from scripts import pulumi_json as pj

if TYPE_CHECKING:
    from scripts.diff import PlanDiff

FORMATS = ("mermaid", "dot", "graphml")
#: Beyond this many nodes the PR picture shows one node per group instead of one per type.
TOUCHED_MAX_NODES = 40


@dataclass
class Node:
    id: str
    urn: str
    type: str
    name: str
    custom: bool
    parent: str = ""
    label: str = ""

    def text(self) -> str:
        return self.label or f"{self.type.split(':')[-1]} {self.name}"


@dataclass
class Graph:
    nodes: list[Node] = field(default_factory=list)
    #: (from urn, to urn): ``to`` uses ``from``.
    edges: list[tuple[str, str]] = field(default_factory=list)

    def by_urn(self) -> dict[str, Node]:
        return {n.urn: n for n in self.nodes}

    def children(self) -> dict[str, list[Node]]:
        urns = {n.urn for n in self.nodes}
        out: dict[str, list[Node]] = {}
        for n in self.nodes:
            out.setdefault(n.parent if n.parent in urns else "", []).append(n)
        return out


def from_preview(doc: dict[str, Any] | pj.Preview, source: str = "preview", *, providers: bool = False) -> Graph:
    """The graph of a preview; the root stack is left out, providers too unless ``providers``."""
    preview = doc if isinstance(doc, pj.Preview) else pj.read_preview(doc, source)
    graph = Graph()
    seen: set[str] = set()
    for step in preview.steps:
        state = step.state
        if state is None or state.urn in seen or state.type == pj.STACK_TYPE:
            continue
        if pj.is_provider_type(state.type) and not providers:
            continue
        seen.add(state.urn)
        graph.nodes.append(Node(f"n{len(graph.nodes)}", state.urn, state.type, state.name, state.custom, state.parent))
        used = set(state.dependencies) | {u for urns in state.property_dependencies.values() for u in urns}
        graph.edges += [(dep, state.urn) for dep in sorted(used)]
    graph.edges = [(a, b) for a, b in dict.fromkeys(graph.edges) if a in seen and b in seen and a != b]
    return graph


# --------------------------------------------------------------------------------------------
# Mermaid
# --------------------------------------------------------------------------------------------
_MERMAID_ESCAPED = set('"#<>&[]{}()|`;')


def _mermaid_text(text: str) -> str:
    """A label Mermaid shows as written: markup characters as Mermaid's entity codes (``#60;`` for ``<``)."""
    return "".join(f"#{ord(ch)};" if ch in _MERMAID_ESCAPED else ch for ch in " ".join(text.split()))


def to_mermaid(graph: Graph, *, direction: str = "LR") -> str:
    lines = [f"flowchart {direction}"]
    tree = graph.children()
    ids = {n.urn: n.id for n in graph.nodes}

    def emit(node: Node, depth: int) -> None:
        pad = "  " * depth
        kids = tree.get(node.urn, [])
        if kids:
            lines.append(f'{pad}subgraph {node.id}_g["{_mermaid_text(node.text())}"]')
            if node.custom:
                lines.append(f'{pad}  {node.id}["{_mermaid_text(node.text())}"]')
            for kid in kids:
                emit(kid, depth + 1)
            lines.append(f"{pad}end")
        elif node.custom:
            lines.append(f'{pad}{node.id}["{_mermaid_text(node.text())}"]')
        else:
            lines.append(f'{pad}{node.id}(["{_mermaid_text(node.text())}"])')

    for root in tree.get("", []):
        emit(root, 1)
    containers = {n.urn for n in graph.nodes if tree.get(n.urn) and not n.custom}
    for a, b in graph.edges:
        if a in containers or b in containers:
            continue  # an edge to a component's subgraph would need its own node
        lines.append(f"  {ids[a]} --> {ids[b]}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# Graphviz DOT
# --------------------------------------------------------------------------------------------
def _dot_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(graph: Graph) -> str:
    lines = ["digraph plinth {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];']
    tree = graph.children()

    def emit(node: Node, depth: int) -> None:
        pad = "  " * depth
        kids = tree.get(node.urn, [])
        if kids:
            lines.append(f"{pad}subgraph cluster_{node.id} {{")
            lines.append(f"{pad}  label={_dot_string(node.text())};")
            if node.custom:
                lines.append(f"{pad}  {node.id} [label={_dot_string(node.text())}];")
            for kid in kids:
                emit(kid, depth + 1)
            lines.append(f"{pad}}}")
        else:
            shape = "" if node.custom else ", shape=ellipse"
            lines.append(f"{pad}{node.id} [label={_dot_string(node.text())}{shape}];")

    for root in tree.get("", []):
        emit(root, 1)
    ids = {n.urn: n.id for n in graph.nodes}
    containers = {n.urn for n in graph.nodes if tree.get(n.urn) and not n.custom}
    lines += [f"  {ids[a]} -> {ids[b]};" for a, b in graph.edges if a not in containers and b not in containers]
    lines.append("}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# GraphML
# --------------------------------------------------------------------------------------------
_GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_KEYS = (("type", "node"), ("name", "node"), ("urn", "node"), ("parent", "node"), ("custom", "node"), ("op", "node"))


def to_graphml(graph: Graph, ops: dict[str, str] | None = None) -> str:
    ElementTree.register_namespace("", _GRAPHML_NS)
    root = ElementTree.Element(f"{{{_GRAPHML_NS}}}graphml")
    for key, domain in _KEYS:
        ElementTree.SubElement(
            root, f"{{{_GRAPHML_NS}}}key", {"id": key, "for": domain, "attr.name": key, "attr.type": "string"}
        )
    body = ElementTree.SubElement(root, f"{{{_GRAPHML_NS}}}graph", {"id": "plinth", "edgedefault": "directed"})
    ids = {n.urn: n.id for n in graph.nodes}
    for n in graph.nodes:
        element = ElementTree.SubElement(body, f"{{{_GRAPHML_NS}}}node", {"id": n.id})
        values = {
            "type": n.type,
            "name": n.name,
            "urn": n.urn,
            "parent": ids.get(n.parent, ""),
            "custom": "true" if n.custom else "false",
            "op": (ops or {}).get(n.urn, ""),
        }
        for key, value in values.items():
            if value:
                ElementTree.SubElement(element, f"{{{_GRAPHML_NS}}}data", {"key": key}).text = value
    for i, (a, b) in enumerate(graph.edges):
        ElementTree.SubElement(body, f"{{{_GRAPHML_NS}}}edge", {"id": f"e{i}", "source": ids[a], "target": ids[b]})
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"


def render(graph: Graph, fmt: str) -> str:
    if fmt == "dot":
        return to_dot(graph)
    if fmt == "graphml":
        return to_graphml(graph)
    return to_mermaid(graph)


# --------------------------------------------------------------------------------------------
# What a change touches (the PR comment's picture)
# --------------------------------------------------------------------------------------------
_OP_SHAPE = {"create": "+", "update": "~", "replace": "+-", "delete": "-"}
_SAFE_ID = re.compile(r"[^A-Za-z0-9_]")


def touched(diff: "PlanDiff", edges: list[tuple[str, str]]) -> Graph:
    """Changed resources grouped per tenant/component, one node per (type, operation) in a group.

    ``edges`` are the two revisions' dependency edges (URN pairs); an aggregated edge joins two
    nodes when any of their resources are joined. Past :data:`TOUCHED_MAX_NODES` nodes, each group
    is one node with its counts.
    """
    changed = [r for r in diff.changed if r.custom]
    key_of = {r.urn: (r.group, r.type, r.op) for r in changed}
    keys = sorted(set(key_of.values()))
    per_group = len(keys) > TOUCHED_MAX_NODES
    if per_group:
        key_of = {urn: (g, "", "") for urn, (g, _, _) in key_of.items()}
        keys = sorted(set(key_of.values()))
    counts = Counter(key_of.values())
    graph = Graph()
    groups = sorted({g for g, _, _ in keys})
    group_ids = {g: f"g{i}" for i, g in enumerate(groups)}
    for group in groups:
        graph.nodes.append(Node(group_ids[group], f"group:{group}", "group", group, False, "", group))
    node_ids: dict[tuple[str, str, str], str] = {}
    for i, key in enumerate(keys):
        group, type_, op = key
        node_ids[key] = f"t{i}"
        if per_group:
            ops = Counter(r.op for r in changed if r.group == group)
            label = f"{group}: " + ", ".join(f"{n} {op}" for op, n in sorted(ops.items()))
            parent = ""
        else:
            label = f"{_OP_SHAPE.get(op, op)} {type_.split(':')[-1]} x{counts[key]}"
            parent = f"group:{group}"
        graph.nodes.append(Node(node_ids[key], f"node:{node_ids[key]}", type_, label, True, parent, label))
    if per_group:
        graph.nodes = [n for n in graph.nodes if n.type != "group"]
    pairs = {(node_ids[key_of[a]], node_ids[key_of[b]]) for a, b in edges if a in key_of and b in key_of}
    urn_of = {n.id: n.urn for n in graph.nodes}
    graph.edges = sorted((urn_of[a], urn_of[b]) for a, b in pairs if a != b)
    return graph


def edges_of(*docs: dict[str, Any] | pj.Preview) -> list[tuple[str, str]]:
    """The dependency edges of one or more previews (base and head of a diff)."""
    out: list[tuple[str, str]] = []
    for doc in docs:
        out += from_preview(doc, providers=True).edges
    return list(dict.fromkeys(out))
