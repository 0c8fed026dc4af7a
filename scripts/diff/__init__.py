"""What a change does: two previews of one stack (base and head) matched by URN, and their policy results.

:func:`diff_plans` takes two documents in the ``pulumi preview --json`` shape (Plinth's offline
plans, or real previews) and returns a :class:`PlanDiff`: per resource ``create``, ``update``,
``replace``, ``delete`` or ``same``, with the property-level changes (:mod:`scripts.diff.properties`).
An update becomes a replace when a changed input forces one for that type
(:mod:`scripts.diff.replacements`), when the resource's explicit provider changes or is replaced,
or when an input that is only known after apply takes its value from a resource that is replaced
(its id or ARN changes with it).

Deleting or replacing a resource that is protected, retained on delete, or holds data (the
stateful catalogue of ``components.conventions``) is listed in :meth:`PlanDiff.attention` - the
first thing every rendering shows. :func:`policy_delta` compares the policy gate's findings of the
two revisions: new in head, fixed in head.

Pure functions over plain data: no git, no processes (see :mod:`scripts.diff.revisions`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from scripts import pulumi_json as pj
from scripts.diff import properties as props
from scripts.diff import replacements
from scripts.diff.properties import MISSING, Change
from scripts.findings import Finding, Report

OPS = ("create", "update", "replace", "delete")
TENANT_TYPE = "plinth:index:Tenant"
PLATFORM_TYPE = "plinth:index:Platform"

__all__ = [
    "OPS",
    "Change",
    "ResourceDiff",
    "PlanDiff",
    "PolicyDelta",
    "diff_plans",
    "policy_delta",
]


@dataclass
class ResourceDiff:
    """One resource of either revision and what the change does to it."""

    urn: str
    type: str
    name: str
    op: str
    custom: bool
    group: str = "stack"
    tenant: str = ""
    changes: list[Change] = field(default_factory=list)
    #: Why an update is a replace (each names the input and the source of the rule).
    reasons: list[str] = field(default_factory=list)
    #: Options of the resource that is at risk: the old one for delete/replace, the new one otherwise.
    protect: bool = False
    retain: bool = False
    stateful: bool = False
    #: An update of a type whose replacement rules Plinth does not know (it may be a replace).
    rules_unknown: bool = False

    @property
    def removes_old(self) -> bool:
        return self.op in ("delete", "replace")

    def risks(self) -> list[str]:
        """What a reviewer must know before approving: empty unless the old resource goes away."""
        if not self.custom:
            return []
        if not self.removes_old:
            unprotected = any(c.path == "[protect]" and c.old is True and c.new is False for c in self.changes)
            return ["loses its protection (protect: true -> false)"] if unprotected and self.stateful else []
        out = []
        if self.protect:
            out.append(
                "protected: the update fails until someone runs `pulumi state unprotect`"
                + ("; then the data is gone" if self.stateful and not self.retain else "")
            )
        if self.retain:
            out.append("retained on delete: the old resource stays in the cloud, no longer managed (orphaned)")
        if self.stateful and not self.protect and not self.retain:
            out.append("holds data and is neither protected nor retained: the data is deleted")
        return out

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "op": self.op,
            "group": self.group,
            "tenant": self.tenant,
            "protect": self.protect,
            "retainOnDelete": self.retain,
            "stateful": self.stateful,
            "changes": [c.to_json() for c in self.changes],
        }
        if self.reasons:
            out["replaceReasons"] = self.reasons
        if self.rules_unknown:
            out["replacementRulesUnknown"] = True
        if self.risks():
            out["risks"] = self.risks()
        return out


@dataclass
class PlanDiff:
    project: str
    stack: str
    resources: list[ResourceDiff]
    base_source: str = "base"
    head_source: str = "head"

    @property
    def changed(self) -> list[ResourceDiff]:
        return [r for r in self.resources if r.op != "same"]

    def counts(self) -> dict[str, int]:
        """Resources per operation (every resource but the stack itself, as Pulumi counts them)."""
        counter = Counter(r.op for r in self.resources if r.type != pj.STACK_TYPE)
        return {op: counter.get(op, 0) for op in (*OPS, "same")}

    @property
    def has_changes(self) -> bool:
        return bool(self.changed)

    def attention(self) -> list[ResourceDiff]:
        """Resources holding data that are deleted, replaced or lose their protection (most severe first)."""
        risky = [r for r in self.changed if r.risks()]
        return sorted(risky, key=lambda r: (not r.protect, not r.stateful, r.op != "delete", r.urn))

    def groups(self) -> dict[str, list[ResourceDiff]]:
        """Changed resources per group (``tenant <id>``, a platform component, ``stack``), tenants first."""
        out: dict[str, list[ResourceDiff]] = {}
        for r in self.changed:
            out.setdefault(r.group, []).append(r)
        return dict(sorted(out.items(), key=lambda kv: (not kv[0].startswith("tenant "), kv[0])))

    def tenants(self) -> list[str]:
        return sorted({r.tenant for r in self.changed if r.tenant})

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "stack": self.stack,
            "base": self.base_source,
            "head": self.head_source,
            "summary": self.counts(),
            "tenants": self.tenants(),
            "attention": [{"urn": r.urn, "op": r.op, "risks": r.risks()} for r in self.attention()],
            "resources": [r.to_json() for r in self.changed],
        }


# --------------------------------------------------------------------------------------------
# Matching two plans
# --------------------------------------------------------------------------------------------
@dataclass
class _Side:
    """One revision's resources by URN (the state after each step, removed resources skipped)."""

    states: dict[str, pj.State]

    @classmethod
    def read(cls, doc: dict[str, Any] | pj.Preview, source: str) -> "_Side":
        preview = doc if isinstance(doc, pj.Preview) else pj.read_preview(doc, source)
        states: dict[str, pj.State] = {}
        for step in preview.steps:
            if step.op in pj.DELETE_OPS or step.new is None:
                continue
            states.setdefault(step.new.urn, step.new)
        return cls(states)

    def group_of(self, urn: str) -> tuple[str, str]:
        """(group, tenant id) of a resource from its ancestors in this revision."""
        chain: list[pj.State] = []
        seen: set[str] = set()
        current = self.states.get(urn)
        while current is not None and current.urn not in seen:
            seen.add(current.urn)
            chain.append(current)
            current = self.states.get(current.parent)
        for state in chain:
            if state.type == TENANT_TYPE:
                return f"tenant {state.name}", state.name
        top = [s for s in reversed(chain) if s.type not in (pj.STACK_TYPE, PLATFORM_TYPE)]
        if top and not top[0].custom:
            return f"{top[0].type.split(':')[-1]} {top[0].name}", ""
        return "stack", ""


def _stateful_types() -> frozenset[str]:
    try:
        from components.conventions import STATEFUL_TYPES
    except ImportError:  # a checkout without the catalogue: nothing is known to hold data
        return frozenset()
    return frozenset(STATEFUL_TYPES)


def _inputs(state: pj.State) -> dict[str, Any]:
    return state.inputs if state.inputs or not state.outputs else state.outputs


def _option_changes(old: pj.State, new: pj.State) -> list[Change]:
    out = []
    for label, a, b in (
        ("[protect]", old.protect, new.protect),
        ("[retainOnDelete]", old.retain_on_delete, new.retain_on_delete),
    ):
        if a != b:
            out.append(Change(label, "update", old=a, new=b, note="resource option"))
    return out


def _is_default_provider(reference: str) -> bool:
    return pj.urn_name(pj.provider_urn(reference)).startswith("default")


def _compare(old: pj.State, new: pj.State) -> ResourceDiff:
    changes = props.diff_values(_inputs(old), _inputs(new))
    diff = ResourceDiff(urn=new.urn, type=new.type, name=new.name, op="same", custom=new.custom)
    diff.changes = changes + _option_changes(old, new)
    for change in changes:
        rule = replacements.forcing_rule(new.type, change.segments, change.old, change.new)
        if rule is not None:
            diff.reasons.append(f"`{change.path}` forces a replacement ({rule.source})")
    old_provider, new_provider = pj.provider_urn(old.provider), pj.provider_urn(new.provider)
    if old_provider != new_provider and not (_is_default_provider(old.provider) and _is_default_provider(new.provider)):
        diff.reasons.append(
            f"its provider changes from {pj.urn_name(old_provider) or 'the default'} to "
            f"{pj.urn_name(new_provider) or 'the default'}"
        )
    if diff.reasons:
        diff.op = "replace"
    elif diff.changes:
        diff.op = "update"
        diff.rules_unknown = new.custom and not replacements.known(new.type)
    diff.protect, diff.retain = (
        (old.protect, old.retain_on_delete) if diff.removes_old else (new.protect, new.retain_on_delete)
    )
    return diff


def _propagate(diffs: dict[str, ResourceDiff], base: _Side, head: _Side) -> None:
    """Replacements reach the resources that use them: managed by a replaced provider, or an input
    known only after apply that comes from a replaced resource. Repeats until nothing changes."""
    for _ in range(len(diffs) + 1):
        replaced = {urn for urn, d in diffs.items() if d.op == "replace"}
        changed_any = False
        for urn, d in diffs.items():
            if d.op not in ("same", "update") or urn not in base.states or urn not in head.states:
                continue
            if _absorb(d, base.states[urn], head.states[urn], replaced):
                changed_any = True
        if not changed_any:
            return


def _absorb(d: ResourceDiff, old: pj.State, new: pj.State, replaced: set[str]) -> bool:
    provider = pj.provider_urn(new.provider)
    before = (d.op, len(d.changes))
    if provider in replaced and provider == pj.provider_urn(old.provider):
        d.reasons.append(f"its provider {pj.urn_name(provider)} is replaced")
    inputs, old_inputs = _inputs(new), _inputs(old)
    known_paths = {c.path for c in d.changes}
    for key, sources in sorted(new.property_dependencies.items()):
        hit = sorted(set(sources) & replaced)
        if not hit or key in known_paths or not props.has_unknown(inputs.get(key)):
            continue
        change = Change(
            key,
            "update",
            old=old_inputs.get(key, MISSING),
            new=inputs.get(key),
            note=f"from replaced {pj.urn_name(hit[0])}",
        )
        d.changes.append(change)
        rule = replacements.forcing_rule(new.type, change.segments, change.old, change.new)
        if rule is not None:
            d.reasons.append(f"`{key}` takes a new value from the replaced {pj.urn_name(hit[0])} ({rule.source})")
    if d.reasons:
        d.op = "replace"
        d.protect, d.retain = old.protect, old.retain_on_delete
    elif d.changes:
        d.op = "update"
    return (d.op, len(d.changes)) != before


def diff_plans(
    base: dict[str, Any] | pj.Preview,
    head: dict[str, Any] | pj.Preview,
    *,
    base_source: str = "base",
    head_source: str = "head",
) -> PlanDiff:
    """Match two previews of one stack by URN. Raises InputError for a malformed document or two stacks."""
    from scripts.console import InputError

    old, new = _Side.read(base, base_source), _Side.read(head, head_source)
    stacks = {(u.project, u.stack) for u in (pj.parse_urn(urn) for urn in [*old.states, *new.states])}
    if len(stacks) > 1:
        names = ", ".join(sorted(f"{p}/{s}" for p, s in stacks))
        raise InputError(f"{base_source} and {head_source}: previews of different stacks ({names}): diff one stack")
    project, stack = next(iter(stacks)) if stacks else ("", "")
    stateful = _stateful_types()
    diffs: dict[str, ResourceDiff] = {}
    for urn, state in new.states.items():
        if urn in old.states:
            diffs[urn] = _compare(old.states[urn], state)
        else:
            diffs[urn] = ResourceDiff(
                urn,
                state.type,
                state.name,
                "create",
                state.custom,
                protect=state.protect,
                retain=state.retain_on_delete,
            )
            diffs[urn].changes = [Change(k, "add", new=v) for k, v in sorted(_inputs(state).items())]
    for urn, state in old.states.items():
        if urn not in new.states:
            diffs[urn] = ResourceDiff(
                urn,
                state.type,
                state.name,
                "delete",
                state.custom,
                protect=state.protect,
                retain=state.retain_on_delete,
            )
    _propagate(diffs, old, new)
    for urn, d in diffs.items():
        d.group, d.tenant = (new if urn in new.states else old).group_of(urn)
        d.stateful = d.type in stateful
    return PlanDiff(project, stack, list(diffs.values()), base_source, head_source)


# --------------------------------------------------------------------------------------------
# Policy results
# --------------------------------------------------------------------------------------------
#: Statuses that count as failing a check (what a reviewer wants to see appear or disappear).
FAILING = ("violation", "error")


def _key(f: Finding) -> tuple[str, ...]:
    return (f.policyPack, f.policy, f.urn, f.status, f.message)


@dataclass
class PolicyDelta:
    """Findings new in head and fixed in head (violations and checks that could not run)."""

    new: list[Finding]
    fixed: list[Finding]
    unchanged: int
    base: dict[str, Any] | None
    head: dict[str, Any] | None

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.fixed)

    @property
    def new_mandatory(self) -> list[Finding]:
        return [f for f in self.new if f.status == "violation" and f.enforcementLevel == "mandatory"]

    def to_json(self) -> dict[str, Any]:
        return {
            "new": [f.to_json() for f in self.new],
            "fixed": [f.to_json() for f in self.fixed],
            "unchanged": self.unchanged,
            "base": self.base,
            "head": self.head,
        }


def _failing(report: Report | None) -> dict[tuple[str, ...], Finding]:
    if report is None:
        return {}
    return {_key(f): f for f in report.findings if f.status in FAILING}


def policy_delta(base: Report | None, head: Report | None) -> PolicyDelta:
    """Compare the gate's findings of two revisions (a missing report counts as no findings)."""
    old, new = _failing(base), _failing(head)
    return PolicyDelta(
        new=_ordered(f for k, f in new.items() if k not in old),
        fixed=_ordered(f for k, f in old.items() if k not in new),
        unchanged=len(set(old) & set(new)),
        base=base.summary() if base is not None else None,
        head=head.summary() if head is not None else None,
    )


def _ordered(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.enforcementLevel != "mandatory", f.policy, f.urn, f.message))
