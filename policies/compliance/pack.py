"""The plinth-compliance pack's content, importable without starting a policy server."""

from policies.registry import pack_policies

NAME = "plinth-compliance"
POLICIES = pack_policies("compliance")
INITIAL_CONFIG = None
