"""The ``plinth`` command.

Exit codes (every subcommand): 0 success, 1 mandatory policy violations, 2 bad input (stack
config, missing file, program error) with a one-line message; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from rich.console import Console
from rich.markup import escape

EXIT_OK = 0
EXIT_POLICY = 1
EXIT_ERROR = 2

_err = Console(stderr=True, highlight=False)


class CliError(Exception):
    """A problem reported as one line with exit code 2."""


@contextmanager
def progress(message: str) -> Iterator[None]:
    """A spinner on stderr for interactive terminals; one plain line otherwise."""
    if _err.is_terminal:
        with _err.status(message):
            yield
    else:
        _err.print(message)
        yield


def write_output(text: str, out: str | None) -> None:
    if out:
        try:
            Path(out).write_text(text)
        except OSError as err:
            raise CliError(f"{out}: cannot write: {err.strerror}") from None
        _err.print(f"wrote {escape(str(out))}")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def read_json_file(path: str) -> dict[str, Any]:
    from scripts.gate.resources import InputError, read_json

    try:
        return read_json(Path(path))
    except InputError as err:
        raise CliError(str(err)) from None


# --------------------------------------------------------------------------------------------
# plinth preview
# --------------------------------------------------------------------------------------------
def _run_policy_gate(plan: dict[str, Any], stack: str, packs: list[str] | None, config_file: str | None):
    from scripts import gate

    config = read_json_file(config_file) if config_file else None
    pack_dirs = [Path(p) for p in packs] if packs else list(gate.DEFAULT_PACKS)
    try:
        return gate.run_gate(plan, pack_dirs, config, stack=stack, config_source=config_file or "policy config")
    except gate.GateError as err:
        raise CliError(str(err)) from None


def cmd_preview(args: argparse.Namespace) -> int:
    from scripts import engine, render

    project_dir = Path(args.project_dir).resolve() if args.project_dir else engine.project_root()
    with progress(f"Previewing stack [bold]{args.stack}[/bold] offline (mock engine, no cloud calls)..."):
        try:
            plan = engine.preview_plan(args.stack, project_dir)
        except engine.EngineError as err:
            raise CliError(err.message) from err
    report = None
    if not args.no_policy:
        with progress("Running the policy packs over the plan..."):
            report = _run_policy_gate(plan, args.stack, args.pack, args.policy_config)
        plan["policies"] = report.to_json()["findings"]
    if args.format == "json":
        text = json.dumps(plan, indent=2) + "\n"
    elif args.format == "markdown":
        text = render.render_markdown(
            plan, title=f"Plinth preview of `{args.stack}`",
            policies_markdown=report.render_markdown() if report else "",
        )
    else:
        text = render.render_text(plan, details=args.details, policies_text=report.render_text() if report else "")
    write_output(text, args.out)
    return report.exit_code if report is not None else EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    """Render a preview JSON file (Plinth's or a real `pulumi preview --json`) for people."""
    from scripts import render

    preview = read_json_file(args.file)
    if "steps" not in preview:
        raise CliError(f"{args.file}: no 'steps': not a preview JSON (pulumi preview --json or plinth preview --format json)")
    if args.format == "markdown":
        text = render.render_markdown(preview, title=args.title)
    else:
        text = render.render_text(preview, details=args.details)
    write_output(text, args.out)
    return EXIT_OK


def cmd_stacks(args: argparse.Namespace) -> int:
    from components import config as stack_config, stackfiles
    from scripts import engine

    project_dir = Path(args.project_dir).resolve() if args.project_dir else engine.project_root()
    failures = 0
    for stack in stackfiles.available_stacks(project_dir):
        path = stackfiles.stack_file_path(project_dir, stack)
        try:
            loaded = stackfiles.load_stack_file(path)
            cfg = loaded.config
            print(f"{stack:<24} ok       {cfg.environment:<8} {len(cfg.tenants)} tenant(s)")
        except stack_config.ConfigError as err:
            failures += 1
            print(f"{stack:<24} invalid  {len(err.problems)} problem(s)")
            for line in str(err).splitlines():
                print(f"    {line}")
    return EXIT_ERROR if failures else EXIT_OK


# --------------------------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plinth",
        description="Plinth: preview stacks offline, gate them on policy packs, render preview diffs.",
    )
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks for errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("preview", help="run the Pulumi program offline and show what a stack would create")
    p.add_argument("--stack", "-s", default="dev", help="stack name: stacks/Pulumi.<NAME>.yaml (default: dev)")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.add_argument("--out", help="write to FILE instead of standard output")
    p.add_argument("--details", action="store_true", help="text format: show every resource's inputs")
    p.add_argument("--no-policy", action="store_true", help="skip the policy packs")
    p.add_argument("--pack", action="append", metavar="DIR", help="policy pack directory (repeatable; default: all packs)")
    p.add_argument("--policy-config", metavar="FILE", help="policy config JSON, as for pulumi preview --policy-pack-config")
    p.add_argument("--project-dir", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_preview)

    r = sub.add_parser("render", help="render a preview JSON file (plinth's or pulumi preview --json) as text or Markdown")
    r.add_argument("file")
    r.add_argument("--format", choices=("text", "markdown"), default="markdown")
    r.add_argument("--title", default="Pulumi preview")
    r.add_argument("--details", action="store_true")
    r.add_argument("--out")
    r.set_defaults(func=cmd_render)

    s = sub.add_parser("stacks", help="list the stacks of the project and validate each stack file")
    s.add_argument("--project-dir", help=argparse.SUPPRESS)
    s.set_defaults(func=cmd_stacks)

    try:
        from scripts import gate
    except ImportError:  # the gate is part of the package; only a broken install lands here
        gate = None
    if gate is not None:
        gate.register_cli(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except CliError as err:
        _err.print(f"[red]error:[/red] {escape(str(err))}", soft_wrap=True)
        if args.debug and err.__cause__ is not None:
            traceback.print_exception(err.__cause__)
        return EXIT_ERROR
    except KeyboardInterrupt:
        _err.print("interrupted")
        return 130
    except Exception as err:  # noqa: BLE001 - one line unless --debug
        if args.debug:
            traceback.print_exc()
        _err.print(f"[red]error:[/red] {escape(type(err).__name__ + ': ' + str(err))}", soft_wrap=True)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
