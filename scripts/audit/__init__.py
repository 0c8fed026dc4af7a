"""``plinth audit``: the packs' checks over what is actually deployed.

* :func:`audit_aws` reads a live AWS account (``scripts/audit/aws/``: one module per service), turns
  each resource into the property shape the policies read and runs the same checks as the packs,
  plus the account-level checks that only exist at run time (``scripts/audit/aws/account.py``).
* :func:`audit_manifests` runs the Kubernetes policies over rendered manifests
  (``scripts/audit/manifests.py``).
* With a stack export (``scripts/audit/state.py``) the audit keeps to the stack's own resources, maps
  each finding to its URN, component and tenant, and reports drift on the properties the checks read.

The result is a :class:`~scripts.findings.Report` (every renderer applies), whose ``checks`` counts
how each check came out on each resource; exit code 2 when anything could not be checked, else 1
for failed mandatory controls, else 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from typing import Any, Callable, Mapping, Sequence

from policies import meta
from scripts.audit.evaluate import AUDIT_PACK, Check, Gap, Run, pack_checks, settings
from scripts.audit.subject import Subject
from scripts.findings import Report

#: Policies about the Pulumi program rather than the live resource (``protect``, the stack's budget):
#: they run only when a stack export says what the program declared.
STACK_SCOPED = ("stack-stateful-resource-protected", "stack-cost-budget-limited")


def version() -> str:
    try:
        return metadata.version("plinth")
    except metadata.PackageNotFoundError:
        return ""


def reads(check: Check, types: frozenset[str], *, with_state: bool = False) -> bool:
    """Whether ``check`` looks at any of ``types`` (the stack-scoped policies only with a stack export)."""
    if check.name in STACK_SCOPED and not with_state:
        return False
    if check.kind == "resource":
        return bool(set(check.types) & types)
    if check.types:
        return any(meta.reads_type(check.types, t) for t in types)
    return bool(types)


def checks_for(types: frozenset[str], extra: Sequence[Check] = (), *, with_state: bool = False) -> list[Check]:
    """The packs' policies that look at any of ``types`` (and ``extra`` audit checks)."""
    return [*(c for c in pack_checks() if reads(c, types, with_state=with_state)), *extra]


def within(checks: Sequence[Check], read: frozenset[str], readable: frozenset[str]) -> list[Check]:
    """The checks that can judge an audit that read only the types ``read`` of the ``readable`` ones.

    A resource check judges each resource on its own, so it runs on whatever was read. A stack check
    judges the types it names together - a trail or detector that was not read would count as missing,
    a false failure (no GuardDuty, no multi-region trail) or a false pass - so it runs only when every
    type it names that the audit can read was read. Prefix reads (``aws:``) judge each resource alone.
    """
    out = []
    for check in checks:
        named = {t for t in check.types if not t.endswith(":")} & readable
        if check.kind == "stack" and not named <= read:
            continue
        out.append(check)
    return out


def _packs(checks: Sequence[Check]) -> list[dict[str, str]]:
    seen: dict[str, str] = {}
    for check in checks:
        seen.setdefault(check.pack, check.version or version())
    return [{"name": name, "version": v} for name, v in seen.items()]


@dataclass
class Evaluation:
    report: Report
    checks: list[Check]


def evaluate(
    subjects: Sequence[Subject],
    checks: Sequence[Check],
    policy_config: Mapping[str, Any] | None,
    *,
    gaps: Sequence[Gap] = (),
    source: str = "policy config",
    title: str = "Audit",
    configurable: Sequence[Check] = (),
) -> Report:
    """Run ``checks`` over ``subjects`` with the user's policy config (suppressions included).

    ``configurable``: more checks the config may name and is validated for (the checks an audit of fewer
    services leaves out), so one config file serves every scope.
    """
    extra = [c for c in configurable if c.name not in {k.name for k in checks}]
    config = settings([*checks, *extra], policy_config, source=source)
    report = Report(resources=len(subjects), packs=_packs(checks), title=title)
    Run(report).evaluate(checks, subjects, config, gaps)
    return report


def audit_aws(
    boto_session: Any,
    regions: Sequence[str],
    *,
    endpoint_url: str | None = None,
    policy_config: Mapping[str, Any] | None = None,
    config_source: str = "policy config",
    state: Any = None,
    services: Sequence[str] | None = None,
    concurrency: int = 8,
    max_attempts: int = 5,
    on_progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Audit the account behind ``boto_session`` in ``regions``; ``state`` is a :class:`scripts.audit.state.Stack`.

    ``services`` (names of :func:`scripts.audit.aws.service_names`) reads only those services and runs only
    the checks that can judge them (:func:`within`): the account checks of a service not read do not run.
    """
    from scripts.audit import aws
    from scripts.audit.aws import account

    unknown = aws.unknown_services(services or ())
    if unknown:
        raise ValueError(f"unknown services {unknown}; known: {', '.join(aws.service_names())}")
    selected = None if services is None else tuple(dict.fromkeys(services))
    if state is not None:
        services = tuple(s for s in state.services() if selected is None or s in selected)
    else:
        services = selected
    collection = aws.collect(
        boto_session,
        regions,
        endpoint_url=endpoint_url,
        services=services,
        concurrency=concurrency,
        max_attempts=max_attempts,
        on_progress=on_progress,
    )
    subjects, gaps = collection.subjects, collection.gaps
    every = checks = checks_for(aws.read_types(), account.CHECKS, with_state=state is not None)
    if selected is not None:
        read = aws.types_of(selected)
        chosen = [c for c in every if reads(c, read, with_state=state is not None)]
        checks = within(chosen, read, aws.read_types())
    missing: list[dict[str, str]] = []
    if state is not None:
        subjects, gaps, missing = state.scope(subjects, gaps)
        checks = [c for c in checks if c.pack != AUDIT_PACK]
    report = evaluate(
        subjects, checks, policy_config, gaps=gaps, source=config_source, title="AWS audit", configurable=every
    )
    report.seconds = collection.seconds
    policy_types = {t for p in meta.all_policies() if p.name.startswith("aws-") for t in p.types}
    report.context = {
        "kind": "aws",
        "account": collection.account,
        "regions": list(collection.regions),
        "endpointUrl": endpoint_url or "",
        "started": collection.started,
        "finished": collection.finished,
        "apiCalls": collection.calls,
        "services": list(services) if services is not None else list(aws.service_names()),
        "typesNotRead": sorted(policy_types - aws.read_types()),
    }
    if state is not None:
        report.context["stack"] = state.name
        report.context["missing"] = missing
        report.context["notAudited"] = [
            {"urn": r.urn, "type": r.type}
            for r in state.resources
            if r.analyzed and r.type in policy_types and r.type not in aws.read_types()
        ]
    return report


def audit_manifests(
    path: Any, policy_config: Mapping[str, Any] | None = None, *, config_source: str = "policy config"
) -> Report:
    """The Kubernetes policies over rendered manifests in a file or directory."""
    from scripts.audit import manifests

    subjects, files = manifests.read(path)
    types = frozenset(s.resource_type for s in subjects)
    checks = [c for c in checks_for(types) if c.name.startswith(("kubernetes-", "stack-"))]
    report = evaluate(subjects, checks, policy_config, source=config_source, title="Manifest audit")
    report.context = {"kind": "manifests", "source": str(path), "files": files, "objects": len(subjects)}
    return report
