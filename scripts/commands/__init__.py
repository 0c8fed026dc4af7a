"""The ``plinth`` commands: each module has ``add_parser(sub) -> parser`` and ``run(args) -> int``."""

from __future__ import annotations

from types import ModuleType

from scripts.commands import (
    audit,
    comment,
    diff,
    fix,
    fleet,
    graph,
    health,
    policy,
    preview,
    promote,
    render,
    report,
    rightsize,
    schema,
    stacks,
    tenant,
)

#: In the order ``plinth --help`` lists them (one line per command, so branches adding one merge cleanly).
COMMANDS: tuple[ModuleType, ...] = (preview, render, policy, stacks, schema)
COMMANDS += (diff, graph, comment)
COMMANDS += (tenant, promote)
COMMANDS += (fleet,)
COMMANDS += (audit,)
COMMANDS += (report,)
COMMANDS += (health, rightsize, fix)
