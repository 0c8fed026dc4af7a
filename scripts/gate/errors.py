"""The gate's errors: each is a :class:`~scripts.console.PlinthError` (exit code 2, one line per problem)."""

from __future__ import annotations

from scripts.console import PlinthError


class GateError(PlinthError):
    """The gate could not evaluate; the message names the input, the pack or the config key."""


class PolicyConfigError(GateError):
    """A policy config value is wrong; one line per problem, each naming the file and the key."""


class PackError(GateError):
    """A pack could not be started, timed out or crashed; the message says which pack and why."""
