"""``plinth preview``: run the Pulumi program offline and show what a stack would create."""

from __future__ import annotations

import argparse
import json

from scripts import console
from scripts.commands import options
from scripts.findings import GITHUB_COMMENT_LIMIT, Report


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "preview",
        help="run the Pulumi program offline and show what a stack would create",
        description="Run the real __main__.py under the Pulumi SDK's mock engine with preview semantics (no cloud "
        "calls, no credentials), then the policy packs. Exit codes: 0 ok, 1 mandatory policy violations, 2 could "
        "not preview or gate.",
    )
    options.add_stack(p, "stack name: stacks/Pulumi.<NAME>.yaml (default: dev)", default="dev")
    options.add_output(p, ("text", "json", "markdown"), "text")
    p.add_argument(
        "--details",
        action="store_true",
        help="show every resource's inputs (Markdown: in collapsible blocks, within GitHub's comment limit)",
    )
    p.add_argument("--no-policy", action="store_true", help="skip the policy packs")
    options.add_packs(p)
    options.add_project_dir(p)
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    from scripts import engine
    from scripts.commands.policy import run_packs
    from scripts.gate.resources import from_preview, stack_of

    project_dir = options.project_dir(args)
    console.check_output_path(args.out)
    config, source = (None, "") if args.no_policy else options.policy_config(args)
    packs = [] if args.no_policy else options.pack_dirs(args)

    with console.progress(
        f"Previewing stack {args.stack} offline (mock engine, no cloud calls)", unit="resources registered"
    ) as bar:
        plan = engine.preview_plan(args.stack, project_dir, on_progress=bar.update)
    report: Report | None = None
    if not args.no_policy:
        resources = from_preview(plan, "plan")
        project = (stack_of(resources) or ("plinth", args.stack))[0]
        report = run_packs(
            resources, packs, config, project=project, stack=args.stack, dry_run=True, config_source=source
        )
        plan["policies"] = report.to_json()["findings"]
    console.write_output(_render(plan, report, args), args.out)
    return report.exit_code if report is not None else console.EXIT_OK


def _render(plan: dict, report: Report | None, args: argparse.Namespace) -> str:
    from scripts import render

    if args.format == "json":
        return json.dumps(plan, indent=2) + "\n"
    if args.format == "markdown":
        policies = report.render_markdown(limit=GITHUB_COMMENT_LIMIT // 2) if report else ""
        return render.render_markdown(
            plan,
            title=f"Plinth preview of `{args.stack}`",
            policies_markdown=policies,
            details=args.details,
            source="plan",
        )
    style = console.output_style(args.out)
    text = render.render_text(plan, width=style.width, color=style.color, details=args.details, source="plan")
    return text + (report.render_text(width=style.width, color=style.color) if report else "")
