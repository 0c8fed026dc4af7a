"""``plinth fix``: the remediation of every finding, as a stack-file patch where Plinth owns the fix.

Two kinds of input:

* problems of the stack config itself (:class:`components.config.ConfigError`: key path, message);
* findings of the policy gate or the runtime audit (the JSON report's ``findings``), with the
  resources they point at (for the tenant a resource belongs to: the finding's own ``tenant`` key
  when it has one, else the resource's ``tenant`` tag or label).

A *fixer* turns one into :class:`~scripts.stackpatch.Change` s of the stack file when the fix is a
stack-config change whose right value Plinth knows; everything else is listed with the policy's
remediation text (policies/meta.py), to do by hand. Fixers never guess a value a person must
choose (a second region, an owner, a budget); they are listed in :data:`FIXERS` and
:data:`CONFIG_FIXERS` and each cites the rule it follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from components import conventions
from components.monitoring.spec import PRIORITIES
from scripts.stackpatch import Change


@dataclass
class Item:
    """One finding or config problem, and how it is fixed."""

    source: str  # "config" or the policy name
    subject: str  # the key path or resource
    message: str
    severity: str = ""
    enforcement: str = ""
    changes: list[Change] = field(default_factory=list)
    by_hand: str = ""

    @property
    def fixed(self) -> bool:
        return bool(self.changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "subject": self.subject,
            "message": self.message,
            "severity": self.severity,
            "enforcementLevel": self.enforcement,
            "changes": [{"target": c.path, "value": c.value, "why": c.why} for c in self.changes],
            "byHand": self.by_hand,
        }


# --------------------------------------------------------------------------------------------
# Config problems
# --------------------------------------------------------------------------------------------
def _route_fix(path: str, message: str, raw: Mapping[str, Any]) -> list[Change]:
    """``routes: route every priority; missing P2``: route each missing priority like the other one
    of its kind (P0/P1 page, P2/P3 are tickets: components/monitoring/slo.py), else like the nearest
    more urgent one, so an alert never goes to fewer people than a less urgent one would."""
    match = re.search(r"route every priority; missing (?P<missing>P[0-3](, P[0-3])*)", message)
    routes = (((raw.get("plinth:monitoring") or {}).get("alerting") or {}).get("routes")) or {}
    if not match or not isinstance(routes, Mapping) or not routes:
        return []
    changes = []
    for priority in match.group("missing").split(", "):
        rank = PRIORITIES.index(priority)
        partner = PRIORITIES[rank ^ 1]  # P0 <-> P1, P2 <-> P3
        nearer = [p for p in (partner, *reversed(PRIORITIES[:rank]), *PRIORITIES[rank:]) if p in routes]
        if nearer:
            changes.append(
                Change(
                    "plinth:monitoring.alerting.routes." + priority,
                    routes[nearer[0]],
                    f"{priority} alerts go where {nearer[0]} alerts go",
                )
            )
    return changes


ConfigFixer = Callable[[str, str, Mapping[str, Any]], list[Change]]
#: (key path pattern, message pattern) -> fixer.
CONFIG_FIXERS: list[tuple[re.Pattern[str], re.Pattern[str], ConfigFixer]] = [
    (re.compile(r"^monitoring\.alerting$"), re.compile(r"route every priority"), _route_fix),
]


def config_items(problems: list[tuple[str, str]], raw: Mapping[str, Any]) -> list[Item]:
    items = []
    for path, message in problems:
        item = Item("config", f"plinth:{path}" if path else "(stack file)", message, "high", "mandatory")
        for key, text, fixer in CONFIG_FIXERS:
            if key.search(path) and text.search(message):
                item.changes = fixer(path, message, raw)
        if not item.changes:
            item.by_hand = f"edit plinth:{path}: {message}" if path else message
        items.append(item)
    return items


# --------------------------------------------------------------------------------------------
# Policy and audit findings
# --------------------------------------------------------------------------------------------
def tenant_of(props: Mapping[str, Any]) -> str | None:
    for key in ("tags", "labels"):
        value = props.get(key)
        if isinstance(value, Mapping):
            tenant = value.get(conventions.TAG_TENANT) or value.get(conventions.LABEL_TENANT)
            if isinstance(tenant, str):
                return tenant
    metadata = props.get("metadata")
    labels = metadata.get("labels") if isinstance(metadata, Mapping) else None
    tenant = labels.get(conventions.LABEL_TENANT) if isinstance(labels, Mapping) else None
    return tenant if isinstance(tenant, str) else None


def _retention_fix(finding: Mapping[str, Any], tenant: str | None, raw: Mapping[str, Any]) -> list[Change]:
    """aws-backup-plan-retention-minimum: keep the tenant's daily points for the floor's days
    (``plinth:backup.tenants.<id>.retention.daily``, a count of daily points = days kept)."""
    match = re.search(r"the floor is (?P<days>\d+)", str(finding.get("message", "")))
    if tenant is None or not match:
        return []
    days = int(match.group("days"))
    return [Change(f"plinth:backup.tenants.{tenant}.retention.daily", days, f"keep daily points {days} days")]


def _vault_lock_fix(finding: Mapping[str, Any], tenant: str | None, raw: Mapping[str, Any]) -> list[Change]:
    """aws-backup-vault-locked-hipaa: lock the tenant's vault (governance mode, Plinth's HIPAA default)."""
    if tenant is None:
        return []
    return [Change(f"plinth:backup.tenants.{tenant}.immutability.mode", "governance", "lock the HIPAA vault")]


def _tags_fix(finding: Mapping[str, Any], tenant: str | None, raw: Mapping[str, Any]) -> list[Change]:
    """stack-resource-tags-required: Plinth merges every resource's tags from ``plinth:tags`` and the
    tenant spec (components/tenant/component.py), so a missing ``managed-by`` or ``environment``
    goes into ``plinth:tags`` (values Plinth knows: ``plinth`` and the stack's environment) and a
    missing ``cost-center`` of a known tenant into its own ``tags``. A missing ``tenant`` tag cannot
    say whose resource it is: by hand."""
    match = re.search(r"Missing required tag\(s\): (?P<keys>[^.]+)\.", str(finding.get("message", "")))
    if not match:
        return []
    keys = [k.strip() for k in match.group("keys").split(",")]
    known = {
        conventions.TAG_MANAGED_BY: conventions.MANAGED_BY_VALUE,
        conventions.TAG_ENVIRONMENT: raw.get("plinth:environment"),
    }
    changes = [Change(f"plinth:tags.{k}", known[k], f"every resource gets {k} from plinth:tags")
               for k in keys if isinstance(known.get(k), str)]  # fmt: skip
    tenants = raw.get("plinth:tenants") or []
    index = next((i for i, t in enumerate(tenants) if isinstance(t, Mapping) and t.get("id") == tenant), None)
    if conventions.TAG_COST_CENTER in keys and index is not None and tenants[index].get("costCenter"):
        changes.append(Change(f"plinth:tenants[{index}].tags.{conventions.TAG_COST_CENTER}",
                              tenants[index]["costCenter"], "the tenant's cost center"))  # fmt: skip
    fixed = {c.path.rsplit(".", 1)[1] for c in changes}
    return changes if fixed >= set(keys) else []


Fixer = Callable[[Mapping[str, Any], "str | None", Mapping[str, Any]], list[Change]]
#: Policy name -> fixer of its findings.
FIXERS: dict[str, Fixer] = {
    "aws-backup-plan-retention-minimum": _retention_fix,
    "aws-backup-vault-locked-hipaa": _vault_lock_fix,
    "stack-resource-tags-required": _tags_fix,
}


def finding_items(findings: Sequence[Mapping[str, Any]], props_by_urn: Mapping[str, Mapping[str, Any]],
                  raw: Mapping[str, Any]) -> list[Item]:  # fmt: skip
    """An item per violation (suppressed, unknown and remediated findings need nothing)."""
    items = []
    for f in findings:
        if f.get("status", "violation") not in ("violation", "error"):
            continue
        urn = str(f.get("urn", ""))
        subject = urn.rsplit("::", 1)[-1] if urn else "(stack)"
        item = Item(str(f.get("policy", "")), subject, str(f.get("message", "")), str(f.get("severity", "")),
                    str(f.get("enforcementLevel", "")))  # fmt: skip
        fixer = FIXERS.get(item.source)
        if fixer is not None and f.get("status", "violation") == "violation":
            tenant = f.get("tenant") if isinstance(f.get("tenant"), str) else tenant_of(props_by_urn.get(urn, {}))
            item.changes = fixer(f, tenant, raw)
        if not item.changes:
            item.by_hand = str(f.get("remediation") or _remediation(item.source) or f.get("description") or "")
        items.append(item)
    return items


def _remediation(name: str) -> str:
    """The policy's remediation text from its metadata (policies/meta.py), for reports that lack it."""
    from policies import meta

    try:
        return meta.policy(name).remediation
    except (KeyError, LookupError, ValueError):
        return ""


def dedupe(changes: list[Change]) -> list[Change]:
    """One change per key path (two findings on one tenant propose the same key once)."""
    out: dict[str, Change] = {}
    for change in changes:
        out.setdefault(change.path, change)
    return list(out.values())
