"""Entry point the Pulumi engine runs for `--policy-pack policies/compliance`: only builds the PolicyPack."""

import sys
from pathlib import Path

# The policies import Plinth's conventions; make the project root importable wherever the pack runs.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pulumi_policy import EnforcementLevel, PolicyPack  # noqa: E402

from policies.compliance import pack  # noqa: E402

PolicyPack(name=pack.NAME, policies=pack.POLICIES, enforcement_level=EnforcementLevel.ADVISORY, initial_config=pack.INITIAL_CONFIG)
