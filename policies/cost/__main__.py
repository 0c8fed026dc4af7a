"""Entry point the Pulumi engine runs for `--policy-pack policies/cost`: serves the pack listed in pack.py."""

import sys
from pathlib import Path

# The policies import Plinth's conventions; make the project root importable wherever the pack runs.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from policies import sdk  # noqa: E402
from policies.cost import pack  # noqa: E402

sdk.serve(pack)
