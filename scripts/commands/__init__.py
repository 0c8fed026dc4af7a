"""The ``plinth`` commands: each module has ``add_parser(sub) -> parser`` and ``run(args) -> int``."""

from __future__ import annotations

from scripts.commands import comment, diff, fleet, graph, policy, preview, promote, render, stacks, tenant

#: In the order ``plinth --help`` lists them.
COMMANDS = (preview, render, policy, stacks, diff, graph, comment, tenant, promote, fleet)
