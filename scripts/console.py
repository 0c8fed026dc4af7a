"""What the ``plinth`` command shows and writes: errors, progress, output files and input files.

* One error base, :class:`PlinthError`, carries its exit code; ``scripts.cli.main`` handles every
  error once (:func:`report_error`): one line naming the file and key, and with ``--debug`` the
  real traceback (the whole chain, and a child process's own traceback when it failed there).
* Progress goes to stderr: a live line with counts on a terminal, one plain line otherwise.
* Reports go to stdout or to a file (written atomically, its directory checked before the work);
  on a terminal they take its width and colours, everywhere else a fixed width and no colour, so
  files and CI logs are the same on every machine.
* User data (names, messages, config values) is always printed as text, never parsed as Rich
  markup: callers pass plain strings or :class:`rich.text.Text`, never markup strings.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from rich.console import Console
from rich.progress import Progress, ProgressColumn, SpinnerColumn, Task, TextColumn, TimeElapsedColumn
from rich.text import Text

EXIT_OK = 0
EXIT_POLICY = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130

#: Width of reports that do not go to a terminal (files, pipes, CI logs).
FILE_WIDTH = 120


class PlinthError(Exception):
    """A problem reported as one line (or one line per problem) with an exit code, 2 by default.

    Raise it ``from`` the low-level exception so ``--debug`` shows where the problem came from;
    ``detail`` holds a traceback that happened in another process (the program, a pack).
    """

    exit_code = EXIT_ERROR

    def __init__(self, message: str, *, detail: str = "", exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.detail = detail
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class InputError(PlinthError):
    """An input file cannot be used (unreadable, not JSON, wrong shape); the message names the file."""


class UsageError(PlinthError):
    """The options cannot work (a missing directory for --out, a missing pack); found before any work."""


# --------------------------------------------------------------------------------------------
# Streams
# --------------------------------------------------------------------------------------------
def _stderr() -> Console:
    return Console(file=sys.stderr, highlight=False, soft_wrap=True)


def error(message: str) -> None:
    """``error: <message>`` on stderr; the message is text, never markup."""
    _stderr().print(Text.assemble(("error:", "bold red"), " ", message))


def warning(message: str) -> None:
    _stderr().print(Text.assemble(("warning:", "yellow"), " ", message))


def info(message: str) -> None:
    _stderr().print(Text(message))


def report_error(err: BaseException, *, debug: bool) -> int:
    """Print an error the one way every command does; returns its exit code."""
    if isinstance(err, KeyboardInterrupt):
        info("interrupted")
        return EXIT_INTERRUPTED
    if debug:
        traceback.print_exception(err, file=sys.stderr)
        detail = getattr(err, "detail", "")
        if detail:
            sys.stderr.write(f"-- in the child process:\n{detail.rstrip()}\n")
    if isinstance(err, PlinthError):
        error(err.message)
        return err.exit_code
    if _is_config_error(err):
        error(str(err))
        return EXIT_ERROR
    error(f"{type(err).__name__}: {err}" + ("" if debug else " (run with --debug for the traceback)"))
    return EXIT_ERROR


def _is_config_error(err: BaseException) -> bool:
    """``components.config.ConfigError``: its text is one line per problem naming file and key."""
    from components.config import ConfigError

    return isinstance(err, ConfigError)


# --------------------------------------------------------------------------------------------
# Progress
# --------------------------------------------------------------------------------------------
class _Count(ProgressColumn):
    """``N unit`` or ``N/M unit``."""

    def __init__(self, unit: str):
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        done = int(task.completed)
        count = f"{done}/{int(task.total)}" if task.total is not None else str(done)
        return Text(f"{count} {self.unit}".rstrip(), style="cyan")


class ProgressHandle:
    """Counts for a running step; safe to update from any thread."""

    def __init__(self, bar: Progress | None = None, task: Any = None):
        self._bar, self._task = bar, task
        self._lock = threading.Lock()
        self.completed = 0
        self.total: int | None = None

    def update(self, completed: int, total: int | None = None) -> None:
        with self._lock:
            self.completed = completed
            if total is not None:
                self.total = total
            if self._bar is not None:
                self._bar.update(self._task, completed=completed, total=self.total)

    def advance(self, amount: int = 1) -> None:
        self.update(self.completed + amount)


@contextmanager
def progress(description: str, *, unit: str = "", total: int | None = None) -> Iterator[ProgressHandle]:
    """Show a step while it runs: live counts on a terminal, one plain line otherwise."""
    err = _stderr()
    if not err.is_terminal:
        err.print(Text(f"{description}..."))
        yield ProgressHandle()
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}", markup=False), _Count(unit), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=False) as bar:
        handle = ProgressHandle(bar, bar.add_task(description, total=total))
        handle.total = total
        yield handle


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Style:
    """How a text report is laid out: the terminal's width and colours, or a fixed width."""

    width: int = FILE_WIDTH
    color: bool = False


def output_style(out: str | Path | None) -> Style:
    """The terminal's width and colour support when the report goes to one, else the file style."""
    if out is not None or not sys.stdout.isatty():
        return Style()
    terminal = Console(file=sys.stdout)  # reads COLUMNS, NO_COLOR, TERM like every Rich program
    return Style(width=terminal.width, color=terminal.color_system is not None and not terminal.no_color)


def check_output_path(out: str | Path | None) -> None:
    """Fail before any work when ``--out`` cannot be written."""
    if out is None:
        return
    path = Path(out)
    folder = path.parent
    if path.is_dir():
        raise UsageError(f"{out}: is a directory; --out takes a file name")
    if not folder.is_dir():
        raise UsageError(f"{out}: cannot write: no such directory {folder}")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"{out}: cannot write: permission denied")


def write_output(text: str, out: str | Path | None) -> None:
    """The report to stdout, or atomically to ``out`` (a reader never sees half a file)."""
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    path = Path(out)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as err:
        raise UsageError(f"{out}: cannot write: {err.strerror or err}") from err
    info(f"wrote {out}")


# --------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------
def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def read_json(path: str | Path) -> dict[str, Any]:
    """A JSON object from a file; every failure is an :class:`InputError` naming the file."""
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from err
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text: byte 0x{data[err.start]:02x} at offset {err.start}") from err
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        raise InputError(f"{path}: not JSON: {err.msg} at line {err.lineno} column {err.colno}") from err
    except ValueError as err:
        raise InputError(f"{path}: not JSON: {err}") from err
    except RecursionError as err:
        raise InputError(f"{path}: not readable: nested too deeply") from err
    if not isinstance(doc, dict):
        raise InputError(f"{path}: expected a JSON object")
    return doc
