"""The offline policy gate: run CrossGuard packs over a plan, a stack export or a preview JSON.

A library (``plinth policy`` and ``plinth preview`` are its commands). Each pack runs in its own
process exactly as the Pulumi engine starts it and is driven through the Analyzer gRPC protocol;
packs run concurrently. :func:`evaluate` goes through these steps:

1. start every pack (its description says which resources it looks at),
2. reconcile and send the policy config (every problem reported at once),
3. remediate, as the engine does before analysing,
4. analyse: resources per pack, and the stack in a second process of a pack that has both kinds,
5. classify each diagnostic into a finding (violation, suppressed, not checked, unknown).

Every pack process is stopped on every way out, Ctrl-C included.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from scripts.findings import Finding, Location, Report, Rule
from scripts.gate import describe
from scripts.gate.config import check_structure, reconcile, unknown_policies
from scripts.gate.errors import GateError, PackError, PolicyConfigError
from scripts.gate.messages import classify
from scripts.gate.packs import Diagnostic, Pack, PackInfo, analyze_request, analyze_stack_request, providers_by_urn
from scripts.gate.resources import Resource, from_preview
from scripts.pulumi_json import parse_urn
from scripts.stacklines import StackLines

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PACKS: tuple[Path, ...] = tuple(ROOT / "policies" / name for name in ("security", "compliance", "cost"))

__all__ = [
    "evaluate",
    "Session",
    "run_gate",
    "locate",
    "unique_packs",
    "DEFAULT_PACKS",
    "Report",
    "GateError",
    "PackError",
    "PolicyConfigError",
]

#: Kept for callers of the first gate API.
RuleInfo = Rule


def unique_packs(pack_dirs: list[Path]) -> list[Path]:
    """Each pack directory once (``--pack X --pack X`` runs X once), in the order given."""
    return list(dict.fromkeys(Path(d).resolve() for d in pack_dirs))


class _Run:
    """One evaluation: the resources, their requests, and every pack process started for them."""

    def __init__(
        self,
        resources: list[Resource],
        *,
        project: str,
        stack: str,
        stack_config: dict[str, Any],
        dry_run: bool,
        session: "Session | None" = None,
    ):
        self.session = session
        self.resources = resources
        self.project, self.stack, self.stack_config, self.dry_run = project, stack, stack_config, dry_run
        self.by_urn = {r.urn: r for r in resources}
        self.providers = providers_by_urn(resources)
        self.analyzed = [r for r in resources if r.analyzed]
        self.requests: dict[str, bytes] = {}
        self.processes: list[Pack] = []
        self._lock = threading.Lock()
        self._stack_payloads: dict[frozenset[str] | None, bytes] = {}
        self._closed = False

    def new_pack(self, directory: Path, role: str = "main") -> Pack:
        if self.session is not None:
            kept = self.session.take(directory, role, self)
            if kept is not None:
                return kept
        pack = Pack(
            directory,
            project=self.project,
            stack=self.stack,
            config=self.stack_config,
            dry_run=self.dry_run,
            reconfigure=self.session is not None,
        )
        pack.role = role
        with self._lock:
            if self._closed:
                raise PackError(f"{pack.name}: the gate is stopping")
            self.processes.append(pack)
        return pack

    def close(self) -> None:
        with self._lock:
            self._closed = True
            packs = list(self.processes)
        for pack in packs:
            if self.session is not None and self.session.keep(pack):
                continue  # a pack that serves many stacks stays for the next one
            pack.close()

    # -- 1. start ---------------------------------------------------------------------------
    def start(self, pool: ThreadPoolExecutor, pack_dirs: list[Path]) -> list[Pack]:
        packs = [self.new_pack(d) for d in pack_dirs]
        starting = [pool.submit(_start, p) for p in packs]
        # Serialize the Analyze requests while the pack processes start up.
        self.requests = {r.urn: analyze_request(r, self.providers).SerializeToString() for r in self.analyzed}
        problems = []
        for future in starting:
            try:
                future.result()
            except PackError as err:
                problems.append(err.message)
        if problems:
            raise PackError("\n".join(problems))
        return packs

    # -- 2. configure -----------------------------------------------------------------------
    def configure(self, packs: list[Pack], policy_config: Mapping[str, Any] | None, source: str) -> None:
        known = {name for p in packs for name in _info(p).policies}
        problems = [
            f"{source}: {name}: no such policy in the packs ({', '.join(_info(p).name for p in packs)})"
            for name in unknown_policies(policy_config, known)
        ]
        resolved = {}
        for pack in packs:
            try:
                resolved[pack] = reconcile(
                    _info(pack).descriptors(), _info(pack).initial_config, policy_config, source=source
                )
            except PolicyConfigError as err:
                problems += err.message.splitlines()
        if problems:
            raise PolicyConfigError("\n".join(dict.fromkeys(problems)))
        for pack in packs:
            pack.configure(resolved[pack])

    # -- 3. remediate -----------------------------------------------------------------------
    def remediate(self, packs: list[Pack], report: Report) -> None:
        for pack in packs:
            if not any(v.enforcement_level == "remediate" for v in pack.resolved.values()):
                continue
            for urn, changes in pack.remediate(self.analyzed, self.providers).items():
                self.requests[urn] = analyze_request(self.by_urn[urn], self.providers).SerializeToString()
                for policy, description in changes:
                    diagnostic = Diagnostic(policy, f"remediated: {description}", "remediate", urn, "")
                    report.add(self.finding(pack, diagnostic, status="remediated"))

    # -- 4. analyse -------------------------------------------------------------------------
    def stack_payload(self, reads: frozenset[str] | None) -> bytes:
        """The AnalyzeStack request for packs reading ``reads`` (built once per distinct set)."""
        with self._lock:
            if reads not in self._stack_payloads:
                chosen = [r for r in self.resources if reads is None or describe.matches(reads, r.type)]
                self._stack_payloads[reads] = analyze_stack_request(chosen, self.providers).SerializeToString()
            return self._stack_payloads[reads]

    def stack_process(self, pack: Pack) -> Pack:
        """The process that runs a pack's stack policies: a second one when it has resource policies too.

        The policy SDK serves one call at a time per process in practice (its handlers hold the
        GIL), so the two halves of such a pack's work run in parallel.
        """
        if not _info(pack).has("resource"):
            return pack
        twin = self.new_pack(pack.directory, role="stack")
        if twin.info is None:
            twin.start()
            twin.get_info()
        twin.configure(pack.resolved)
        return twin

    def jobs(self, packs: list[Pack]) -> list[_Job]:
        """One job per pack for its resource policies (the resources it is sent), one for its stack policies."""
        jobs = []
        for pack in packs:
            if _info(pack).has("resource"):
                mine = [(r.urn, self.requests[r.urn]) for r in self.analyzed if pack.routing.analyzes(r.type)]
                jobs.append(_Job(pack, "resource", mine))
            if _info(pack).has("stack"):
                jobs.append(_Job(pack, "stack"))
        return jobs

    def run_job(self, job: _Job, tick: Callable[[int], None]) -> list[Diagnostic]:
        if job.kind == "resource":
            return job.pack.analyze(job.requests, tick)
        diagnostics = self.stack_process(job.pack).analyze_stack(self.stack_payload(job.pack.routing.stack_reads))
        tick(1)
        return diagnostics

    def analyze(self, packs: list[Pack], report: Report, on_progress: Callable[[int, int], None] | None) -> None:
        jobs = self.jobs(packs)
        total = sum(len(j.requests) if j.kind == "resource" else 1 for j in jobs)
        done = [0]

        def tick(n: int) -> None:
            with self._lock:
                done[0] += n
                if on_progress is not None:
                    on_progress(done[0], total)

        with ThreadPoolExecutor(max_workers=max(1, len(jobs))) as pool:
            futures = [(job.pack, pool.submit(self.run_job, job, tick)) for job in jobs]
            for pack, future in futures:
                for diagnostic in future.result():
                    report.add(self.finding(pack, diagnostic))

    # -- 5. classify ------------------------------------------------------------------------
    def finding(self, pack: Pack, d: Diagnostic, *, status: str = "") -> Finding:
        info = _info(pack)
        p = info.policies.get(d.policy)
        description = p.description if p else d.description
        meaning = classify(d.message, d.description or description)
        resource = self.by_urn.get(d.urn)
        return Finding(
            policyPack=info.name,
            policyPackVersion=info.version,
            policy=d.policy,
            description=description,
            message=meaning.message,
            urn=d.urn,
            resourceType=resource.type if resource else "",
            enforcementLevel=d.enforcement_level,
            severity=p.severity if p else d.severity,
            frameworks=p.frameworks if p else [],
            remediation=p.remediation if p else "",
            status=status or meaning.status,
            suppression=meaning.suppression,
        )


def _info(pack: Pack) -> PackInfo:
    assert pack.info is not None, "GetAnalyzerInfo runs when the pack starts"
    return pack.info


def _start(pack: Pack) -> Pack:
    if pack.info is None:  # a pack a Session kept is running and described already
        pack.start().get_info()
    return pack


@dataclass
class _Job:
    pack: Pack
    kind: str  # "resource" | "stack"
    requests: list[tuple[str, bytes]] = field(default_factory=list)


def _new_report(resources: list[Resource], packs: list[Pack]) -> Report:
    report = Report(
        resources=len(resources),
        packs=[{"name": _info(p).name, "version": _info(p).version, "policies": len(_info(p).policies)} for p in packs],
    )
    for pack in packs:
        info = _info(pack)
        for p in info.policies.values():
            report.rules[p.name] = Rule(
                info.name,
                p.name,
                p.description,
                p.severity,
                p.frameworks,
                p.remediation,
                pack.resolved[p.name].enforcement_level,
            )
    return report


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
    on_progress: Callable[[int, int], None] | None = None,
    session: "Session | None" = None,
) -> Report:
    """Run every pack over the resources (``session``: reuse its pack processes, see :class:`Session`).

    Raises :class:`GateError` (:class:`PackError`, :class:`PolicyConfigError`) when the packs
    cannot be run at all; a resource a policy cannot check is an ``error`` finding instead, and
    the rest of the report stands. ``on_progress(done, total)`` counts analysed resources.
    """
    started = time.perf_counter()
    check_structure(policy_config, source=config_source)
    run = _Run(
        resources, project=project, stack=stack, stack_config=stack_config or {}, dry_run=dry_run, session=session
    )
    dirs = unique_packs(pack_dirs)
    # The packs are closed before the pool waits for its threads: a Ctrl-C never waits for a pack to start.
    with ThreadPoolExecutor(max_workers=max(1, len(dirs))) as pool:
        try:
            packs = run.start(pool, dirs)
            run.configure(packs, policy_config, config_source)
            report = _new_report(resources, packs)
            run.remediate(packs, report)
            run.analyze(packs, report, on_progress)
        finally:
            run.close()
    report.seconds = time.perf_counter() - started
    return report


class Session:
    """Pack processes kept from one stack to the next (a fleet gate: many stacks, one set of processes).

    A Plinth pack started with ``PLINTH_POLICY_RECONFIGURE=1`` says in its description that it adopts
    the stack each ConfigureStack names (policies/sdk.py); such a pack is kept after a stack's gate and
    re-configured for the next one - stack, project, config and policy config all sent again - so
    only the first stack pays for starting the packs. A pack that does not say so is started for each
    stack and stopped after it, as by :func:`evaluate`. :meth:`close` stops every kept process.

    Not thread-safe: one stack at a time (a fleet runs one Session per worker process).
    """

    def __init__(self) -> None:
        self._kept: dict[tuple[Path, str], Pack] = {}

    def take(self, directory: Path, role: str, run: _Run) -> Pack | None:
        """A kept pack for ``directory`` (``role``: main or stack process), aimed at ``run``'s stack."""
        pack = self._kept.pop((Path(directory).resolve(), role), None)
        if pack is None:
            return None
        if not pack.alive:
            pack.close()
            return None
        pack.retarget(project=run.project, stack=run.stack, config=run.stack_config, dry_run=run.dry_run)
        with run._lock:
            run.processes.append(pack)
        return pack

    def keep(self, pack: Pack) -> bool:
        """Keep a pack for the next stack when it can serve one; whether it was kept."""
        key = (pack.directory, pack.role)
        if not pack.alive or not pack.reconfigurable or key in self._kept:
            return False
        self._kept[key] = pack
        return True

    @property
    def processes(self) -> int:
        return len(self._kept)

    def close(self) -> None:
        kept, self._kept = list(self._kept.values()), {}
        for pack in kept:
            pack.close()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_gate(
    plan: dict[str, Any],
    pack_dirs: list[Path],
    policy_config: Mapping[str, Any] | None = None,
    *,
    stack: str = "dev",
    **kw: Any,
) -> Report:
    """The gate over an offline plan (``plinth preview``'s JSON)."""
    return evaluate(from_preview(plan, "plan"), pack_dirs, policy_config, stack=stack, **kw)


def locate(report: Report, resources: list[Resource], lines: StackLines, uri: str) -> None:
    """Point every finding at the stack-file line of the tenant or component its resource belongs to."""
    by_urn = {r.urn: r for r in resources}
    for f in report.findings:
        chain: list[tuple[str, str]] = []
        urn = f.urn
        while urn in by_urn and len(chain) < 64:
            chain.append((by_urn[urn].type, by_urn[urn].name))
            urn = by_urn[urn].parent
        if not chain and f.urn:
            try:
                chain = [(t, "") for t in reversed(parse_urn(f.urn).ancestor_types)]
            except ValueError:
                chain = []
        f.location = Location(uri, lines.for_ancestors(chain))
