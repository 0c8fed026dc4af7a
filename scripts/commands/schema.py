"""``plinth schema``: the package schema the plinth plugin serves, inferred from the components without the CLI."""

from __future__ import annotations

import argparse

from scripts import console


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "schema",
        help="print the Pulumi package schema of the plinth plugin (what other languages' SDKs are made from)",
        description="Print the Pulumi package schema that the plinth plugin serves to `pulumi package add`, "
        "inferred from the components' type annotations and docstrings, as indented JSON with sorted keys "
        "(the form of the committed schema.json). Exit code 2 when a component's arguments or outputs use "
        "a type the schema cannot express.",
    )
    p.add_argument("--out", metavar="FILE", help="write the schema to FILE instead of standard output")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    from components import plugin

    console.check_output_path(args.out)
    try:
        schema = plugin.package_schema()
    except Exception as err:  # noqa: BLE001 - the analyzer raises plain Exceptions naming the type
        raise console.PlinthError(f"cannot infer the plinth package schema: {err}") from err
    console.write_output(plugin.schema_text(schema), args.out)
    return console.EXIT_OK
