"""The offline policy gate: run CrossGuard packs over a plan, a stack export or a preview JSON.

Each pack runs in its own process exactly as the Pulumi engine starts it and is driven through
the Analyzer gRPC protocol; packs run concurrently. See ``plinth policy --help``.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Mapping

from scripts.gate.config import PolicyConfigError, reconcile, unknown_policies
from scripts.gate.packs import Pack, PackError, analyze_request, analyze_stack_request, providers_by_urn
from scripts.gate.report import SUPPRESSED_PREFIX, UNKNOWN_MARKER, Finding, Report, RuleInfo
from scripts.gate.resources import PROVIDER_PREFIX, STACK_TYPE, InputError, Resource, from_preview, from_state, read_json

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PACKS: tuple[Path, ...] = tuple(ROOT / "policies" / name for name in ("security", "compliance", "cost"))

__all__ = ["run_gate", "evaluate", "register_cli", "DEFAULT_PACKS", "Report", "GateError"]


class GateError(Exception):
    """The gate could not evaluate (exit code 2); one line naming the input and the reason."""


def _classify(message: str) -> str:
    if UNKNOWN_MARKER in message and message.startswith("can't run policy"):
        return "unknown"
    if message.startswith(SUPPRESSED_PREFIX):
        return "suppressed"
    return "violation"


def evaluate(
    resources: list[Resource],
    pack_dirs: list[Path],
    policy_config: Mapping[str, Any] | None = None,
    *,
    project: str = "plinth",
    stack: str = "dev",
    stack_config: dict[str, Any] | None = None,
    dry_run: bool = True,
    config_source: str = "policy config",
) -> Report:
    """Run every pack over the resources; raises GateError when something cannot be evaluated."""
    started = time.perf_counter()
    packs: list[Pack] = []
    try:
        with ThreadPoolExecutor(max_workers=max(1, len(pack_dirs))) as pool:
            starting = [pool.submit(Pack(d, project=project, stack=stack, config=stack_config or {}, dry_run=dry_run).start) for d in pack_dirs]
            # Serialize the Analyze requests while the pack processes start up.
            providers = providers_by_urn(resources)
            analyzed = [r for r in resources if r.custom and not r.type.startswith(PROVIDER_PREFIX) and r.type != STACK_TYPE]
            requests = {r.urn: analyze_request(r, providers).SerializeToString() for r in analyzed}
            errors = []
            for f in starting:
                try:
                    packs.append(f.result())
                except PackError as err:
                    errors.append(str(err))
            if errors:
                raise GateError(errors[0])
            infos = list(pool.map(lambda p: p.get_info(), packs))
        known = {name for info in infos for name in info.policies}
        unknown = unknown_policies(policy_config, known)
        if unknown:
            raise GateError(f"{config_source}: {unknown[0]}: no such policy in the packs ({', '.join(i.name for i in infos)})")
        for pack, info in zip(packs, infos):
            resolved = reconcile(info.descriptors(), info.initial_config, policy_config, source=config_source)
            pack.resolved = resolved
            pack.configure(resolved)

        report = Report(resources=len(resources), packs=[{"name": i.name, "version": i.version, "policies": len(i.policies)} for i in infos])
        for info, pack in zip(infos, packs):
            for p in info.policies.values():
                report.rules[p.name] = RuleInfo(info.name, p.name, p.description, p.severity, p.frameworks, p.remediation, pack.resolved[p.name].enforcement_level)

        by_urn = {r.urn: r for r in resources}
        # Remediation first (it may change properties), as the engine does before Analyze.
        for info, pack in zip(infos, packs):
            if any(v.enforcement_level == "remediate" for v in pack.resolved.values()):
                for urn, changes in pack.remediate(analyzed, providers).items():
                    requests[urn] = analyze_request(by_urn[urn], providers).SerializeToString()
                    for policy, description in changes:
                        report.findings.append(_finding(info, policy, f"remediated: {description}", urn, by_urn, "remediate", "remediated"))
        stack_payloads: dict[Any, bytes] = {}
        payload_lock = threading.Lock()

        def stack_payload(info) -> bytes:
            reads = stack_reads(info)
            key = tuple(sorted(reads)) if reads is not None else None
            with payload_lock:
                return _payload(key)

        def _payload(key) -> bytes:
            if key not in stack_payloads:
                from policies.base import reads_type

                chosen = resources if key is None else [r for r in resources if reads_type(key, r.type)]
                stack_payloads[key] = analyze_stack_request(chosen, providers).SerializeToString()
            return stack_payloads[key]

        # A pack with resource and stack policies gets a second process for AnalyzeStack, so
        # the two halves of its work run in parallel (the policy SDK serves one call at a time
        # per process in practice: its handlers hold the GIL).
        def start_stack_twin(pair):
            info, pack = pair
            has_stack = any(p.policy_type == "stack" for p in info.policies.values())
            has_resource = any(p.policy_type == "resource" for p in info.policies.values())
            if not (has_stack and has_resource):
                return pack if has_stack else None
            twin = Pack(pack.directory, project=project, stack=stack, config=stack_config or {}, dry_run=dry_run)
            packs.append(twin)
            twin.start()
            twin.get_info()
            twin.configure(pack.resolved)
            return twin

        jobs = []
        for info, pack in zip(infos, packs[: len(infos)]):
            types = resource_types(info)
            mine = [(r.urn, requests[r.urn]) for r in analyzed if types is None or r.type in types]
            if any(p.policy_type == "resource" for p in info.policies.values()):
                jobs.append((info, lambda pack=pack, mine=mine: pack.analyze(mine)))
            if any(p.policy_type == "stack" for p in info.policies.values()):
                jobs.append((info, lambda info=info, pack=pack: start_stack_twin((info, pack)).analyze_stack(stack_payload(info))))

        with ThreadPoolExecutor(max_workers=max(1, len(jobs))) as pool:
            futures = [(info, pool.submit(job)) for info, job in jobs]
            for info, future in futures:
                for d in future.result():
                    status = _classify(d.message)
                    message = d.message[len(SUPPRESSED_PREFIX):].strip() if status == "suppressed" else d.message
                    report.findings.append(_finding(info, d.policy, message, d.urn, by_urn, d.enforcement_level, status))
        report.seconds = time.perf_counter() - started
        return report
    except (PackError, PolicyConfigError) as err:
        raise GateError(str(err)) from None
    finally:
        for pack in packs:
            pack.close()


def _plinth_metadata(info) -> dict | None:
    """Plinth's own metadata for every policy of the pack, or None when the pack is not Plinth's."""
    try:
        from policies.registry import all_policies
    except ImportError:
        return None
    known = {p.name: p.meta for p in all_policies()}
    if any(name not in known for name in info.policies):
        return None
    return {name: known[name] for name in info.policies}


def resource_types(info) -> set[str] | None:
    """Resource types any resource policy of the pack looks at, when the pack is Plinth's own.

    Plinth's policies declare their types and ignore every other resource, so resources of
    other types cannot produce a finding and are not sent (the policy SDK would deserialize
    each one once per policy just to skip it). Unknown packs get every resource, as from the engine.
    """
    metas = _plinth_metadata(info)
    if metas is None:
        return None
    return {t for m in metas.values() for t in m.types}


def stack_reads(info) -> set[str] | None:
    """Types (or package prefixes) the pack's stack policies read, when the pack is Plinth's own.

    Plinth's stack policies declare what they read and only ever see those resources, so the
    rest need not be sent. ``None``: send everything (unknown pack, or a policy reading all).
    """
    metas = _plinth_metadata(info)
    if metas is None:
        return None
    stack = [m for n, m in metas.items() if info.policies[n].policy_type == "stack"]
    if any(not m.types for m in stack):
        return None
    return {t for m in stack for t in m.types}


def _finding(info, policy: str, message: str, urn: str, by_urn: dict[str, Resource], level: str, status: str) -> Finding:
    p = info.policies.get(policy)
    resource = by_urn.get(urn)
    if p and p.description and message.startswith(p.description + "\n"):
        message = message[len(p.description) + 1 :]  # the SDK prefixes the policy's description
    return Finding(
        policyPack=info.name, policyPackVersion=info.version, policy=policy, description=p.description if p else "",
        message=message, urn=urn, resourceType=resource.type if resource else "", enforcementLevel=level,
        severity=p.severity if p else "", frameworks=p.frameworks if p else [], remediation=p.remediation if p else "", status=status,
    )


def run_gate(plan: dict[str, Any], pack_dirs: list[Path], policy_config: Mapping[str, Any] | None = None, *, stack: str = "dev", **kw: Any) -> Report:
    """The gate over an offline plan (``plinth preview``'s JSON)."""
    try:
        resources = from_preview(plan, "plan")
    except InputError as err:
        raise GateError(str(err)) from None
    return evaluate(resources, pack_dirs, policy_config, stack=stack, **kw)


# --------------------------------------------------------------------------------------------
# CLI: plinth policy
# --------------------------------------------------------------------------------------------
def register_cli(sub: Any) -> None:
    p = sub.add_parser(
        "policy",
        help="run the policy packs offline over a stack, a stack export or a preview JSON",
        description="Run CrossGuard policy packs offline (the Analyzer protocol, no Pulumi CLI, no credentials). "
        "Exit codes: 0 no mandatory violation, 1 mandatory violations, 2 could not evaluate.",
    )
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--stack", help="preview this stack offline and gate the plan")
    source.add_argument("--state", type=Path, help="a `pulumi stack export` file")
    source.add_argument("--preview-json", type=Path, help="a `pulumi preview --json` (or `plinth preview --format json`) file")
    p.add_argument("--pack", action="append", type=Path, help="policy pack directory (repeatable; default: the three Plinth packs)")
    p.add_argument("--config", type=Path, help="policy config JSON, as for `pulumi preview --policy-pack-config`")
    p.add_argument("--format", choices=("text", "json", "sarif", "markdown"), default="text")
    p.add_argument("--out", type=Path, help="write the report here instead of stdout")
    p.add_argument("--project-dir", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_policy)


def load_policy_config(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        return read_json(path)
    except InputError as err:
        raise GateError(str(err)) from None


def cmd_policy(args: argparse.Namespace) -> int:
    from scripts import engine
    from scripts.cli import CliError, progress, write_output

    try:
        config = load_policy_config(args.config)
        source_name = str(args.config) if args.config else "policy config"
        artifact = "Pulumi.yaml"
        if args.stack:
            project_dir = Path(args.project_dir).resolve() if args.project_dir else engine.project_root()
            with progress(f"Previewing stack [bold]{args.stack}[/bold] offline..."):
                try:
                    plan = engine.preview_plan(args.stack, project_dir)
                except engine.EngineError as err:
                    raise CliError(err.message) from err
            resources, stack, dry_run = from_preview(plan, "plan"), args.stack, True
            artifact = f"stacks/Pulumi.{args.stack}.yaml"
        elif args.state:
            export = read_json(args.state)
            resources, stack, dry_run = from_state(export, str(args.state)), _stack_of(export), False
        else:
            resources, stack, dry_run = from_preview(read_json(args.preview_json), str(args.preview_json)), "preview", True
        packs = args.pack or list(DEFAULT_PACKS)
        with progress(f"Running {len(packs)} policy pack(s) over {len(resources)} resources..."):
            report = evaluate(resources, packs, config, stack=stack, dry_run=dry_run, config_source=source_name)
    except (InputError, GateError) as err:
        raise CliError(str(err)) from None
    if args.format == "json":
        text = json.dumps(report.to_json(), indent=2) + "\n"
    elif args.format == "sarif":
        text = json.dumps(report.to_sarif(artifact), indent=2) + "\n"
    elif args.format == "markdown":
        text = report.render_markdown()
    else:
        text = report.render_text()
    write_output(text, args.out)
    return report.exit_code


def _stack_of(doc: dict[str, Any]) -> str:
    for res in doc.get("deployment", {}).get("resources", []):
        if res.get("type") == STACK_TYPE:
            return res["urn"].split(":")[2] if res["urn"].startswith("urn:pulumi:") else "stack"
    return "stack"
