"""Running Plinth's policies (and the audit's own checks) over subjects in process: the packs' checks,
config and suppressions, without the policy SDK.

The same :class:`~policies.meta.Policy` objects the packs serve, with the config reconciled exactly
as the gate reconciles it for the packs (``scripts/gate/config.py``: schema defaults, the pack's
initial config, ``all``, then the policy), the same suppressions (``policies/suppressions.py``:
expired is a violation, never-waive controls ignore them) and the same message shapes. A resource
policy runs once per subject of its types; a stack policy once over the subjects it reads.

Each (check, subject) comes out as one of ``passed``, ``failed``, ``suppressed``, ``unknown``
(a value unknown until apply) or ``error`` (the check raised: "could not be checked"), counted in
``Report.checks``; every non-passing outcome is a :class:`~scripts.findings.Finding` with the
evidence the check read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

from policies import diagnostics, meta, suppressions
from scripts.audit.subject import ReadLog, Subject, UnknownValue, evidence, read_paths, recording, value_at
from scripts.findings import Drift, Evidence, Finding, Report, Rule, Suppression
from scripts.gate.config import PolicyDescriptor, check_structure, reconcile

#: Outcome order: the worst outcome of a subject under one check decides its count.
OUTCOMES = ("failed", "error", "unknown", "suppressed", "passed")
AUDIT_PACK = "plinth-audit"


@dataclass(frozen=True)
class Check:
    """Anything that reports like a policy: a pack's policy, or an audit check that only exists at run time.

    A pack's policy runs its own check; an audit check gives ``fn``: ``fn(props, config, resource_type)``
    yields messages (kind ``resource``), or ``fn(subjects, config)`` yields ``(message, subject or None)``
    (kind ``stack``). ``types`` are the subject types it reads.
    """

    name: str
    description: str
    severity: str
    frameworks: tuple[str, ...]
    remediation: str
    enforcement: str
    never_waive: bool
    pack: str
    version: str
    types: tuple[str, ...]
    kind: str  # resource | stack
    config_schema: Mapping[str, Any]
    policy: meta.Policy | None = None
    fn: Callable[..., Any] | None = None

    def check_resource(self, props: Any, config: dict[str, Any], resource_type: str) -> Iterable[str]:
        if self.policy is not None:
            return self.policy.check_resource(props, config, resource_type)
        assert self.fn is not None
        return self.fn(props, config, resource_type) or ()

    def check_stack(self, subjects: list[Any], config: dict[str, Any]) -> Iterable[tuple[str, Any]]:
        if self.policy is not None:
            return self.policy.check(subjects, config) or ()
        assert self.fn is not None
        return self.fn(subjects, config) or ()

    def applies_to(self, resource_type: str) -> bool:
        if self.kind == "resource":
            return resource_type in self.types
        return meta.reads_type(self.types, resource_type)

    def rule(self) -> Rule:
        return Rule(
            self.pack,
            self.name,
            self.description,
            self.severity,
            list(self.frameworks),
            self.remediation,
            self.enforcement,
        )


def pack_checks(packs: Sequence[str] = meta.PACKS) -> list[Check]:
    """Every policy of Plinth's packs as a :class:`Check`, with its pack's name and version."""
    out = []
    for pack in packs:
        module = meta.pack_module(pack)
        version = meta.pack_version(pack)
        for p in module.POLICIES:
            out.append(
                Check(
                    p.name,
                    p.description,
                    p.severity,
                    p.frameworks,
                    p.remediation,
                    p.enforcement,
                    p.never_waive,
                    module.NAME,
                    version,
                    p.types,
                    p.kind,
                    p.config_schema,
                    policy=p,
                )
            )
    return out


def initial_config(packs: Sequence[str] = meta.PACKS) -> dict[str, Any]:
    """The packs' INITIAL_CONFIG merged (each pack's keys are its own policies' names, or ``all``)."""
    merged: dict[str, Any] = {}
    for pack in packs:
        merged.update(getattr(meta.pack_module(pack), "INITIAL_CONFIG", None) or {})
    return merged


@dataclass(frozen=True)
class Gap:
    """Something the audit could not read: the checks of ``types`` cannot judge what it covers.

    ``arn`` empty: every resource of those types in ``region`` (``""``: every region), e.g. a list
    call that was denied; else the one resource whose detail call failed. A check that reads one of
    the types reports "could not check" for it, and a stack check leaves the covered subjects out
    (judging them on half their properties would invent or hide violations).
    """

    types: tuple[str, ...]
    reason: str
    region: str = ""
    arn: str = ""
    name: str = ""

    def covers(self, subject: Subject, *, every_type: bool = False) -> bool:
        """Whether ``subject`` was read in part: the resource itself, or one of the gap's types in its region
        (any type a stack check reads, with ``every_type``: its verdict on them needs the missing ones)."""
        if self.arn:
            return subject.arn == self.arn
        in_region = not self.region or subject.region == self.region
        return in_region and (every_type or subject.resource_type in self.types)


@dataclass
class Settings:
    """Each check's enforcement level, config and waivers, reconciled from the policy config file."""

    levels: dict[str, str] = field(default_factory=dict)
    configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    waivers: dict[str, list[suppressions.Suppression]] = field(default_factory=dict)


def settings(
    checks: Sequence[Check], user: Mapping[str, Any] | None, *, source: str = "policy config", packs=meta.PACKS
) -> Settings:
    """Reconcile the user's policy config (the ``--policy-pack-config`` format) as the gate does.

    Every problem is raised at once as a PolicyConfigError naming the file and key; a key that names
    no check is one of them.
    """
    from scripts.gate.errors import PolicyConfigError

    check_structure(user, source=source)
    unknown = sorted(k for k in (user or {}) if k != "all" and k not in {c.name for c in checks})
    if unknown:
        raise PolicyConfigError("\n".join(f"{source}: {k}: no policy or audit check of that name" for k in unknown))
    descriptors = [
        PolicyDescriptor(
            c.name,
            c.enforcement,
            {"properties": {**c.config_schema, "suppressions": suppressions.SCHEMA}},
        )
        for c in checks
    ]
    resolved = reconcile(descriptors, initial_config(packs), user, source=source)
    out = Settings()
    for name, r in resolved.items():
        props = dict(r.properties)
        out.levels[name] = r.enforcement_level
        out.waivers[name] = suppressions.parse(props.pop("suppressions", None))
        out.configs[name] = props
    return out


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------
@dataclass
class _Outcome:
    status: str = "passed"

    def worse(self, status: str) -> None:
        if OUTCOMES.index(status) < OUTCOMES.index(self.status):
            self.status = status


@dataclass
class Run:
    """One evaluation: the findings and the per-check counts, added to a Report."""

    report: Report
    today: dt.date = field(default_factory=dt.date.today)
    #: Drift is computed for subjects with state props, on the paths the checks read.
    drift: bool = True

    def add_rule(self, check: Check) -> None:
        self.report.rules.setdefault(check.name, check.rule())
        self.report.checks.setdefault(check.name, {k: 0 for k in OUTCOMES})

    def evaluate(
        self, checks: Sequence[Check], subjects: Sequence[Subject], config: Settings, gaps: Sequence[Gap] = ()
    ) -> None:
        for check in checks:
            level = config.levels.get(check.name, check.enforcement)
            if level == "disabled":
                continue
            chosen = [s for s in subjects if check.applies_to(s.resource_type)]
            blocking = [g for g in gaps if any(check.applies_to(t) for t in g.types)]
            if not chosen and not blocking:
                continue
            self.add_rule(check)
            for gap in blocking:
                self._gap(check, level, gap)
            if blocking:  # what a gap covers was read in part: judging it would invent or hide violations
                whole = check.kind == "stack"
                chosen = [s for s in chosen if not any(g.covers(s, every_type=whole) for g in blocking)]
            settings_ = config.configs.get(check.name) or {}
            params = check.policy.configured(settings_) if check.policy is not None else dict(settings_)
            waivers = config.waivers.get(check.name, [])
            if check.kind == "resource":
                for subject in chosen:
                    self._resource(check, level, params, waivers, subject)
            else:
                self._stack(check, level, params, waivers, chosen)

    # -- one check ------------------------------------------------------------------------------
    def _resource(self, check: Check, level: str, params, waivers, subject: Subject) -> None:
        props, log = recording(subject.props)
        outcome = _Outcome()
        try:
            messages = [str(m) for m in check.check_resource(props, params, subject.resource_type)]
        except UnknownValue as err:
            self._finding(check, level, subject, log, "unknown", _unknown_text(err), outcome)
            messages = []
        except Exception as err:  # noqa: BLE001 - a check that raises could not check this resource
            self._finding(check, level, subject, log, "error", _error_text(err), outcome)
            messages = []
        for message in messages:
            self._violation(check, level, waivers, subject, log, message, outcome)
        self._count(check, outcome)

    def _stack(self, check: Check, level: str, params, waivers, chosen: list[Subject]) -> None:
        logs: dict[int, ReadLog] = {}
        wrapped: list[Any] = []
        originals: dict[int, Subject] = {}
        for subject in chosen:
            props, log = recording(subject.props)
            proxy = dataclasses.replace(subject, props=props)
            logs[id(proxy)] = log
            originals[id(proxy)] = subject
            wrapped.append(proxy)
        outcomes = {id(s): _Outcome() for s in chosen}
        stack_outcome = _Outcome()
        try:
            results = list(check.check_stack(wrapped, params))
        except UnknownValue as err:
            self._finding(check, level, None, ReadLog(), "unknown", _unknown_text(err), stack_outcome)
            results = []
        except Exception as err:  # noqa: BLE001
            self._finding(check, level, None, ReadLog(), "error", _error_text(err), stack_outcome)
            results = []
        for message, target in results:
            about = originals.get(id(target))
            log = logs.get(id(target), ReadLog())
            outcome = outcomes[id(about)] if about is not None else stack_outcome
            self._violation(check, level, waivers, about, log, str(message), outcome)
        for subject in chosen:
            outcome = outcomes[id(subject)]
            if stack_outcome.status in ("error", "unknown"):
                outcome.worse(stack_outcome.status)
            self._count(check, outcome)
        if stack_outcome.status != "passed":
            self._count(check, stack_outcome)

    def _gap(self, check: Check, level: str, gap: Gap) -> None:
        outcome = _Outcome()
        where = Subject(gap.types[0], {}, name=gap.name, arn=gap.arn, region=gap.region)
        self._finding(check, level, where, ReadLog(), "error", f"Could not check: {gap.reason}", outcome)
        self._count(check, outcome)

    def _count(self, check: Check, outcome: _Outcome) -> None:
        self.report.checks[check.name][outcome.status] += 1

    def _violation(self, check, level, waivers, subject: Subject | None, log, message: str, outcome) -> None:
        key = subject.urn or subject.arn if subject is not None else ""
        name = subject.label if subject is not None else ""
        text, waived = suppressions.outcome(
            message, key, name, waivers, never_waive=check.never_waive, today=self.today
        )
        if not waived and text == message and subject is not None and subject.urn and subject.arn:
            text, waived = suppressions.outcome(
                message, subject.arn, name, waivers, never_waive=check.never_waive, today=self.today
            )
        if waived:
            parsed = diagnostics.parse_suppressed(text) or {}
            waiver = Suppression(parsed.get("owner", ""), parsed.get("reason", ""), parsed.get("expires", ""))
            self._finding(
                check, "advisory", subject, log, "suppressed", parsed.get("message", message), outcome, waiver
            )
        else:
            self._finding(check, level, subject, log, "violation", text, outcome)

    def _finding(
        self,
        check: Check,
        level: str,
        subject: Subject | None,
        log: ReadLog,
        status: str,
        message: str,
        outcome: _Outcome,
        waiver: Suppression | None = None,
    ) -> None:
        outcome.worse({"violation": "failed"}.get(status, status))
        finding = Finding(
            policyPack=check.pack,
            policyPackVersion=check.version,
            policy=check.name,
            description=check.description,
            message=message,
            urn=subject.urn if subject is not None else "",
            resourceType=subject.resource_type if subject is not None else "",
            enforcementLevel=level,
            severity=check.severity,
            frameworks=list(check.frameworks),
            remediation=check.remediation,
            status=status,
            suppression=waiver,
        )
        if subject is not None:
            finding.arn, finding.region, finding.name = subject.arn, subject.region, subject.name
            finding.component, finding.tenant = subject.component, subject.tenant
            finding.evidence = Evidence(subject.read_at, evidence(subject, log), subject.calls)
            if self.drift and subject.state_props is not None:
                finding.drift = drift(subject, read_paths(log))
        self.report.add(finding)


def _unknown_text(err: UnknownValue) -> str:
    return f"A value the check reads is unknown until apply ({err.path})."


def _error_text(err: BaseException) -> str:
    return diagnostics.not_checked_message(err)[len(diagnostics.NOT_CHECKED_PREFIX) :].strip()


# --------------------------------------------------------------------------------------------
# Drift
# --------------------------------------------------------------------------------------------
def _normal(value: Any) -> Any:
    """Values compared as data: numbers by value, JSON documents parsed, lists and maps recursively."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith(("{", "[")):
            import json

            try:
                return _normal(json.loads(text))
            except ValueError:
                return value
        return value
    if isinstance(value, Mapping):
        return {str(k): _normal(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normal(v) for v in value]
    return value


def drift(subject: Subject, paths: Iterable[str]) -> list[Drift]:
    """The read properties whose live value differs from the value the stack last applied.

    Only properties the stack records are compared (a property the state does not hold is the
    provider's default, not a change).
    """
    out = []
    state = subject.state_props or {}
    for path in paths:
        in_state, applied = value_at(state, path)
        if not in_state:
            continue
        _, live = value_at(subject.props, path)
        if _normal(live) != _normal(applied):
            out.append(Drift(path, live, applied))
    return out
