"""A pack that reports every resource it is sent (and what its stack policy reads).

With ``PLINTH_POLICY_DESCRIBE`` set and a ``types.json`` beside it ({"resource": [...], "stack":
[...]}) it describes itself as a Plinth pack would; without ``types.json`` it writes nothing,
like any other pack. A resource named ``explode`` makes the resource policy raise (no guard).
"""

import json
import os
from pathlib import Path

from pulumi_policy import PolicyPack, ResourceValidationPolicy, StackValidationPolicy

HERE = Path(__file__).resolve().parent


def seen(args, report):
    if args.name == "explode":
        raise TypeError("a pod spec that is a list")
    report(f"saw {args.resource_type}")


def stack_seen(args, report):
    report("stack saw " + ",".join(sorted({r.resource_type for r in args.resources})))


types_file = HERE / "types.json"
if os.environ.get("PLINTH_POLICY_DESCRIBE") and types_file.exists():
    types = json.loads(types_file.read_text())
    description = {
        "pack": "spy",
        "version": "2.0.0",
        "policies": {
            "spy-resource-seen": {"kind": "resource", "types": types["resource"]},
            "spy-stack-seen": {"kind": "stack", "types": types["stack"]},
        },
    }
    target = Path(os.environ["PLINTH_POLICY_DESCRIBE"])
    target.with_suffix(".tmp").write_text(json.dumps(description))
    target.with_suffix(".tmp").replace(target)

PolicyPack(
    name="spy",
    policies=[
        ResourceValidationPolicy(name="spy-resource-seen", description="Reports every resource.", validate=seen),
        StackValidationPolicy(
            name="spy-stack-seen", description="Reports what the stack policy reads.", validate=stack_seen
        ),
    ],
)
