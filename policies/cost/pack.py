"""The plinth-cost pack's content, importable without starting a policy server."""

from policies.registry import pack_policies

NAME = "plinth-cost"
POLICIES = pack_policies("cost")
INITIAL_CONFIG = None
