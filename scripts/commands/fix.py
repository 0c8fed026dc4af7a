"""``plinth fix``: every finding of a stack with its remediation; the ones Plinth can fix in the
stack config become one comment-preserving patch (``--write`` applies it)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from scripts import console
from scripts.commands import options


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "fix",
        help="remediate a stack's findings: a stack-file patch where Plinth owns the fix, steps otherwise",
        description="Check the stack file, gate its offline preview on the policy packs (or read a findings "
        "report with --findings), and for each finding either propose the stack-config change that fixes it "
        "(one patch, comments and order kept, validated; --write applies it) or say what to do by hand. "
        "Exit code 1 when mandatory findings are left to do by hand.",
    )
    options.add_stack(p, "the stack to fix (required)")
    p.add_argument(
        "--findings", type=Path, metavar="FILE",
        help="a JSON report of `plinth policy --format json` (or the audit) instead of running the gate",
    )  # fmt: skip
    p.add_argument("--write", action="store_true", help="apply the patch to the stack file")
    options.add_packs(p)
    options.add_output(p, ("text", "json", "markdown"), "text")
    options.add_project_dir(p)
    p.set_defaults(run=run)
    return p


def _gate(args: argparse.Namespace, project_dir: Path) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """Findings (as in the JSON report) and resource props by URN."""
    if args.findings is not None:
        doc = console.read_json(args.findings)
        findings = doc.get("findings")
        if not isinstance(findings, list) or not all(isinstance(f, dict) for f in findings):
            raise console.InputError(f"{args.findings}: findings: expected the list of a plinth policy JSON report")
        return findings, {}
    from scripts.commands import policy

    config, source = options.policy_config(args)
    packs = options.pack_dirs(args)
    target = policy._from_offline_preview(args.stack, project_dir)
    report = policy.run_packs(target.resources, packs, config, project=target.project, stack=target.stack,
                              dry_run=True, config_source=source)  # fmt: skip
    return [f.to_json() for f in report.findings], {r.urn: r.properties for r in target.resources}


def run(args: argparse.Namespace) -> int:
    from components import stackfiles
    from components.config import ConfigError
    from scripts import remediate, stackpatch

    if not args.stack:
        raise console.UsageError("fix needs --stack NAME: the stack file it checks and patches")
    console.check_output_path(args.out)
    project_dir = options.project_dir(args)
    path = stackfiles.stack_file_path(project_dir, args.stack)
    source = str(path.relative_to(project_dir))
    raw = (stackfiles.load_yaml(stackfiles.read_text(path, source, "stack file"), source) or {}).get("config") or {}
    try:
        stackfiles.load_stack_file(path, relative_to=project_dir)
    except ConfigError as err:
        # The gate needs a valid config: fix what the config itself gets wrong first.
        items = remediate.config_items(err.problems, raw)
    else:
        findings, props = _gate(args, project_dir)
        items = remediate.finding_items(findings, props, raw)
    changes = remediate.dedupe([c for item in items for c in item.changes])
    patch = stackpatch.propose(path, changes, source=source) if changes else None
    style = console.output_style(args.out)
    console.write_output(render(items, args.format, source, width=style.width), args.out)
    stackpatch.show_patch(patch, write=args.write, fmt=args.format)
    left = [i for i in items if not i.fixed and i.enforcement == "mandatory"]
    return console.EXIT_POLICY if left else console.EXIT_OK


def render(items: list[Any], fmt: str, source: str, *, width: int = 120) -> str:
    from scripts.findings import md_code, md_text

    if fmt == "json":
        return json.dumps({"stackFile": source, "items": [i.to_json() for i in items]}, indent=2) + "\n"
    fixed = [i for i in items if i.fixed]
    manual = [i for i in items if not i.fixed]
    if fmt == "markdown":
        lines = [f"## Plinth fix: {len(fixed)} fixable in {md_code(source)}, {len(manual)} by hand", ""]
        for i in fixed:
            for c in i.changes:
                lines.append(f"- **{md_text(i.source)}** {md_text(i.subject)}: {md_code(c.path)} = "
                             f"{md_code(json.dumps(c.value))} ({md_text(c.why)})")  # fmt: skip
        lines += [f"- **{md_text(i.source)}** {md_text(i.subject)}: {md_text(i.message)} **By hand:** "
                  f"{md_text(i.by_hand)}" for i in manual]  # fmt: skip
        return "\n".join(lines) + "\n"
    lines = [f"{len(items)} finding(s): {len(fixed)} fixable by a change of {source}, {len(manual)} to do by hand"]
    for i in fixed:
        for c in i.changes:
            lines.append(f"  FIX     {i.source} {i.subject}: {c.path} = {json.dumps(c.value)} ({c.why})")
    for i in manual:
        level = f" [{i.enforcement}]" if i.enforcement else ""
        lines.append(f"  BY HAND {i.source}{level} {i.subject}: {i.message}\n          -> {i.by_hand}")
    return "\n".join(lines) + "\n"
