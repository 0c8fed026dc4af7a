"""One finding model and its renderings: JSON, SARIF 2.1.0, Markdown (PR comments) and text.

The policy gate, the runtime audit (``plinth audit``) and the compliance report fill the same model,
so every tool speaks one JSON shape and one SARIF dialect. An audit finding also names the live
resource (ARN and region), carries its :class:`Evidence` (the attribute values the check read, and
when) and, with a stack export, the URN, component, tenant and drift of the resource.

Statuses: ``violation`` (at its enforcement level), ``error`` (could not be checked: exit 2),
``unknown`` (a value unknown until apply), ``suppressed`` (an accepted exception, with owner,
reason and expiry) and ``remediated``. Exit code: 2 when anything could not be checked, else 1
when a mandatory violation exists, else 0.

Everything a finding carries is user data: renderers never interpret it (no Rich markup, Markdown
table cells escaped, HTML special characters escaped).
"""

from __future__ import annotations

import hashlib
import html
import io
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from scripts.pulumi_json import urn_name

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: GitHub's ``security-severity`` scale (0-10) for each severity.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "": "5.0"}
#: GitHub rejects issue and pull-request comments longer than this (characters).
GITHUB_COMMENT_LIMIT = 65_536
STATUSES = ("violation", "error", "unknown", "suppressed", "remediated")
_TITLES = {
    "violation": "Violations",
    "error": "Could not be checked (errors)",
    "unknown": "Could not be checked at preview",
    "suppressed": "Suppressed",
}


@dataclass(frozen=True)
class Suppression:
    """An accepted exception: who waived the finding, why, and until when."""

    owner: str
    reason: str
    expires: str

    def describe(self) -> str:
        return f"waived by {self.owner} until {self.expires}: {self.reason}"


@dataclass(frozen=True)
class Location:
    """Where a finding points in the user's files (SARIF ``physicalLocation``)."""

    uri: str
    line: int = 1


@dataclass(frozen=True)
class Evidence:
    """What a check read from a live (or planned) resource: attribute path -> value, and when it was read."""

    read_at: str
    values: dict[str, Any]
    #: Where the values came from (``aws:s3:GetBucketEncryption``...); empty for a plan.
    calls: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"readAt": self.read_at, "values": self.values}
        if self.calls:
            out["calls"] = list(self.calls)
        return out


@dataclass(frozen=True)
class Drift:
    """A property a check reads whose live value differs from what the stack last applied."""

    path: str
    live: Any
    state: Any

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "live": self.live, "state": self.state}


@dataclass
class Finding:
    policyPack: str  # noqa: N815 - the JSON report's key names
    policyPackVersion: str  # noqa: N815
    policy: str
    description: str
    message: str
    urn: str
    resourceType: str  # noqa: N815
    enforcementLevel: str  # noqa: N815
    severity: str
    frameworks: list[str]
    remediation: str = ""
    status: str = "violation"
    suppression: Suppression | None = None
    location: Location | None = None
    #: A live resource (audits): its ARN (or another provider id) and region; empty for a plan.
    arn: str = ""
    region: str = ""
    evidence: Evidence | None = None
    #: With a stack export: the component and tenant the resource belongs to, and its drift.
    component: str = ""
    tenant: str = ""
    drift: list[Drift] = field(default_factory=list)
    #: The resource's own name where there is no URN (a live resource, a manifest object).
    name: str = ""

    @property
    def resource(self) -> str:
        if self.urn:
            return urn_name(self.urn)
        return self.name or self.arn

    def key(self) -> tuple[str, ...]:
        return (self.policyPack, self.policy, self.urn, self.arn, self.name, self.message, self.status)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for optional in ("location", "evidence", "drift"):
            out.pop(optional)
        if self.suppression is None:
            out.pop("suppression")
        if self.location is not None:
            out["location"] = {"uri": self.location.uri, "line": self.location.line}
        for key in ("arn", "region", "component", "tenant", "name"):
            if not out[key]:
                out.pop(key)
        if self.evidence is not None:
            out["evidence"] = self.evidence.to_json()
        if self.drift:
            out["drift"] = [d.to_json() for d in self.drift]
        return out


@dataclass
class Rule:
    """A policy (or check) as reports list it."""

    pack: str
    name: str
    description: str
    severity: str
    frameworks: list[str]
    remediation: str
    enforcement_level: str


@dataclass
class Report:
    resources: int
    packs: list[dict[str, Any]]
    rules: dict[str, Rule] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    source: str = ""
    #: How the report names itself ("Policy gate"; an audit says "Audit").
    title: str = "Policy gate"
    #: Per policy (or audit check), how the resources it looked at came out: ``passed``, ``failed``,
    #: ``suppressed``, ``unknown``, ``error`` counts (the audit and the compliance report fill it).
    checks: dict[str, dict[str, int]] = field(default_factory=dict)
    #: What else the report states about its run (audit: account, regions, started, finished).
    context: dict[str, Any] = field(default_factory=dict)
    _keys: set[tuple[str, ...]] = field(default_factory=set, init=False, repr=False, compare=False)

    # -- content ----------------------------------------------------------------------------
    def add(self, finding: Finding) -> None:
        """Add a finding once (the same finding from a replaced resource or a repeated pack counts once)."""
        if len(self._keys) != len(self.findings):
            self._keys = {f.key() for f in self.findings}
        if finding.key() not in self._keys:
            self._keys.add(finding.key())
            self.findings.append(finding)

    def of(self, status: str) -> list[Finding]:
        return [f for f in self.findings if f.status == status]

    @property
    def mandatory(self) -> list[Finding]:
        return [f for f in self.of("violation") if f.enforcementLevel == "mandatory"]

    @property
    def errors(self) -> list[Finding]:
        return self.of("error")

    @property
    def exit_code(self) -> int:
        if self.errors:
            return 2
        return 1 if self.mandatory else 0

    def pack_versions(self) -> str:
        """Each pack once, with its version: ``plinth-security@0.3.0, ...``."""
        return ", ".join(f"{p['name']}@{p['version']}" for p in self.packs)

    def summary(self) -> dict[str, Any]:
        violations = self.of("violation")
        return {
            "resources": self.resources,
            "packs": self.packs,
            "violations": len(violations),
            "mandatory": len(self.mandatory),
            "advisory": len(violations) - len(self.mandatory),
            "errors": len(self.errors),
            "unknown": len(self.of("unknown")),
            "suppressed": len(self.of("suppressed")),
            "remediated": len(self.of("remediated")),
            "passed": not self.mandatory and not self.errors,
            "seconds": round(self.seconds, 3),
        }

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "violations": [f.to_json() for f in self.of("violation")],
            "errors": [f.to_json() for f in self.errors],
            "unknown": [f.to_json() for f in self.of("unknown")],
            "suppressed": [f.to_json() for f in self.of("suppressed")],
            "remediated": [f.to_json() for f in self.of("remediated")],
            "summary": self.summary(),
            "findings": [f.to_json() for f in self.findings],
        }
        if self.checks or self.context:
            out["title"] = self.title
            out["context"] = self.context
            out["checks"] = self.checks
            out["rules"] = {name: asdict(rule) for name, rule in sorted(self.rules.items())}
        return out

    # -- SARIF ------------------------------------------------------------------------------
    def to_sarif(self, artifact: str = "Pulumi.yaml", *, tool_version: str = "") -> dict[str, Any]:
        return to_sarif(self, artifact, tool_version=tool_version)

    # -- people -----------------------------------------------------------------------------
    def headline(self) -> str:
        s = self.summary()
        verdict = "FAILED" if self.mandatory else "INCOMPLETE" if self.errors else "passed"
        errors = f", {s['errors']} could not be checked (errors)" if s["errors"] else ""
        return (
            f"{self.title} {verdict}: {s['mandatory']} mandatory, {s['advisory']} advisory violation(s), "
            f"{s['unknown']} check(s) unknown until apply, {s['suppressed']} suppressed{errors} - "
            f"{s['resources']} resources, {len(self.packs)} pack(s): {self.pack_versions()}"
        )

    def render_text(self, *, width: int = 140, color: bool = False) -> str:
        return render_text(self, width=width, color=color)

    def render_markdown(self, *, limit: int = GITHUB_COMMENT_LIMIT) -> str:
        return render_markdown(self, limit=limit)


def _ordered(items: Iterable[Finding]) -> list[Finding]:
    return sorted(items, key=lambda f: (f.enforcementLevel != "mandatory", f.policy, f.urn, f.message))


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------
def _row(f: Finding, status: str) -> list[Text]:
    cells = [Text(f.enforcementLevel), Text(f.policy), Text(f.resource or "(stack)"), Text(f.message)]
    if status == "suppressed" and f.suppression is not None:
        cells += [Text(f.suppression.owner), Text(f.suppression.expires), Text(f.suppression.reason)]
    return cells


def render_text(report: Report, *, width: int = 140, color: bool = False) -> str:
    buf = io.StringIO()
    console = Console(
        file=buf, width=width, color_system="standard" if color else None, force_terminal=color, highlight=False
    )
    console.print(Text(report.headline()))
    for status in ("violation", "error", "unknown", "suppressed"):
        items = report.of(status)
        if not items:
            continue
        table = Table(title=_TITLES[status], show_lines=False)
        columns = ["level", "policy", "resource", "message"]
        if status == "suppressed":
            columns += ["waived by", "until", "reason"]
        for column in columns:
            table.add_column(column)
        for f in _ordered(items):
            table.add_row(*_row(f, status))
        console.print(table)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------
def md_text(text: str) -> str:
    """Text for a Markdown table cell or line: no HTML, no cell breaks, one line."""
    escaped = html.escape(str(text), quote=False).replace("|", "\\|")
    return " ".join(escaped.split())


def md_code(text: str) -> str:
    """An inline code span that survives any content (backticks, pipes, HTML)."""
    text = " ".join(str(text).split())
    if "`" in text or "|" in text or "<" in text or "&" in text:
        return "<code>" + html.escape(text, quote=False).replace("|", "&#124;") + "</code>"
    return f"`{text}`"


def _md_rows(report: Report, status: str) -> list[str]:
    rows = []
    for f in _ordered(report.of(status)):
        cells = [f.enforcementLevel, md_code(f.policy), md_code(f.resource or "stack"), md_text(f.message)]
        if status == "suppressed" and f.suppression is not None:
            cells += [md_text(f.suppression.owner), f.suppression.expires, md_text(f.suppression.reason)]
        else:
            cells.append(md_text(", ".join(f.frameworks)))
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def render_markdown(report: Report, *, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    """A PR comment: the verdict and counts first, then one collapsible table per status.

    Stays within ``limit`` characters: rows that do not fit are counted, not shown.
    """
    s = report.summary()
    icon = "❌ failed" if report.mandatory else "⚠️ incomplete" if report.errors else "✅ passed"
    lines = [
        f"### {report.title} {icon}",
        "",
        "| mandatory | advisory | not checked (errors) | unknown until apply | suppressed | resources | packs |",
        "|---:|---:|---:|---:|---:|---:|---|",
        f"| {s['mandatory']} | {s['advisory']} | {s['errors']} | {s['unknown']} | {s['suppressed']} | "
        f"{s['resources']} | {md_text(report.pack_versions())} |",
        "",
    ]
    budget = limit - 400  # room for the closing tags and the omission note
    used = sum(len(line) + 1 for line in lines)
    omitted = 0
    for status, open_ in (("violation", True), ("error", True), ("unknown", False), ("suppressed", False)):
        rows = _md_rows(report, status)
        if not rows:
            continue
        header = (
            "| level | policy | resource | message | waived by | until | reason |"
            if status == "suppressed"
            else "| level | policy | resource | message | frameworks |"
        )
        block = [
            f"<details{' open' if open_ else ''}><summary>{_TITLES[status]} ({len(rows)})</summary>",
            "",
            header,
            "|" + "---|" * header.count(" | ") + "---|",
        ]
        used += sum(len(line) + 1 for line in block) + 16
        if used > budget:
            omitted += len(rows)
            continue
        lines += block
        for row in rows:
            if used + len(row) + 1 > budget:
                omitted += 1
                continue
            used += len(row) + 1
            lines.append(row)
        lines += ["", "</details>", ""]
    if omitted:
        lines.append(
            f"_{omitted} finding(s) not shown to stay within {limit:,} characters; "
            "the JSON and SARIF reports list every finding._"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# SARIF 2.1.0
# --------------------------------------------------------------------------------------------
def _sarif_rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.name,
        "name": rule.name,
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": rule.description},
        "help": {
            "text": rule.remediation or rule.description,
            "markdown": md_text(rule.remediation or rule.description),
        },
        "defaultConfiguration": {"level": "error" if rule.enforcement_level == "mandatory" else "warning"},
        "properties": {
            "tags": ["security", *rule.frameworks],
            "severity": rule.severity,
            "security-severity": SECURITY_SEVERITY.get(rule.severity, "5.0"),
            "policyPack": rule.pack,
        },
    }


def _sarif_level(f: Finding) -> str:
    if f.status == "violation":
        return "error" if f.enforcementLevel == "mandatory" else "warning"
    return {"error": "error"}.get(f.status, "note")


def _sarif_result(f: Finding, artifact: str, index: dict[str, int]) -> dict[str, Any]:
    where = f.location or Location(artifact, 1)
    where_live = f.urn or f.arn or f.name
    text = f"{f.message} ({where_live})" if where_live else f.message
    if f.status == "error":
        text = f"could not be checked: {text}"
    result: dict[str, Any] = {
        "ruleId": f.policy or f"{f.policyPack}/not-checked",
        "level": _sarif_level(f),
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": where.uri},
                    "region": {"startLine": max(1, where.line)},
                },
                "logicalLocations": [
                    {"fullyQualifiedName": where_live or "stack", "kind": "resource", "name": f.resource or "stack"}
                ],
            }
        ],
        "partialFingerprints": {
            "plinthFinding/v1": hashlib.sha256(f"{f.policy}|{where_live}|{f.message}".encode()).hexdigest()[:32]
        },
        "properties": {
            "status": f.status,
            "enforcementLevel": f.enforcementLevel,
            "resourceType": f.resourceType,
            "frameworks": f.frameworks,
            "policyPack": f"{f.policyPack}@{f.policyPackVersion}",
        },
    }
    if f.region:
        result["properties"]["region"] = f.region
    if f.evidence is not None:
        result["properties"]["evidence"] = f.evidence.to_json()
    if f.drift:
        result["properties"]["drift"] = [d.to_json() for d in f.drift]
    if f.policy in index:
        result["ruleIndex"] = index[f.policy]
    if f.status == "suppressed":
        suppression: dict[str, Any] = {"kind": "external", "status": "accepted"}
        if f.suppression is not None:
            suppression["justification"] = f.suppression.reason
            suppression["properties"] = {"owner": f.suppression.owner, "expires": f.suppression.expires}
        result["suppressions"] = [suppression]
    return result


def to_sarif(report: Report, artifact: str = "Pulumi.yaml", *, tool_version: str = "") -> dict[str, Any]:
    """SARIF 2.1.0 for GitHub code scanning; results without a location of their own point at ``artifact``."""
    rule_ids = sorted(report.rules)
    index = {rid: i for i, rid in enumerate(rule_ids)}
    results = [_sarif_result(f, artifact, index) for f in report.findings if f.status != "remediated"]
    driver: dict[str, Any] = {
        "name": "plinth-policy",
        "informationUri": "https://www.pulumi.com/docs/iac/packages-and-automation/crossguard/",
        "rules": [_sarif_rule(report.rules[rid]) for rid in rule_ids],
    }
    if tool_version:
        driver["version"] = tool_version
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": driver,
                    "extensions": [{"name": p["name"], "version": p["version"]} for p in report.packs],
                },
                "results": results,
            }
        ],
    }
