"""``plinth policy``: the offline policy gate over a stack, a stack export or a preview JSON."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Mapping

from scripts import console
from scripts.commands import options
from scripts.findings import Report
from scripts.gate.resources import Resource
from scripts.stacklines import StackLines


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "policy",
        help="run the policy packs offline over a stack, a stack export or a preview JSON",
        description="Run CrossGuard policy packs offline (the Analyzer protocol, no Pulumi CLI, no credentials). "
        "Exit codes: 0 no mandatory violation, 1 mandatory violations, 2 could not evaluate (bad input or config, "
        "a pack that failed, or a resource a policy could not check).",
    )
    options.add_stack(
        p,
        "without a file: preview this stack offline and gate the plan; with --state or "
        "--preview-json: the stack the file must be of",
    )
    source = p.add_mutually_exclusive_group()
    source.add_argument("--state", type=Path, metavar="FILE", help="a `pulumi stack export` file")
    source.add_argument(
        "--preview-json",
        type=Path,
        metavar="FILE",
        help="a `pulumi preview --json` (or `plinth preview --format json`) file",
    )
    source.add_argument(
        "--list",
        action="store_true",
        help="list every policy of the packs: pack, severity, enforcement, controls, resource types (no gate)",
    )
    p.add_argument(
        "--allow-other-project",
        action="store_true",
        help="gate a preview of another project than this one's Pulumi.yaml (a warning instead of an error)",
    )
    options.add_packs(p)
    options.add_output(p, ("text", "json", "sarif", "markdown"), "text")
    options.add_project_dir(p)
    p.set_defaults(run=run)
    return p


@dataclass
class Target:
    """What is gated: the resources, whose stack they are, and the stack file findings point into."""

    resources: list[Resource]
    project: str
    stack: str
    dry_run: bool
    artifact: str = "Pulumi.yaml"
    lines: StackLines | None = None


def run(args: argparse.Namespace) -> int:
    if args.list:
        return _list(args)
    if not (args.stack or args.state or args.preview_json):
        raise console.UsageError("say what to gate: --stack NAME, --state FILE or --preview-json FILE (or --list)")
    console.check_output_path(args.out)
    config, source = options.policy_config(args)
    packs = options.pack_dirs(args)
    target = _target(args)
    report = run_packs(
        target.resources,
        packs,
        config,
        project=target.project,
        stack=target.stack,
        dry_run=target.dry_run,
        config_source=source,
    )
    if target.lines is not None:
        from scripts import gate

        gate.locate(report, target.resources, target.lines, target.artifact)
    console.write_output(_render(report, target, args), args.out)
    return report.exit_code


def _list(args: argparse.Namespace) -> int:
    from scripts import policy_list

    if args.format == "sarif":
        raise console.UsageError("--list prints text, json or markdown")
    console.check_output_path(args.out)
    items = policy_list.rows()
    if args.format == "json":
        text = policy_list.render_json(items)
    elif args.format == "markdown":
        text = policy_list.render_markdown(items)
    else:
        text = policy_list.render_text(items, width=console.output_style(args.out).width)
    console.write_output(text, args.out)
    return 0


def run_packs(
    resources: list[Resource],
    packs: list[Path],
    config: Mapping[str, Any] | None,
    *,
    project: str,
    stack: str,
    dry_run: bool,
    config_source: str,
) -> Report:
    """The gate with progress: resources analysed out of those sent to the packs."""
    from scripts import gate

    with console.progress(
        f"Running {len(packs)} policy pack(s) over {len(resources)} resources", unit="analysed"
    ) as bar:
        return gate.evaluate(
            resources,
            packs,
            config,
            project=project,
            stack=stack,
            dry_run=dry_run,
            config_source=config_source or "policy config",
            on_progress=bar.update,
        )


def _render(report: Report, target: Target, args: argparse.Namespace) -> str:
    if args.format == "json":
        return json.dumps(report.to_json(), indent=2) + "\n"
    if args.format == "sarif":
        return json.dumps(report.to_sarif(target.artifact, tool_version=_version()), indent=2) + "\n"
    if args.format == "markdown":
        return report.render_markdown()
    style = console.output_style(args.out)
    return report.render_text(width=style.width, color=style.color)


def _version() -> str:
    try:
        return metadata.version("plinth")
    except metadata.PackageNotFoundError:
        return ""


# --------------------------------------------------------------------------------------------
# The three inputs
# --------------------------------------------------------------------------------------------
def _target(args: argparse.Namespace) -> Target:
    project_dir = options.project_dir(args)
    if args.preview_json:
        target = _from_preview_json(args.preview_json, project_dir, args.allow_other_project)
    elif args.state:
        target = _from_state(args.state)
    else:
        return _from_offline_preview(args.stack, project_dir)
    if args.stack and target.stack != args.stack:
        file = args.preview_json or args.state
        raise console.InputError(f"{file}: the resources are of stack {target.stack!r}, not {args.stack!r} (--stack)")
    _point_into_stack_file(target, project_dir)
    return target


def _from_offline_preview(stack: str, project_dir: Path) -> Target:
    from scripts import engine, stacklines
    from scripts.gate.resources import from_preview, stack_of

    with console.progress(f"Previewing stack {stack} offline", unit="resources registered") as bar:
        plan = engine.preview_plan(stack, project_dir, on_progress=bar.update)
    resources = from_preview(plan, "plan")
    project = (stack_of(resources) or ("plinth", stack))[0]
    artifact = _stack_file(project_dir, stack)
    lines = stacklines.read(project_dir / artifact) if artifact else None
    return Target(resources, project, stack, True, artifact or "Pulumi.yaml", lines)


def _from_preview_json(path: Path, project_dir: Path, allow_other_project: bool) -> Target:
    from scripts import pulumi_json
    from scripts.gate.resources import from_preview

    preview = pulumi_json.read_preview(console.read_json(path), str(path))
    if preview.errors:
        raise console.InputError(
            f"{path}: the preview failed: {preview.errors[0].message.strip() or 'an error diagnostic'}"
        )
    if not preview.steps:
        raise console.InputError(f"{path}: no steps: an empty or failed preview has nothing to gate")
    project, stack = _one_stack(preview.stacks(), path)
    expected = _project_name(project_dir)
    if project != expected:
        message = f"{path}: a preview of project {project!r}, not of this project {expected!r} (Pulumi.yaml)"
        if not allow_other_project:
            raise console.InputError(message + "; pass --allow-other-project to gate it anyway")
        console.warning(message)
    return Target(from_preview(preview, str(path)), project, stack, True)


def _from_state(path: Path) -> Target:
    from scripts import pulumi_json
    from scripts.gate.resources import from_state

    resources = from_state(console.read_json(path), str(path))
    if not resources:
        raise console.InputError(f"{path}: deployment.resources is empty: nothing to gate")
    project, stack = _one_stack({(u.project, u.stack) for u in (pulumi_json.parse_urn(r.urn) for r in resources)}, path)
    return Target(resources, project, stack, False)


def _one_stack(pairs: set[tuple[str, str]], path: Path) -> tuple[str, str]:
    if len(pairs) != 1:
        names = ", ".join(sorted(f"{p}/{s}" for p, s in pairs))
        raise console.InputError(f"{path}: resources of several stacks ({names}): gate one stack at a time")
    return next(iter(pairs))


def _project_name(project_dir: Path) -> str:
    from components import stackfiles

    return stackfiles.read_project(project_dir).name


def _stack_file(project_dir: Path, stack: str) -> str | None:
    """The stack file of ``stack`` relative to the project, if this project has one."""
    from components import stackfiles
    from components.config import ConfigError

    try:
        return str(stackfiles.stack_file_path(project_dir, stack).relative_to(project_dir))
    except (ConfigError, ValueError):
        return None


def _point_into_stack_file(target: Target, project_dir: Path) -> None:
    from scripts import stacklines

    if target.project != _project_name(project_dir):
        return
    artifact = _stack_file(project_dir, target.stack)
    if artifact:
        target.artifact, target.lines = artifact, stacklines.read(project_dir / artifact)
