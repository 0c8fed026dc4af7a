"""The offline plans of the committed stacks equal their snapshots.

A refactoring must not change what a stack creates. When a change to the plan is intended,
regenerate the snapshots in the same commit and review their diff:

    PLINTH_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_plan_snapshot.py
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from scripts import engine

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = Path(__file__).parent / "snapshots"
STACKS = ("dev", "tenant-acme")


def snapshot_of(plan: dict[str, Any]) -> dict[str, Any]:
    """What a plan creates, without what varies between runs (timings)."""
    return {
        "steps": [{"op": s["op"], "urn": s["urn"], "newState": s["newState"]} for s in plan["steps"]],
        "outputs": plan.get("outputs", {}),
        "diagnostics": plan.get("diagnostics", []),
    }


@pytest.mark.parametrize("stack", STACKS)
def test_plan_equals_its_snapshot(stack: str) -> None:
    actual = json.dumps(snapshot_of(engine.preview_plan(stack, ROOT)), indent=1, sort_keys=True) + "\n"
    path = SNAPSHOTS / f"plan-{stack}.json"
    if os.environ.get("PLINTH_UPDATE_SNAPSHOTS") == "1":
        path.write_text(actual)
    expected = path.read_text() if path.exists() else ""
    if actual != expected:
        diff = "".join(
            list(
                difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), str(path), "offline plan", n=2)
            )[:200]
        )
        pytest.fail(
            f"the offline plan of stack {stack!r} differs from {path.name}; if the change is intended, "
            f"regenerate with PLINTH_UPDATE_SNAPSHOTS=1 and commit the diff:\n{diff}"
        )
