"""Compatibility for scripts/gate, which imports ``all_policies`` from here to route resources.

The gate moves to the describe file each pack writes (interfaces §1); until then this keeps its
old shape: objects with ``name`` and ``meta`` (the pure policy, whose ``types`` it reads).
New code uses policies/meta.py.
"""

from __future__ import annotations

from typing import NamedTuple

from policies import meta


class _Entry(NamedTuple):
    name: str
    meta: meta.Policy


def all_policies() -> tuple[_Entry, ...]:
    return tuple(_Entry(p.name, p) for p in meta.all_policies())
