"""Policies, one per module named after the policy (see policies/meta.py); packs list them in pack.py."""
