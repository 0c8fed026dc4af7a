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


def checks_for(types: frozenset[str], extra: Sequence[Check] = (), *, with_state: bool = False) -> list[Check]:
    """The packs' policies that look at any of ``types`` (and ``extra`` audit checks)."""
    chosen = []
    for check in pack_checks():
        if check.name in STACK_SCOPED and not with_state:
            continue
        if check.kind == "resource" and not set(check.types) & types:
            continue
        if check.kind == "stack" and check.types and not any(meta.reads_type(check.types, t) for t in types):
            continue
        if check.kind == "stack" and not check.types and not types:
            continue
        chosen.append(check)
    return [*chosen, *extra]


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
) -> Report:
    """Run ``checks`` over ``subjects`` with the user's policy config (suppressions included)."""
    config = settings(checks, policy_config, source=source)
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
    concurrency: int = 8,
    max_attempts: int = 5,
    on_progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Audit the account behind ``boto_session`` in ``regions``; ``state`` is a :class:`scripts.audit.state.Stack`."""
    from scripts.audit import aws
    from scripts.audit.aws import account

    services = state.services() if state is not None else None
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
    checks = checks_for(aws.read_types(), account.CHECKS, with_state=state is not None)
    missing: list[dict[str, str]] = []
    if state is not None:
        subjects, gaps, missing = state.scope(subjects, gaps)
        checks = [c for c in checks if c.pack != AUDIT_PACK]
    report = evaluate(subjects, checks, policy_config, gaps=gaps, source=config_source, title="AWS audit")
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
