"""Policies are tested the way the packs run them: with the per-call decode cache installed."""

from policies import analyzer_cache

assert analyzer_cache.install(), "the policy SDK's analyzer changed: policies/analyzer_cache.py needs a look"
