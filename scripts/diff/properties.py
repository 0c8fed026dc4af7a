"""Property-level differences between two values of a resource's inputs (pure functions).

A difference is a :class:`Change` at a path written the way people read nested properties:
``spec.ingress[0].ports[1].port``, ``data["dashboard.json"]``. Lists are aligned on equal items
first (``difflib``), so inserting one item at the front of a list shows one added item, not a
change of every item after it; the items left between two equal anchors are compared pairwise.

The plan's two sentinels keep their meaning:

* ``[secret]`` (a secret value) is never compared or shown: a secret on both sides is reported as
  unchanged (its value is not in the plan), a secret on one side only as a change to or from
  ``[secret]``;
* the unknown value (known only after apply) on both sides is unchanged: both revisions take the
  value from the same place; on one side only it is a change shown as "(known after apply)".
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from typing import Any, Iterator

from scripts import pulumi_json as pj

KNOWN_AFTER_APPLY = "(known after apply)"


class _Missing:
    """The absence of a value (a key that one side does not have)."""

    def __repr__(self) -> str:
        return "(none)"


MISSING: Any = _Missing()

_PLAIN_KEY = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$-]*$")


@dataclass(frozen=True)
class Change:
    """One difference: ``kind`` is ``add``, ``delete`` or ``update``; ``old``/``new`` may be MISSING."""

    path: str
    kind: str
    old: Any = MISSING
    new: Any = MISSING
    #: Why the change happens when the program did not change the value itself (dependency replaced).
    note: str = ""

    @property
    def segments(self) -> tuple[str, ...]:
        """The path's keys without list indexes: ``("spec", "ingress", "ports", "port")``."""
        return path_segments(self.path)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "kind": self.kind}
        if self.old is not MISSING:
            out["old"] = self.old
        if self.new is not MISSING:
            out["new"] = self.new
        if self.note:
            out["note"] = self.note
        return out


def join(path: str, key: str | int) -> str:
    """``path`` extended by a mapping key or a list index."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _PLAIN_KEY.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key)}]"


_SEGMENT = re.compile(r'\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\.?([^.\[]+)')


def path_segments(path: str) -> tuple[str, ...]:
    """The mapping keys of a path, list indexes left out (what replacement rules match on)."""
    out = []
    for index, quoted, plain in _SEGMENT.findall(path):
        if index:
            continue
        out.append(json.loads(quoted) if quoted else plain)
    return tuple(out)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=repr)


def diff_values(old: Any, new: Any, path: str = "", depth: int = 0) -> list[Change]:
    """Every difference between ``old`` and ``new`` (either may be MISSING), leaves first in path order."""
    return list(_diff(old, new, path, depth))


def _diff(old: Any, new: Any, path: str, depth: int) -> Iterator[Change]:
    if old is MISSING and new is MISSING:
        return
    if old is MISSING:
        yield Change(path, "add", new=new)
        return
    if new is MISSING:
        yield Change(path, "delete", old=old)
        return
    if old == new and type(old) is type(new):
        return  # equal values, the two sentinels included (same secret/unknown marker on both sides)
    if depth < pj.MAX_DEPTH and isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=str):
            yield from _diff(old.get(key, MISSING), new.get(key, MISSING), join(path, str(key)), depth + 1)
        return
    if depth < pj.MAX_DEPTH and isinstance(old, list) and isinstance(new, list):
        yield from _diff_lists(old, new, path, depth)
        return
    yield Change(path, "update", old=old, new=new)


def _diff_lists(old: list[Any], new: list[Any], path: str, depth: int) -> Iterator[Change]:
    """Align equal items, then compare what lies between them pairwise; the rest is added or deleted."""
    matcher = difflib.SequenceMatcher(a=[_canonical(v) for v in old], b=[_canonical(v) for v in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1)
        for k in range(pairs):
            # Paths name the item's index in the new list (where a reviewer finds it after the change).
            yield from _diff(old[i1 + k], new[j1 + k], join(path, j1 + k), depth + 1)
        for k in range(i1 + pairs, i2):
            yield Change(join(path, k), "delete", old=old[k])
        for k in range(j1 + pairs, j2):
            yield Change(join(path, k), "add", new=new[k])


def display(value: Any) -> Any:
    """A value for people: unknowns as "(known after apply)", secrets stay "[secret]", MISSING as None."""
    if value is MISSING:
        return None
    if value == pj.UNKNOWN:
        return KNOWN_AFTER_APPLY
    if isinstance(value, dict):
        return {k: display(v) for k, v in value.items()}
    if isinstance(value, list):
        return [display(v) for v in value]
    return value


def short(value: Any, limit: int = 80) -> str:
    """One line for a value: JSON for structures, cut to ``limit`` characters."""
    shown = display(value)
    if value is MISSING:
        text = "(none)"
    elif isinstance(shown, str):
        text = shown if shown in (KNOWN_AFTER_APPLY, pj.SECRET) else json.dumps(shown)
    else:
        text = json.dumps(shown, sort_keys=True)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def has_unknown(value: Any) -> bool:
    if value == pj.UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(has_unknown(v) for v in value)
    return False
