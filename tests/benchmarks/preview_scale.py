"""Benchmark: the offline preview of a pooled stack with N tenants vs. the raw SDK.

    python tests/benchmarks/preview_scale.py --tenants 1000 [--write-plan plan.json]

1. Generates a pooled stack (tenants spread over aws/gcp/azure/none and all tiers).
2. In a fresh process, runs the offline preview of it (config load + validation + the real
   program under the recording engine) and records the plan.
3. In another fresh process, replays the recorded registrations (same types, names, parents,
   inputs, options, dependencies, and inputs that wait on other resources' outputs) through the raw
   SDK - the provider SDKs' own classes (``pulumi_aws.s3.Bucket``...), plain ``ComponentResource``
   for components - under the same engine: what writing the same resources by hand costs.

Prints resources, seconds, resources/s, peak RSS of each process and the ratio Plinth/raw.
Targets at N=1000: ratio <= 1.10, peak memory <= 1 GiB.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CLOUDS = ("aws", "gcp", "azure", "none")
TIERS = ("free", "standard", "premium", "enterprise")
#: Tiers whose backups must be copied to a second region (components.backup.spec.DR_TIERS), and where to.
DR_TIERS = ("premium", "enterprise")
COPY_REGIONS = {"aws": "eu-central-1", "gcp": "europe-west1", "azure": "northeurope"}


def pooled_stack(n: int) -> dict:
    dev = yaml.safe_load((ROOT / "stacks" / "Pulumi.dev.yaml").read_text())["config"]
    # The dev stack's monitoring and deployments name its own tenants and services: the pooled stack measures
    # tenants (with their backups) at scale; a tenant's services are the user's, not a fixed cost per tenant.
    skipped = ("plinth:tenants", "plinth:monitoring", "plinth:deployments")
    config = {k: v for k, v in dev.items() if not k.startswith(skipped)}
    tenants = []
    backups: dict[str, dict] = {}
    for i in range(n):
        cloud, tier = CLOUDS[i % 4], TIERS[(i // 4) % 4]
        tenant = {
            "id": f"t{i:05d}",
            "displayName": f"Tenant {i}",
            "tier": tier,
            "cloud": cloud,
            "costCenter": f"cc-{i % 97}",
            "ownerGroups": {"admins": [f"t{i:05d}-admins"]},
        }
        if tier != "free" and i % 3 == 0:
            tenant["compliance"] = ["soc2"]
        tenants.append(tenant)
        if tier in DR_TIERS and cloud != "none":
            # What the stack file of a pooled stack must say for these tiers (backup.tenants.<id>).
            backups[tenant["id"]] = {"copyTo": {"region": COPY_REGIONS[cloud]}, "drRpo": "48h"}
    config["plinth:tenants"] = tenants
    if "plinth:backup" in config:
        # Every tenant is backed up as in the dev stack (its notify and Velero choices); the dev stack's
        # per-tenant entries name its own tenants, so each pooled tenant gets its tier's entry instead.
        config["plinth:backup"] = {**config["plinth:backup"], "tenants": backups}
    return {"config": config}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------------------------
# Child processes
# --------------------------------------------------------------------------------------------
def child_plinth(project: Path, stack: str, plan_out: Path) -> dict:
    from scripts import engine

    started = time.perf_counter()
    plan = engine.run_stack_in_process(stack, project, preview=True)  # this process is the program's own
    seconds = time.perf_counter() - started
    with plan_out.open("w") as out:
        json.dump(plan.to_json(), out)  # as plinth preview --out writes it: streamed
    return {"resources": len(plan.resources), "seconds": seconds, "peak_mib": peak_rss_mib()}


def typed_classes(needed: set[str]) -> dict[str, type]:
    """Type token -> the provider SDK's class, for the ``needed`` tokens (from the modules the SDKs register)."""
    import importlib

    # Importing the provider SDKs registers their modules.
    import pulumi_aws  # noqa: F401
    import pulumi_azure_native  # noqa: F401
    import pulumi_gcp  # noqa: F401
    import pulumi_kubernetes  # noqa: F401
    from pulumi.runtime import rpc

    classes: dict[str, type] = {}
    for modules in rpc._RESOURCE_MODULES.values():
        for module in modules:
            info = getattr(module, "mod_info", None)
            if not info:
                continue
            for token, class_name in info["classes"].items():
                classes[token] = (info["fqn"], class_name)
    return {
        token: getattr(importlib.import_module(fqn), name) for token, (fqn, name) in classes.items() if token in needed
    }


def snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


def registration_order(states: list[dict]) -> list[dict]:
    """The plan's states, each after its parent, provider and dependencies (the plan lists parents first and
    siblings by URN, so an explicit provider may come after a resource that uses it): a program can only
    pass a resource it has already created."""
    by_urn = {s["urn"]: s for s in states}
    ordered: list[dict] = []
    seen: set[str] = set()

    def needs(state: dict) -> list[str]:
        provider = (state.get("provider") or "").rsplit("::", 1)[0]
        deps = [state.get("parent", ""), provider, *state.get("dependencies", [])]
        deps += [u for urns in (state.get("propertyDependencies") or {}).values() for u in urns]
        return [u for u in deps if u in by_urn]

    for root in states:
        stack = [(root, False)]
        while stack:
            state, expanded = stack.pop()
            if state["urn"] in seen:
                continue
            if expanded:
                seen.add(state["urn"])
                ordered.append(state)
                continue
            stack.append((state, True))
            stack.extend((by_urn[u], False) for u in reversed(needs(state)) if u not in seen)
    return ordered


MISSING = re.compile(r"^Missing required property '(\w+)'$")


def typed(cls: type, name: str, opts, kwargs: dict, dependencies: list):
    """``cls(name, opts=opts, **kwargs)``; a required input the plan lacks came from an output that was
    absent at preview (e.g. a computed attribute the mocks leave out): a hand-written program passes that
    output, which resolves to nothing once the resources it came from are registered - so does the replay."""
    import pulumi

    while True:
        try:
            return cls(name, opts=opts, **kwargs)
        except TypeError as err:
            missing = MISSING.match(str(err))
            if not missing or missing.group(1) in kwargs:
                raise
            kwargs[missing.group(1)] = pulumi.Output.all(*[d.urn for d in dependencies]).apply(lambda _: None)


def child_raw(plan_file: Path, stack: str) -> dict:
    import pulumi

    from scripts import engine

    steps = json.loads(plan_file.read_text())["steps"]
    states = registration_order([s["newState"] for s in steps if s["newState"]["type"] != engine.STACK_TYPE])
    classes = typed_classes({s["type"] for s in states if s["custom"]})

    def program() -> None:
        created: dict[str, pulumi.Resource] = {}
        for state in states:
            if state["type"].startswith(engine.PROVIDER_PREFIX) and state["urn"].rsplit("::", 1)[-1].startswith(
                "default_"
            ):
                continue  # default providers are implicit for the raw SDK too
            name = state["urn"].rsplit("::", 1)[-1]
            opts = pulumi.ResourceOptions(
                parent=created.get(state.get("parent", "")),
                protect=state.get("protect", False),
                retain_on_delete=state.get("retainOnDelete", False),
                depends_on=[created[d] for d in state.get("dependencies", []) if d in created],
                provider=created.get((state.get("provider") or "").rsplit("::", 1)[0]) if state["custom"] else None,
            )
            # Inputs that came from other resources' outputs wait for those resources, as in
            # the program (the recorded property dependencies say which).
            inputs = dict(state["inputs"])
            for key, deps in (state.get("propertyDependencies") or {}).items():
                waits = [created[d].urn for d in deps if d in created]
                if key in inputs and waits:
                    inputs[key] = pulumi.Output.all(*waits).apply(lambda _, v=inputs[key]: v)
            cls = classes.get(state["type"])
            if state["type"].startswith(engine.PROVIDER_PREFIX):
                res: pulumi.Resource = pulumi.ProviderResource(state["type"].split(":")[2], name, state["inputs"], opts)
            elif cls is not None:
                kwargs = {snake(k): v for k, v in inputs.items()}
                if state["type"].startswith("kubernetes:"):
                    kwargs.pop("api_version", None), kwargs.pop("kind", None)
                if "resource_name" in kwargs:
                    kwargs["resource_name_"] = kwargs.pop("resource_name")
                waits = [created[d] for d in state.get("dependencies", []) if d in created]
                res = typed(cls, name, opts, kwargs, waits)
            elif state["custom"]:
                res = pulumi.CustomResource(state["type"], name, inputs, opts)
            else:
                res = pulumi.ComponentResource(state["type"], name, None, opts)
            created[state["urn"]] = res

    started = time.perf_counter()
    plan = engine.run(program, project="plinth", stack=stack, preview=True)
    seconds = time.perf_counter() - started
    return {"resources": len(plan.resources), "seconds": seconds, "peak_mib": peak_rss_mib(), "typed": len(classes)}


def run_child(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        sys.exit(f"child {args[0]} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--write-plan", type=Path, help="keep the recorded plan (input for policy_gate.py)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        sys.path.insert(0, str(ROOT))
        kind, *rest = args.child
        result = (
            child_plinth(Path(rest[0]), rest[1], Path(rest[2]))
            if kind == "plinth"
            else child_raw(Path(rest[0]), rest[1])
        )
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        (project / "stacks").mkdir(parents=True)
        shutil.copy(ROOT / "Pulumi.yaml", project)
        shutil.copy(ROOT / "__main__.py", project)
        stack = f"bench{args.tenants}"
        (project / "stacks" / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump(pooled_stack(args.tenants)))
        plan_file = Path(tmp) / "plan.json"

        print(f"pooled stack: {args.tenants} tenants", flush=True)
        plinth = run_child("plinth", str(project), stack, str(plan_file))
        raw = run_child("raw", str(plan_file), stack)
        if args.write_plan:
            shutil.copy(plan_file, args.write_plan)

    ratio = plinth["seconds"] / raw["seconds"]
    print(f"{'':<8}{'resources':>10}{'seconds':>10}{'res/s':>10}{'peak MiB':>10}")
    for label, r in (("plinth", plinth), ("raw sdk", raw)):
        rate = r["resources"] / r["seconds"]
        print(f"{label:<8}{r['resources']:>10}{r['seconds']:>10.2f}{rate:>10.0f}{r['peak_mib']:>10.0f}")
    print(f"ratio plinth/raw: {ratio:.3f}  (target <= 1.10)")
    print(f"peak memory: {plinth['peak_mib']:.0f} MiB  (target <= 1024 MiB)")


if __name__ == "__main__":
    main()
