"""Policies are tested the way the packs run them: with every patch of the SDK's analyzer installed."""

from policies import sdk

_applied = sdk.install()
assert all(_applied.values()), (
    f"the policy SDK's analyzer changed: policies/sdk.py and analyzer_cache.py need a look ({_applied})"
)
