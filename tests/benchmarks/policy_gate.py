"""Benchmark: the policy gate over a large plan, through the Analyzer protocol vs. in process.

    python tests/benchmarks/policy_gate.py --plan plan.json      # e.g. from preview_scale.py --write-plan
    python tests/benchmarks/policy_gate.py --tenants 1000        # builds the plan first (slow)

1. Protocol: ``scripts.gate.evaluate`` - every pack in its own process started as the engine
   starts it, Analyze per resource over gRPC (pipelined), AnalyzeStack, packs concurrently.
2. In process: the same packs' policies (their importable ``pack.py``) behind the policy SDK's
   own analyzer servicer, called directly with the same requests (routed by resource type the
   same way - from the description each running pack writes - stack policies given the types
   they declare), one pack after another.

Prints resources, seconds, resources/s, findings of each and the ratio protocol/in-process.
Targets at 1,000 tenants: ratio <= 1.5, >= 2,000 resources/s through the protocol.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def load_pack_module(directory: Path):
    spec = importlib.util.spec_from_file_location(f"bench_pack_{directory.name}", directory / "pack.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def routing_of(directory: Path):
    """The routing the gate uses for a pack: from the description the running pack writes."""
    from scripts.gate.packs import Pack

    pack = Pack(directory, project="plinth", stack="bench", config={}, dry_run=True)
    try:
        pack.start().get_info()
        return pack.routing
    finally:
        pack.close()


def in_process(resources, pack_dirs) -> tuple[float, int]:
    from google.protobuf import json_format
    from pulumi.runtime.proto import analyzer_pb2
    from pulumi_policy import EnforcementLevel
    from pulumi_policy.policy import _PolicyAnalyzerServicer

    from policies import sdk
    from scripts.gate.config import reconcile
    from scripts.gate.packs import (
        LEVEL_NAMES,
        LEVEL_VALUES,
        PackInfo,
        PolicyInfo,
        analyze_request,
        analyze_stack_request,
        providers_by_urn,
        to_struct,
    )

    routings = {directory: routing_of(directory) for directory in pack_dirs}  # not timed: the gate starts packs too
    started = time.perf_counter()
    findings = 0
    providers = providers_by_urn(resources)
    analyzed = [r for r in resources if r.analyzed]
    for directory in pack_dirs:
        module = load_pack_module(directory)
        sdk.install()  # the patches the pack process runs with (decode cache, suppressed findings)
        servicer = _PolicyAnalyzerServicer(
            module.NAME, "0.0.1", sdk.build_all(module.POLICIES), EnforcementLevel.ADVISORY,
            getattr(module, "INITIAL_CONFIG", None),
        )
        info = servicer.GetAnalyzerInfo(None, None)
        pack = PackInfo(
            info.name,
            info.version,
            {
                p.name: PolicyInfo(
                    p.name,
                    p.description,
                    LEVEL_NAMES[p.enforcementLevel],
                    "",
                    [],
                    "",
                    "stack" if p.policy_type == analyzer_pb2.POLICY_TYPE_STACK else "resource",
                    {
                        "properties": json_format.MessageToDict(p.configSchema.properties),
                        "required": list(p.configSchema.required),
                    },
                )
                for p in info.policies
            },
            {},
        )
        resolved = reconcile(pack.descriptors(), {}, None)
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, value in resolved.items():
            request.policyConfig[name].CopyFrom(
                analyzer_pb2.PolicyConfig(
                    enforcementLevel=LEVEL_VALUES[value.enforcement_level], properties=to_struct(value.properties)
                )
            )
        servicer.Configure(request, None)
        routing = routings[directory]
        for r in analyzed:
            if routing.analyzes(r.type):
                findings += len(servicer.Analyze(analyze_request(r, providers), None).diagnostics)
        if not pack.has("stack"):
            continue
        stack = analyze_stack_request([r for r in resources if routing.reads(r.type)], providers)
        findings += len(servicer.AnalyzeStack(stack, None).diagnostics)
    return time.perf_counter() - started, findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plan", type=Path)
    parser.add_argument("--tenants", type=int, default=1000)
    args = parser.parse_args()

    from scripts import gate
    from scripts.gate.resources import from_preview

    plan_file = args.plan
    if plan_file is None:
        plan_file = Path(tempfile.mkdtemp()) / "plan.json"
        print(f"building the {args.tenants}-tenant plan (preview_scale.py)...", flush=True)
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "tests/benchmarks/preview_scale.py"),
                "--tenants",
                str(args.tenants),
                "--write-plan",
                str(plan_file),
            ],
            check=True,
        )
    resources = from_preview(json.loads(plan_file.read_text()), str(plan_file))
    packs = list(gate.DEFAULT_PACKS)

    started = time.perf_counter()
    report = gate.evaluate(resources, packs)
    protocol_seconds = time.perf_counter() - started
    protocol_findings = len(report.findings)

    local_seconds, local_findings = in_process(from_preview(json.loads(plan_file.read_text()), "plan"), packs)

    n = len(resources)
    policies = sum(p["policies"] for p in report.packs)
    print(f"resources: {n}, packs: {', '.join(p['name'] for p in report.packs)} ({policies} policies)")
    print(f"{'':12}{'seconds':>10}{'res/s':>10}{'findings':>10}")
    print(f"{'protocol':12}{protocol_seconds:>10.2f}{n / protocol_seconds:>10.0f}{protocol_findings:>10}")
    print(f"{'in process':12}{local_seconds:>10.2f}{n / local_seconds:>10.0f}{local_findings:>10}")
    print(
        f"ratio protocol/in-process: {protocol_seconds / local_seconds:.2f}  (target <= 1.5); "
        f"protocol {n / protocol_seconds:.0f} res/s (target >= 2000)"
    )


if __name__ == "__main__":
    main()
