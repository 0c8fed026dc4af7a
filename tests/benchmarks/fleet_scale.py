"""Benchmark: N silo stacks with `plinth fleet preview --jobs 2` versus one pooled stack with the same N tenants.

    python tests/benchmarks/fleet_scale.py --stacks 200 [--jobs 2]

1. Generates a project with N silo stacks (one tenant each: clouds aws/gcp/azure/none and all tiers in
   turn, the dev stack's cluster and cloud settings) and one pooled stack holding the same N tenants.
2. Runs `plinth fleet preview --jobs J` over the N silo stacks (offline preview + policy gate of each)
   and `plinth preview --stack pooled` (offline preview + the same policy gate) - the same program,
   packs and tenants, once as N stacks and once as one - each in a fresh process tree.
3. Prints, for both: resources, seconds, resources/s, peak resident memory per process (the largest
   process of the run; the fleet's workers individually too), and the ratio fleet/pooled.

Target at N = 200: the fleet takes at most 1.5x the pooled stack.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))
sys.path.insert(0, str(ROOT))

from preview_scale import pooled_stack  # noqa: E402 - the same tenant mix as the preview benchmark

from components.conventions import PRODUCTION_TIERS  # noqa: E402

#: Where each cloud's production tenants copy their backups (a second region next to the dev stack's).
COPY_TO = {"aws": "eu-central-1", "gcp": "europe-west1", "azure": "northeurope"}


def with_backup_copies(config: dict) -> dict:
    """The stack's backup settings for its own tenants: production tiers copy to a second region.

    The dev stack's ``plinth:backup.tenants`` name dev's tenants; the generated stacks have others, and
    the backup rules require a copy in a second region for production-tier tenants with cloud data.
    """
    backup = dict(config.get("plinth:backup") or {})
    backup["tenants"] = {
        t["id"]: {"copyTo": {"region": COPY_TO[t["cloud"]]}}
        for t in config["plinth:tenants"]
        if t["tier"] in PRODUCTION_TIERS and t["cloud"] in COPY_TO
    }
    return {**config, "plinth:backup": backup}


def write_project(project: Path, n: int) -> list[str]:
    (project / "stacks").mkdir(parents=True)
    shutil.copy(ROOT / "Pulumi.yaml", project)
    shutil.copy(ROOT / "__main__.py", project)
    pooled = pooled_stack(n)
    pooled["config"] = with_backup_copies(pooled["config"])
    (project / "stacks" / "Pulumi.pooled.yaml").write_text(yaml.safe_dump(pooled, sort_keys=False))
    silos = []
    for tenant in pooled["config"]["plinth:tenants"]:
        config = {k: v for k, v in pooled["config"].items() if k != "plinth:tenants"}
        config["plinth:tenants"] = [tenant]
        config = with_backup_copies(config)
        name = f"tenant-{tenant['id']}"
        (project / "stacks" / f"Pulumi.{name}.yaml").write_text(yaml.safe_dump({"config": config}, sort_keys=False))
        silos.append(name)
    return silos


def measured(command: list[str]) -> dict:
    """Run one plinth command in a fresh process tree; wall time and the largest process's peak memory."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(command[:4])} ... failed ({done.returncode}):\n{done.stderr[-3000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mib": peak, "code": done.returncode}


def child(kind: str, project: Path, out: Path, jobs: int, silos: list[str]) -> dict:
    plinth = [sys.executable, "-m", "scripts.cli"]
    if kind == "pooled":
        result = measured(
            [
                *plinth,
                "preview",
                "--stack",
                "pooled",
                "--project-dir",
                str(project),
                "--format",
                "json",
                "--out",
                str(out),
            ]
        )
        doc = json.loads(out.read_text())
        result["resources"] = len(doc["steps"])
        return result
    stacks = [arg for s in silos for arg in ("--stack", s)]
    result = measured(
        [
            *plinth,
            "fleet",
            "preview",
            "--jobs",
            str(jobs),
            *stacks,
            "--project-dir",
            str(project),
            "--format",
            "json",
            "--out",
            str(out),
        ]
    )
    doc = json.loads(out.read_text())
    result["resources"] = sum(s["resources"] for s in doc["stacks"])
    result["workers"] = sorted({s["pid"]: s["peak_mib"] for s in doc["stacks"]}.values())
    result["failed"] = [s["stack"] for s in doc["stacks"] if s["exit_code"] == 2]
    return result


def run_child(kind: str, project: Path, out: Path, jobs: int) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(project), str(out), str(jobs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"{kind} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stacks", type=int, default=200, help="silo stacks (and tenants of the pooled stack)")
    parser.add_argument("--jobs", type=int, default=2, help="fleet worker processes (default: 2)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, project, out, jobs = args.child
        silos = sorted(
            p.name[len("Pulumi.") : -len(".yaml")] for p in (Path(project) / "stacks").glob("Pulumi.tenant-*")
        )
        print(json.dumps(child(kind, Path(project), Path(out), int(jobs), silos)))
        return

    with tempfile.TemporaryDirectory(prefix="plinth-fleet-bench-") as tmp:
        project = Path(tmp) / "project"
        write_project(project, args.stacks)
        print(
            f"{args.stacks} silo stacks vs one pooled stack of {args.stacks} tenants; fleet --jobs {args.jobs}",
            flush=True,
        )
        pooled = run_child("pooled", project, Path(tmp) / "pooled.json", args.jobs)
        fleet = run_child("fleet", project, Path(tmp) / "fleet.json", args.jobs)

    print(f"{'':<8}{'resources':>10}{'seconds':>10}{'res/s':>10}{'peak MiB':>10}")
    for label, r in (("pooled", pooled), ("fleet", fleet)):
        rate = r["resources"] / r["seconds"]
        print(f"{label:<8}{r['resources']:>10}{r['seconds']:>10.1f}{rate:>10.1f}{r['peak_mib']:>10.0f}")
    print(f"fleet workers' peak MiB: {', '.join(f'{m:.0f}' for m in fleet['workers'])}")
    if fleet["failed"]:
        print(f"stacks that could not be previewed or gated: {', '.join(fleet['failed'])}")
    print(f"ratio fleet/pooled: {fleet['seconds'] / pooled['seconds']:.2f}  (target <= 1.5 at N = 200)")


if __name__ == "__main__":
    main()
