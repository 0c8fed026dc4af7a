"""The plinth-security pack's content, importable without starting a policy server."""

from policies import analyzer_cache
from policies.registry import pack_policies

analyzer_cache.install()  # decode each resource once per call, not once per policy

NAME = "plinth-security"
POLICIES = pack_policies("security")
INITIAL_CONFIG = None
