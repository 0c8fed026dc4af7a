"""The ``plinth`` commands: each module has ``add_parser(sub) -> parser`` and ``run(args) -> int``."""

from __future__ import annotations

from types import ModuleType

from scripts.commands import audit, policy, preview, render, report, stacks

#: In the order ``plinth --help`` lists them.
COMMANDS: tuple[ModuleType, ...] = (preview, render, policy, stacks)
COMMANDS += (audit,)
COMMANDS += (report,)
