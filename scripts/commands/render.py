"""``plinth render``: a preview JSON (Plinth's or a real ``pulumi preview --json``) for people."""

from __future__ import annotations

import argparse

from scripts import console
from scripts.commands import options


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "render",
        help="render a preview JSON file (plinth's or pulumi preview --json) as text or Markdown",
        description="Render a preview JSON for people: a PR comment with a summary table and collapsible details "
        "(within GitHub's comment limit), or a text tree. Secrets are never shown.",
    )
    p.add_argument("file", help="the preview JSON: `pulumi preview --json` or `plinth preview --format json`")
    options.add_output(p, ("text", "markdown"), "markdown")
    p.add_argument("--title", default="Pulumi preview", help="Markdown heading (default: Pulumi preview)")
    p.add_argument("--details", action="store_true", help="include every resource's inputs")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    from scripts import render

    console.check_output_path(args.out)
    doc = console.read_json(args.file)
    if args.format == "markdown":
        text = render.render_markdown(doc, title=args.title, details=args.details, source=args.file)
    else:
        style = console.output_style(args.out)
        text = render.render_text(doc, width=style.width, color=style.color, details=args.details, source=args.file)
    console.write_output(text, args.out)
    return console.EXIT_OK
