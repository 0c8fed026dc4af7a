"""A change for people: text, JSON and the Markdown PR comment.

The PR comment (GitHub and GitLab Markdown) of one stack, most important first:

1. a hidden marker (``<!-- plinth:diff stack=NAME -->``) so a bot edits the stack's one comment in
   place on every push, and several stacks each keep their own comment on a PR;
2. the headline (counts per operation) and the revisions compared;
3. **needs attention**: protected, retained or data-holding resources deleted or replaced;
4. a summary table per tenant/component and operation;
5. the policy delta: findings new in head (open), fixed in head (collapsed);
6. a Mermaid picture of what the change touches (grouped per tenant and component);
7. per tenant/component, one collapsible block per resource with its property changes.

A stack without changes is one line. The comment stays within ``limit`` characters (GitHub
refuses comments over 65,536): the least important details go first - property tables of
created resources, then updated, then replaced and deleted ones collapse to one line each; then
the picture; then whole lines - and a note says what was left out and where the full report is.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any, Callable

from rich.console import Console
from rich.text import Text

from scripts.diff import OPS, PlanDiff, PolicyDelta, ResourceDiff
from scripts.diff.properties import MISSING, Change, short
from scripts.findings import GITHUB_COMMENT_LIMIT, Finding, md_code, md_text

MARKER_PREFIX = "<!-- plinth:diff stack="
#: The second line of a stack's comment when the change does nothing to it.
NO_CHANGES = "<!-- plinth:diff no-changes -->"
SYMBOL = {"create": "+", "update": "~", "replace": "+-", "delete": "-", "same": " "}
#: Which details collapse first when the comment is too long (lower = dropped earlier).
_DETAIL_PRIORITY = {"create": 0, "update": 1, "replace": 2, "delete": 3}
_PROPERTY_ROWS = 60


def marker(stack: str) -> str:
    """The hidden line that identifies a stack's comment (stack names hold no ``-->``)."""
    return f"{MARKER_PREFIX}{stack} -->"


@dataclass
class StackReport:
    """Everything rendered about one stack."""

    diff: PlanDiff
    policies: PolicyDelta | None = None
    #: Dependency edges of both revisions, for the picture (see scripts.graph.edges_of).
    edges: list[tuple[str, str]] | None = None
    base_label: str = ""
    head_label: str = ""

    @property
    def has_changes(self) -> bool:
        return self.diff.has_changes or bool(self.policies and self.policies.has_changes)

    def to_json(self) -> dict[str, Any]:
        out = self.diff.to_json()
        out["base"] = self.base_label or out["base"]
        out["head"] = self.head_label or out["head"]
        out["policies"] = self.policies.to_json() if self.policies else None
        return out


def counts_line(diff: PlanDiff) -> str:
    c = diff.counts()
    parts = [f"{c[op]} to {op}" for op in OPS if c[op]]
    return ", ".join(parts) if parts else "no changes"


def _policy_line(delta: PolicyDelta | None) -> str:
    if delta is None:
        return "policy gate not run"
    if not delta.has_changes:
        return "policy results unchanged"
    mandatory = len(delta.new_mandatory)
    new = f"{len(delta.new)} new finding(s)" + (f" ({mandatory} mandatory)" if mandatory else "")
    return f"{new}, {len(delta.fixed)} fixed"


def _change_line(c: Change) -> str:
    if c.kind == "add":
        text = f"+ {c.path}: {short(c.new)}"
    elif c.kind == "delete":
        text = f"- {c.path}: {short(c.old)}"
    else:
        text = f"~ {c.path}: {short(c.old)} => {short(c.new)}"
    return text + (f"  ({c.note})" if c.note else "")


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------
def render_text(reports: list[StackReport], *, width: int = 120, color: bool = False, details: bool = True) -> str:
    buf = io.StringIO()
    console = Console(
        file=buf, width=width, force_terminal=color, color_system="standard" if color else None, highlight=False
    )
    styles = {"create": "green", "update": "yellow", "replace": "magenta", "delete": "red"}
    for report in reports:
        d = report.diff
        console.print(Text(f"Stack {d.stack}: {counts_line(d)}; {_policy_line(report.policies)}", style="bold"))
        if report.base_label or report.head_label:
            console.print(Text(f"  base {report.base_label} -> head {report.head_label}", style="dim"))
        for r in d.attention():
            console.print(Text(f"  ! {r.op} {r.type} {r.name}: " + "; ".join(r.risks()), style="bold red"))
        for group, items in d.groups().items():
            console.print(Text(f"  {group}", style="bold"))
            for r in items:
                line = Text(f"    {SYMBOL[r.op]} {r.type} ", style=styles.get(r.op, ""))
                line.append(r.name, style="bold")
                if r.reasons:
                    line.append(f"  ({'; '.join(r.reasons)})", style="dim")
                console.print(line)
                for c in r.changes if details and r.op != "create" else []:
                    console.print(Text(f"        {_change_line(c)}"))
        for title, findings in _policy_sections(report.policies):
            console.print(Text(f"  {title}:", style="bold"))
            for f in findings:
                console.print(Text(f"    {f.enforcementLevel} {f.policy} {f.resource or '(stack)'}: {f.message}"))
        console.print(Text(""))
    return buf.getvalue()


def _policy_sections(delta: PolicyDelta | None) -> list[tuple[str, list[Finding]]]:
    if delta is None:
        return []
    return [(t, f) for t, f in (("New in head", delta.new), ("Fixed in head", delta.fixed)) if f]


def render_json(reports: list[StackReport]) -> str:
    return json.dumps({"stacks": [r.to_json() for r in reports]}, indent=2, default=str) + "\n"


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------
def _md_value(value: Any) -> str:
    return "" if value is MISSING else md_code(short(value, 120))


def _md_property_rows(r: ResourceDiff) -> list[str]:
    rows = ["| property | before | after |", "|---|---|---|"]
    for c in r.changes[:_PROPERTY_ROWS]:
        note = f" _{md_text(c.note)}_" if c.note else ""
        rows.append(f"| {md_code(c.path or '(all)')}{note} | {_md_value(c.old)} | {_md_value(c.new)} |")
    if len(r.changes) > _PROPERTY_ROWS:
        rows.append(f"| _{len(r.changes) - _PROPERTY_ROWS} more_ | | |")
    return rows


def _md_title(r: ResourceDiff) -> str:
    flags = [f for f, on in (("protected", r.protect), ("retained", r.retain), ("holds data", r.stateful)) if on]
    extra = f" <i>({', '.join(flags)})</i>" if flags else ""
    return f"<code>{SYMBOL[r.op]}</code> <code>{md_text(r.type)}</code> <b>{md_text(r.name)}</b> {r.op}{extra}"


def _md_compact(r: ResourceDiff) -> list[str]:
    count = (
        f" ({len(r.changes)} propert{'y' if len(r.changes) == 1 else 'ies'})" if r.changes and r.op != "create" else ""
    )
    return [f"- {_md_title(r)}{count}"]


def _md_full(r: ResourceDiff) -> list[str]:
    if not r.changes and not r.reasons:
        return _md_compact(r)
    lines = [f"<details><summary>{_md_title(r)}</summary>", ""]
    lines += [f"- {md_text(reason)}" for reason in r.reasons]
    if r.reasons:
        lines.append("")
    if r.changes:
        lines += _md_property_rows(r)
    lines += ["", "</details>", ""]
    return lines


def _md_policy(delta: PolicyDelta | None) -> list[str]:
    if delta is None:
        return []
    head = delta.head or {}
    verdict = "❌ failed" if head.get("mandatory") else "⚠️ incomplete" if head.get("errors") else "✅ passed"
    lines = [f"**Policy gate** (head {verdict}): {md_text(_policy_line(delta))}", ""]
    for title, findings, open_ in (("New in head", delta.new, True), ("Fixed in head", delta.fixed, False)):
        if not findings:
            continue
        lines += [f"<details{' open' if open_ else ''}><summary>{title} ({len(findings)})</summary>", ""]
        lines += ["| level | policy | resource | message |", "|---|---|---|---|"]
        lines += [
            f"| {md_text(f.enforcementLevel)} | {md_code(f.policy)} | {md_code(f.resource or 'stack')} | "
            f"{md_text(f.message)} |"
            for f in findings
        ]
        lines += ["", "</details>", ""]
    return lines


def _md_attention(d: PlanDiff) -> list[str]:
    risky = d.attention()
    if not risky:
        return []
    lines = [
        f"> ⚠️ **Needs attention: {len(risky)} resource(s) that are protected, retained or hold data "
        "would be deleted, replaced or unprotected**",
        ">",
    ]
    for r in risky:
        where = f" ({md_text(r.group)})" if r.group != "stack" else ""
        lines.append(f"> - **{r.op}** {md_code(r.type)} **{md_text(r.name)}**{where}: {md_text('; '.join(r.risks()))}")
    return lines + [""]


def _md_summary_table(d: PlanDiff) -> list[str]:
    groups = d.groups()
    lines = ["| | " + " | ".join(OPS) + " |", "|---|" + "---:|" * len(OPS)]
    for group, items in groups.items():
        counts = {op: sum(1 for r in items if r.op == op) for op in OPS}
        lines.append(f"| {md_text(group)} | " + " | ".join(str(counts[op] or "") for op in OPS) + " |")
    total = d.counts()
    lines.append("| **total** | " + " | ".join(f"**{total[op]}**" for op in OPS) + " |")
    return lines + [""]


def _md_picture(report: StackReport) -> list[str]:
    from scripts import graph

    if not any(r.custom for r in report.diff.changed):
        return []
    picture = graph.touched(report.diff, report.edges or [])
    if not picture.nodes:
        return []
    body = graph.to_mermaid(picture).rstrip("\n")
    return ["<details><summary>What the change touches</summary>", "", "```mermaid", body, "```", "", "</details>", ""]


class _Budget:
    def __init__(self, limit: int):
        self.limit, self.used = limit, 0

    def take(self, lines: list[str]) -> bool:
        size = sum(len(line) + 1 for line in lines)
        if self.used + size > self.limit:
            return False
        self.used += size
        return True


def _heading(report: StackReport, title: str) -> list[str]:
    d = report.diff
    lines = [marker(d.stack), f"### {md_text(title)} `{md_text(d.stack)}`: {md_text(counts_line(d))}"]
    if report.base_label or report.head_label:
        lines.append(f"_base {md_code(report.base_label)} → head {md_code(report.head_label)}_")
    return lines + [""]


def render_markdown_stack(
    report: StackReport,
    *,
    limit: int = GITHUB_COMMENT_LIMIT,
    title: str = "Plinth diff of",
    full_report: str = "",
) -> str:
    """One stack's comment (see the module docstring), within ``limit`` characters."""
    d = report.diff
    if not report.has_changes:
        resources = sum(1 for r in d.resources if r.type != "pulumi:pulumi:Stack")
        return (
            f"{marker(d.stack)}\n{NO_CHANGES}\n**{md_text(title)} `{md_text(d.stack)}`**: no changes "
            f"({resources} resources unchanged; {md_text(_policy_line(report.policies))}).\n"
        )
    budget = _Budget(limit - 600)  # room for the note and closing lines
    lines: list[str] = []
    for block in (_heading(report, title), _md_attention(d), _md_summary_table(d), _md_policy(report.policies)):
        if budget.take(block):
            lines += block
    picture = _md_picture(report)
    sections = _resource_sections(d, budget, reserve=sum(len(x) + 1 for x in picture))
    picture_shown = budget.take(picture)
    if picture_shown:
        lines += picture
    lines += sections.lines
    note = sections.note(limit, full_report, picture_missing=bool(picture) and not picture_shown)
    if note:
        lines += ["", note]
    return "\n".join(lines) + "\n"


@dataclass
class _Sections:
    lines: list[str]
    collapsed: int
    omitted: int

    def note(self, limit: int, full_report: str, *, picture_missing: bool) -> str:
        parts = []
        if self.collapsed:
            parts.append(f"the property changes of {self.collapsed} resource(s) (one line each instead)")
        if self.omitted:
            parts.append(f"{self.omitted} resource(s) of the least important kinds")
        if picture_missing:
            parts.append("the picture")
        if not parts:
            return ""
        where = (
            f" The full report: {md_code(full_report)}."
            if full_report
            else " `plinth diff --format json` has everything."
        )
        return f"_Left out to stay within {limit:,} characters: {'; '.join(parts)}.{where}_"


def _resource_sections(d: PlanDiff, budget: _Budget, *, reserve: int) -> _Sections:
    """Per group, each resource in full where the budget allows (most important first), else one line."""
    groups = d.groups()
    order = sorted(d.changed, key=lambda r: (not r.risks(), -_DETAIL_PRIORITY.get(r.op, 0), r.group, r.urn))
    compact = {r.urn: _md_compact(r) for r in d.changed}
    headers = {g: ["", f"#### {md_text(g)}", ""] for g in groups}
    # Every resource gets at least its line while there is room, least important kinds dropped first.
    shown: set[str] = set()
    used_groups: set[str] = set()
    for r in order:
        cost = compact[r.urn] + ([] if r.group in used_groups else headers[r.group])
        if budget.take(cost):
            shown.add(r.urn)
            used_groups.add(r.group)
    budget.used += reserve  # keep room for the picture, if it fits after the lines
    full: dict[str, list[str]] = {}
    for r in order:
        if r.urn not in shown:
            continue
        block = _md_full(r)
        extra = sum(len(x) + 1 for x in block) - sum(len(x) + 1 for x in compact[r.urn])
        if extra <= 0 or budget.used + extra <= budget.limit:
            budget.used += max(extra, 0)
            full[r.urn] = block
    budget.used -= reserve
    lines: list[str] = []
    collapsed = 0
    for group, items in groups.items():
        if group not in used_groups:
            continue
        lines += headers[group]
        for r in items:
            if r.urn in full:
                lines += full[r.urn]
            elif r.urn in shown:
                lines += compact[r.urn]
                collapsed += 1 if (r.changes or r.reasons) else 0
    return _Sections(lines, collapsed, len(d.changed) - len(shown))


def render_markdown(
    reports: list[StackReport],
    *,
    limit: int = GITHUB_COMMENT_LIMIT,
    title: str = "Plinth diff of",
    full_report: str = "",
    on_section: Callable[[str, str], None] | None = None,
) -> str:
    """Every stack's comment, one after the other (each within ``limit``); ``on_section(stack, text)`` sees each."""
    out = []
    for report in reports:
        text = render_markdown_stack(report, limit=limit, title=title, full_report=full_report)
        if on_section is not None:
            on_section(report.diff.stack, text)
        out.append(text)
    return "\n".join(out)


def split_sections(markdown: str) -> list[tuple[str, str]]:
    """(stack, comment) pairs of a document written by :func:`render_markdown`, split at the markers."""
    sections: list[tuple[str, str]] = []
    current: list[str] = []
    stack = ""
    for line in markdown.splitlines(keepends=True):
        if line.startswith(MARKER_PREFIX) and line.rstrip().endswith("-->"):
            if stack:
                sections.append((stack, "".join(current).strip() + "\n"))
            stack = line.strip()[len(MARKER_PREFIX) : -len("-->")].strip()
            current = [line]
        elif stack:
            current.append(line)
    if stack:
        sections.append((stack, "".join(current).strip() + "\n"))
    return sections
