"""``plinth diff``: what a change does to each stack, offline - base vs head, or two preview files."""

from __future__ import annotations

import argparse
from pathlib import Path

from scripts import console
from scripts.commands import options


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "diff",
        help="what a change does: offline previews of two git revisions (or two preview files), diffed",
        description="Preview a stack offline at two revisions of the project (the base in a temporary git worktree: "
        "its own program, config and policy packs; no credentials), match the resources by URN and show per "
        "resource create/update/replace/delete with the property changes, what is protected or holds data first, "
        "and the policy findings new or fixed in head. Or diff two preview JSON files. Exit codes: 0 ok, 1 the "
        "change brings new mandatory policy violations, 2 could not preview, gate or read the input.",
    )
    p.add_argument("files", nargs="*", metavar="PREVIEW.json", help="two preview files to diff instead: OLD NEW")
    p.add_argument(
        "-s",
        "--stack",
        action="append",
        metavar="NAME",
        help="stack to diff (repeatable; default: every stack the change touches)",
    )
    p.add_argument("--base", default="HEAD", metavar="GIT_REV", help="the revision before the change (default: HEAD)")
    p.add_argument(
        "--head", metavar="GIT_REV", help="the revision with the change (default: the working tree as it is)"
    )
    options.add_output(p, ("text", "json", "markdown"), "text")
    p.add_argument(
        "--full-report",
        metavar="FILE",
        help="also write the complete JSON report to FILE (the Markdown names it when details had to be left out)",
    )
    p.add_argument(
        "--sarif",
        metavar="FILE",
        help="also write the head's policy findings as SARIF 2.1.0 (one run per stack) for code scanning",
    )
    p.add_argument("--no-policy", action="store_true", help="skip the policy packs on both sides")
    options.add_packs(p)
    options.add_project_dir(p)
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    from scripts.diff import render

    for path in (args.out, args.full_report, args.sarif):
        console.check_output_path(path)
    if args.files:
        if args.sarif:
            raise console.UsageError("--sarif needs the policy gate of a revision: it does not go with two files")
        reports = [_from_files(args)]
    else:
        reports = _from_revisions(args)
    style = console.output_style(args.out)
    if args.full_report:
        console.write_output(render.render_json(reports), args.full_report)
    if args.format == "json":
        text = render.render_json(reports)
    elif args.format == "markdown":
        text = render.render_markdown(reports, full_report=args.full_report or "")
    else:
        text = render.render_text(reports, width=style.width, color=style.color)
    console.write_output(text, args.out)
    return _exit_code(reports)


def _exit_code(reports: list) -> int:
    code = console.EXIT_OK
    for r in reports:
        delta = r.policies
        if delta is None:
            continue
        if (delta.head or {}).get("errors"):
            return console.EXIT_ERROR
        if delta.new_mandatory:
            code = console.EXIT_POLICY
    return code


def _from_files(args: argparse.Namespace):
    from scripts.diff.review import review_files

    if len(args.files) != 2:
        raise console.UsageError("give two preview files (OLD NEW), or none to diff git revisions")
    if args.stack or args.head or args.base != "HEAD":
        raise console.UsageError("--stack, --base and --head diff git revisions; they do not go with two files")
    old_path, new_path = args.files
    return review_files(console.read_json(old_path), console.read_json(new_path), old_path, new_path)


def _from_revisions(args: argparse.Namespace):
    from contextlib import ExitStack

    from components import stackfiles
    from scripts.diff import revisions
    from scripts.diff.review import Side, review_stack

    project_dir = options.project_dir(args)
    repo = revisions.Repo.of(project_dir)
    config, source = (None, "") if args.no_policy else options.policy_config(args)
    packs = [] if args.no_policy else options.pack_dirs(args)
    base_label = repo.describe(args.base)
    head_label = repo.describe(args.head) if args.head else "working tree"
    with ExitStack() as stack:
        base_dir = stack.enter_context(revisions.checkout(repo, args.base))
        head_dir = stack.enter_context(revisions.checkout(repo, args.head)) if args.head else project_dir
        base = Side(base_label, base_dir, [] if args.no_policy else _side_packs(args, base_dir, packs), validate=False)
        head = Side(head_label, head_dir, [] if args.no_policy else _side_packs(args, head_dir, packs))
        names = args.stack or _touched(repo, args, base_dir, head_dir)
        for name in names:
            if not base.has_stack(name) and not head.has_stack(name):
                known = ", ".join(stackfiles.available_stacks(head_dir)) or "none"
                raise console.InputError(f"--stack {name}: no such stack at either revision; stacks: {known}")
        reports = []
        runs = []
        for name in names:
            with console.progress(
                f"Previewing stack {name} at {base_label} and {head_label} offline", unit="resources registered"
            ) as bar:
                report, _, new = review_stack(
                    name,
                    base,
                    head,
                    policy_config=config,
                    config_source=source or "policy config",
                    on_progress=bar.update,
                )
            reports.append(report)
            if args.sarif and new.report is not None:
                runs.append(_sarif_run(name, new, head_dir, repo))
        if args.sarif:
            _write_sarif(runs, args.sarif)
    if not names:
        console.info(f"no stack is touched by the change from {base_label} to {head_label}")
    return reports


def _side_packs(args: argparse.Namespace, project_dir: Path, packs: list[Path]) -> list[Path]:
    from scripts.diff.review import packs_of

    return packs if args.pack else packs_of(project_dir, packs)


def _touched(repo, args: argparse.Namespace, base_dir: Path, head_dir: Path) -> list[str]:
    from components import stackfiles
    from scripts.diff import revisions

    stacks = set(stackfiles.available_stacks(head_dir)) | set(stackfiles.available_stacks(base_dir))
    changed = repo.changed_files(args.base, args.head)
    return revisions.touched_stacks(changed, sorted(stacks), stackfiles.read_project(head_dir).stack_config_dir)


def _sarif_run(stack: str, side, project_dir: Path, repo) -> dict:
    """The head's findings of one stack as a SARIF run, located at the stack file's lines."""
    from importlib import metadata

    from components import stackfiles
    from scripts import gate, stacklines
    from scripts.gate.resources import from_preview

    stack_file = stackfiles.stack_file_path(project_dir, stack)
    artifact = (repo.project / stack_file.relative_to(project_dir).as_posix()).as_posix()
    resources = from_preview(side.plan, "plan")
    gate.locate(side.report, resources, stacklines.read(stack_file), artifact)
    try:
        version = metadata.version("plinth")
    except metadata.PackageNotFoundError:
        version = ""
    run = side.report.to_sarif(artifact, tool_version=version)["runs"][0]
    run["automationDetails"] = {"id": f"plinth-policy/{stack}/"}
    return run


def _write_sarif(runs: list[dict], out: str) -> None:
    import json

    from scripts.findings import SARIF_SCHEMA

    console.write_output(json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": runs}, indent=2) + "\n", out)
