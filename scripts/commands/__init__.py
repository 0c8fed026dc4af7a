"""The ``plinth`` commands: each module has ``add_parser(sub) -> parser`` and ``run(args) -> int``."""

from __future__ import annotations

from scripts.commands import comment, diff, graph, policy, preview, render, stacks

#: In the order ``plinth --help`` lists them.
COMMANDS = (preview, render, policy, stacks, diff, graph, comment)
