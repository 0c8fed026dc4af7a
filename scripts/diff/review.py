"""Review a change: preview and gate a stack at two revisions, and diff the results.

Each side runs exactly what that revision holds: its program, its components, its stack file, its
policy packs (when it has Plinth's packs; otherwise the head's), each program in a process of its
own (:mod:`scripts.engine`). The base revision's stack file is handed to the base program without
validating it with this checkout's config model (``validate=False``): a change of the schema
between the revisions is the base program's business, as under the Pulumi CLI.

A stack that exists on one side only is all creates (a new stack) or all deletes (a removed one).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from scripts import pulumi_json as pj
from scripts.diff import diff_plans, policy_delta
from scripts.diff.render import StackReport
from scripts.findings import Finding, Report, Suppression

EMPTY_PLAN: dict[str, Any] = {"steps": [], "diagnostics": [], "changeSummary": {}}
PACK_NAMES = ("security", "compliance", "cost")


@dataclass
class Side:
    """One revision of the project: where it is checked out and what it is called in reports."""

    label: str
    project_dir: Path
    #: Policy packs to gate this side with (empty: no gate).
    packs: list[Path] = field(default_factory=list)
    #: Whether the stack files of this side are validated with this checkout's model before the run.
    validate: bool = True

    def has_stack(self, stack: str) -> bool:
        from components import stackfiles
        from components.config import ConfigError

        try:
            stackfiles.stack_file_path(self.project_dir, stack)
        except ConfigError:
            return False
        return True


def packs_of(project_dir: Path, fallback: list[Path]) -> list[Path]:
    """The revision's own Plinth packs when it has all of them, else ``fallback``."""
    own = [project_dir / "policies" / name for name in PACK_NAMES]
    return own if all((p / "PulumiPolicy.yaml").is_file() for p in own) else list(fallback)


@dataclass
class SideResult:
    plan: dict[str, Any]
    report: Report | None


def run_side(
    stack: str,
    side: Side,
    *,
    policy_config: Mapping[str, Any] | None,
    config_source: str,
    on_progress: Callable[[int], None] | None = None,
) -> SideResult:
    """Preview (and gate, when the side has packs) one stack at one revision."""
    from scripts import engine, gate
    from scripts.gate.resources import from_preview, stack_of

    if not side.has_stack(stack):
        return SideResult(EMPTY_PLAN, None)
    job = engine.load_stack(stack, side.project_dir, validate=side.validate)
    plan = engine.run_stack(stack, side.project_dir, on_progress=on_progress, validate=side.validate).to_json()
    if not side.packs:
        return SideResult(plan, None)
    resources = from_preview(plan, f"{side.label} plan")
    project = (stack_of(resources) or (job.project, stack))[0]
    report = gate.evaluate(
        resources,
        side.packs,
        policy_config,
        project=project,
        stack=stack,
        stack_config=dict(job.config),
        config_source=config_source,
    )
    return SideResult(plan, report)


def review_stack(
    stack: str,
    base: Side,
    head: Side,
    *,
    policy_config: Mapping[str, Any] | None = None,
    config_source: str = "policy config",
    on_progress: Callable[[int], None] | None = None,
) -> tuple[StackReport, SideResult, SideResult]:
    """Both sides of one stack (in parallel: two processes), then their diff."""
    from scripts import graph

    counts = [0, 0]

    def tick(i: int) -> Callable[[int], None]:
        def update(n: int) -> None:
            counts[i] = n
            if on_progress is not None:
                on_progress(sum(counts))

        return update

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(
                run_side, stack, side, policy_config=policy_config, config_source=config_source, on_progress=tick(i)
            )
            for i, side in enumerate((base, head))
        ]
        old, new = (f.result() for f in futures)
    diff = diff_plans(old.plan, new.plan, base_source=base.label, head_source=head.label)
    if not diff.stack:
        diff.stack = stack
    delta = policy_delta(old.report, new.report) if (old.report or new.report) else None
    report = StackReport(diff, delta, graph.edges_of(old.plan, new.plan), base.label, head.label)
    return report, old, new


# --------------------------------------------------------------------------------------------
# Two preview files
# --------------------------------------------------------------------------------------------
def _findings(doc: dict[str, Any], source: str) -> Report | None:
    """The findings Plinth's preview JSON carries in ``policies`` (a real preview has none)."""
    from scripts.console import InputError

    items = doc.get("policies")
    if not isinstance(items, list) or not items:
        return None
    report = Report(resources=0, packs=[])
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputError(f"{source}: policies[{i}]: expected an object")
        try:
            suppression = item.get("suppression")
            report.add(
                Finding(
                    **{k: v for k, v in item.items() if k not in ("suppression", "location")},
                    suppression=Suppression(**suppression) if isinstance(suppression, dict) else None,
                )
            )
        except TypeError as err:
            raise InputError(f"{source}: policies[{i}]: not a Plinth finding ({err})") from None
    return report


def review_files(old: dict[str, Any], new: dict[str, Any], old_source: str, new_source: str) -> StackReport:
    """Diff two preview documents (``plinth preview --format json`` or ``pulumi preview --json``)."""
    from scripts import graph

    old_preview, new_preview = pj.read_preview(old, old_source), pj.read_preview(new, new_source)
    diff = diff_plans(old_preview, new_preview, base_source=old_source, head_source=new_source)
    base_report, head_report = _findings(old, old_source), _findings(new, new_source)
    delta = policy_delta(base_report, head_report) if (base_report or head_report) else None
    return StackReport(diff, delta, graph.edges_of(old_preview, new_preview), old_source, new_source)
