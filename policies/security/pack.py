"""The plinth-security pack's content, importable without starting a policy server."""

from policies.registry import pack_policies

NAME = "plinth-security"
POLICIES = pack_policies("security")
INITIAL_CONFIG = None
