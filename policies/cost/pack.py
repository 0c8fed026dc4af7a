"""The plinth-cost pack's content, importable without starting a policy server."""

from policies import analyzer_cache
from policies.registry import pack_policies

analyzer_cache.install()  # decode each resource once per call, not once per policy

NAME = "plinth-cost"
POLICIES = pack_policies("cost")
INITIAL_CONFIG = None
