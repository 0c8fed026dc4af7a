"""Stack-wide policies that span clouds (stack-*), one per module named after the policy; see policies/meta.py."""
