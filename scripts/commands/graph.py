"""``plinth graph``: the components, resources and dependencies of a stack (or a preview file) as a picture."""

from __future__ import annotations

import argparse

from scripts import console
from scripts.commands import options


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from scripts.graph import FORMATS

    p = sub.add_parser(
        "graph",
        help="draw a stack's components, resources and dependencies (Mermaid, Graphviz DOT or GraphML)",
        description="Draw the components of a stack, their resources and the dependencies between them, from the "
        "offline preview of a stack or from a preview JSON file. Mermaid renders in GitHub and GitLab Markdown; "
        "DOT in Graphviz; GraphML in yEd, Gephi or networkx.",
    )
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("-s", "--stack", metavar="NAME", help="preview this stack offline and draw it")
    source.add_argument("file", nargs="?", metavar="PLAN.json", help="a preview JSON (plinth's or pulumi's)")
    p.add_argument("--format", choices=FORMATS, default="mermaid", help="picture format (default: mermaid)")
    p.add_argument("--providers", action="store_true", help="draw the providers too")
    p.add_argument("--out", metavar="FILE", help="write the picture to FILE instead of standard output")
    options.add_project_dir(p)
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    from scripts import engine, graph

    console.check_output_path(args.out)
    if args.stack:
        with console.progress(f"Previewing stack {args.stack} offline", unit="resources registered") as bar:
            doc = engine.preview_plan(args.stack, options.project_dir(args), on_progress=bar.update)
        source = "plan"
    else:
        doc, source = console.read_json(args.file), args.file
    picture = graph.from_preview(doc, source, providers=args.providers)
    if not picture.nodes:
        raise console.InputError(f"{source}: no resources to draw")
    console.write_output(graph.render(picture, args.format), args.out)
    return console.EXIT_OK
