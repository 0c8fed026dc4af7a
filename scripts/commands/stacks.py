"""``plinth stacks``: the project's stacks, each stack file validated."""

from __future__ import annotations

import argparse

from scripts import console
from scripts.commands import options


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "stacks",
        help="list the stacks of the project and validate each stack file",
        description="List the project's stacks (stackConfigDir of Pulumi.yaml) and validate every stack "
        "file. Exit code 2 when any is invalid.",
    )
    options.add_project_dir(p)
    p.set_defaults(run=run)
    return p


def _check(project_dir, stack: str) -> tuple[str, list[str]]:
    """(status line, problem lines) of one stack."""
    from components import stackfiles
    from components.config import ConfigError

    folder = project_dir / stackfiles.read_project(project_dir).stack_config_dir
    if (folder / f"Pulumi.{stack}.yaml").is_dir():
        return "invalid", [f"{folder.name}/Pulumi.{stack}.yaml: is a directory, not a stack file"]
    try:
        loaded = stackfiles.load_stack_file(stackfiles.stack_file_path(project_dir, stack))
    except ConfigError as err:
        return "invalid", str(err).splitlines()
    except UnicodeDecodeError as err:
        return "invalid", [f"{folder.name}/Pulumi.{stack}.yaml: not UTF-8 text: byte at offset {err.start}"]
    from components import tenant

    cfg = loaded.config
    return f"ok       {cfg.environment:<12} {len(cfg.section(tenant.CAPABILITY))}", []


def run(args: argparse.Namespace) -> int:
    from components import stackfiles

    project_dir = options.project_dir(args)
    stacks = stackfiles.available_stacks(project_dir)
    lines = [f"{'STACK':<24} {'STATUS':<8} {'ENVIRONMENT':<12} TENANTS"]
    invalid = 0
    for stack in stacks:
        status, problems = _check(project_dir, stack)
        if problems:
            invalid += 1
            status = f"invalid  {len(problems)} problem(s)"
        lines.append(f"{stack:<24} {status}")
        lines += [f"    {line}" for line in problems]
    lines.append(f"{len(stacks)} stack(s): {len(stacks) - invalid} valid, {invalid} invalid")
    console.write_output("\n".join(lines) + "\n", None)
    return console.EXIT_ERROR if invalid else console.EXIT_OK
