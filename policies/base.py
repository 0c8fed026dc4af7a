"""Compatibility for scripts/gate, which imports ``reads_type`` from here; new code uses policies/meta.py."""

from policies.meta import reads_type

__all__ = ["reads_type"]
