"""The ``plinth`` commands: each module has ``add_parser(sub) -> parser`` and ``run(args) -> int``."""

from __future__ import annotations

from types import ModuleType

from scripts.commands import audit, policy, preview, render, report, schema, stacks

#: In the order ``plinth --help`` lists them (one line per command).
COMMANDS: tuple[ModuleType, ...] = (preview, render, policy, stacks, schema)
COMMANDS += (audit,)
COMMANDS += (report,)
