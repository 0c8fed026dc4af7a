"""Shared by the workload policies: the types that carry a pod template."""

from policies.props import WORKLOAD_KINDS

TYPES = tuple(WORKLOAD_KINDS)
