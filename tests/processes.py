"""Which processes a test left behind (Linux /proc): pack servers and engine children must not outlive plinth."""

from __future__ import annotations

import os
from pathlib import Path


def _stat(pid: str) -> tuple[int, str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    state_and_rest = text[text.rindex(")") + 2 :].split()
    if state_and_rest[0] == "Z":  # exited, not yet reaped: not running
        return None
    return int(state_and_rest[1]), cmdline


def descendants(pid: int | None = None) -> list[str]:
    """Command lines of the running descendants of ``pid`` (default: this process)."""
    pid = pid or os.getpid()
    table = {p: s for p in os.listdir("/proc") if p.isdigit() and (s := _stat(p)) is not None}
    found, frontier = [], {pid}
    while frontier:
        children = {int(p) for p, (ppid, _) in table.items() if ppid in frontier}
        found += [table[str(c)][1] for c in children]
        frontier = children
    return found


def with_environ(marker: str) -> list[str]:
    """Command lines of running processes whose environment holds ``marker`` (survives re-parenting)."""
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            environ = Path(f"/proc/{p}/environ").read_bytes()
        except OSError:
            continue
        if marker.encode() in environ and _stat(p) is not None:
            out.append(Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
    return out
