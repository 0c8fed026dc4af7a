"""The ``plinth`` commands: each module has ``add_parser(sub) -> parser`` and ``run(args) -> int``."""

from __future__ import annotations

from scripts.commands import fix, health, policy, preview, render, rightsize, schema, stacks

#: In the order ``plinth --help`` lists them.
COMMANDS = (preview, render, policy, stacks, schema, health, rightsize, fix)
