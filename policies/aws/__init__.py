"""Policies, one per module; see policies/base.py."""
