"""The ``plinth`` command: the parser built from the command modules, run, every error reported once.

Exit codes (every command): 0 success, 1 mandatory policy violations, 2 could not do the work
(stack config, missing file, program error, a check that could not run) with one line per
problem naming the file and key; ``--debug`` adds the real traceback; 130 interrupted.
"""

from __future__ import annotations

import argparse
import signal
import sys
from importlib import metadata
from typing import Any, Callable

from scripts import console
from scripts.commands import COMMANDS


def _version() -> str:
    try:
        return metadata.version("plinth")
    except metadata.PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plinth",
        description="Plinth: preview stacks offline, gate them on policy packs, render preview diffs.",
    )
    parser.add_argument(
        "--version", action="version", version=f"plinth {_version()}", help="print the version and exit"
    )
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", help="what to do (see plinth COMMAND --help)"
    )
    for command in COMMANDS:
        # The same flag after the command (`plinth preview --debug`); absent there, the first one counts.
        command.add_parser(sub).add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help="show the full traceback of an error"
        )
    return parser


def _terminate(signum: int, _frame: Any) -> None:
    """SIGTERM (a CI job cancelled) unwinds like Ctrl-C, so every child process is stopped."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    previous = signal.signal(signal.SIGTERM, _terminate) if _main_thread() else None
    try:
        return run(args)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - the one place errors become exit codes
        return console.report_error(err, debug=args.debug)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


if __name__ == "__main__":
    sys.exit(main())
