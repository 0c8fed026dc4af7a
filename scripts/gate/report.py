"""The gate's findings and their renderings: JSON, SARIF 2.1.0, Markdown and text."""

from __future__ import annotations

import hashlib
import io
from dataclasses import asdict, dataclass, field
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

#: Prefix of the advisory diagnostic the policy SDK emits when a value is unknown at preview.
UNKNOWN_MARKER = "during preview:"
#: Prefix a policy puts on a violation that an unexpired suppression covers (reported, not counted).
SUPPRESSED_PREFIX = "[suppressed]"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "": "5.0"}


@dataclass
class Finding:
    policyPack: str
    policyPackVersion: str
    policy: str
    description: str
    message: str
    urn: str
    resourceType: str
    enforcementLevel: str
    severity: str
    frameworks: list[str]
    remediation: str = ""
    status: str = "violation"  # violation | unknown | suppressed | remediated

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RuleInfo:
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
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    source: str = ""

    def of(self, status: str) -> list[Finding]:
        return [f for f in self.findings if f.status == status]

    @property
    def mandatory(self) -> list[Finding]:
        return [f for f in self.of("violation") if f.enforcementLevel == "mandatory"]

    @property
    def exit_code(self) -> int:
        return 1 if self.mandatory else 0

    def summary(self) -> dict[str, Any]:
        violations = self.of("violation")
        return {
            "resources": self.resources,
            "packs": self.packs,
            "violations": len(violations),
            "mandatory": len(self.mandatory),
            "advisory": len(violations) - len(self.mandatory),
            "unknown": len(self.of("unknown")),
            "suppressed": len(self.of("suppressed")),
            "remediated": len(self.of("remediated")),
            "passed": not self.mandatory,
            "seconds": round(self.seconds, 3),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "violations": [f.to_json() for f in self.of("violation")],
            "unknown": [f.to_json() for f in self.of("unknown")],
            "suppressed": [f.to_json() for f in self.of("suppressed")],
            "remediated": [f.to_json() for f in self.of("remediated")],
            "summary": self.summary(),
            "findings": [f.to_json() for f in self.findings],
        }

    # -- SARIF ----------------------------------------------------------------------------
    def to_sarif(self, artifact: str = "Pulumi.yaml") -> dict[str, Any]:
        rule_ids = sorted(self.rules)
        index = {rid: i for i, rid in enumerate(rule_ids)}
        rules = []
        for rid in rule_ids:
            rule = self.rules[rid]
            rules.append(
                {
                    "id": rid,
                    "name": rid,
                    "shortDescription": {"text": rule.description},
                    "fullDescription": {"text": rule.description},
                    "help": {"text": rule.remediation or rule.description, "markdown": rule.remediation or rule.description},
                    "defaultConfiguration": {"level": "error" if rule.enforcement_level == "mandatory" else "warning"},
                    "properties": {
                        "tags": ["security", *rule.frameworks],
                        "severity": rule.severity,
                        "security-severity": SECURITY_SEVERITY.get(rule.severity, "5.0"),
                        "policyPack": rule.pack,
                    },
                }
            )
        results = []
        for f in self.findings:
            if f.status == "remediated":
                continue
            level = {"violation": "error" if f.enforcementLevel == "mandatory" else "warning", "unknown": "note", "suppressed": "note"}[f.status]
            result: dict[str, Any] = {
                "ruleId": f.policy,
                "level": level,
                "message": {"text": f"{f.message} ({f.urn})" if f.urn else f.message},
                "locations": [
                    {
                        "physicalLocation": {"artifactLocation": {"uri": artifact}, "region": {"startLine": 1}},
                        "logicalLocations": [{"fullyQualifiedName": f.urn or "stack", "kind": "resource", "name": f.urn.rsplit("::", 1)[-1] if f.urn else "stack"}],
                    }
                ],
                "partialFingerprints": {"plinthFinding/v1": hashlib.sha256(f"{f.policy}|{f.urn}|{f.message}".encode()).hexdigest()[:32]},
                "properties": {"status": f.status, "enforcementLevel": f.enforcementLevel, "resourceType": f.resourceType, "frameworks": f.frameworks},
            }
            if f.policy in index:
                result["ruleIndex"] = index[f.policy]
            if f.status == "suppressed":
                result["suppressions"] = [{"kind": "external", "justification": f.message}]
            results.append(result)
        return {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {"driver": {"name": "plinth-policy", "informationUri": "https://www.pulumi.com/docs/iac/packages-and-automation/crossguard/", "rules": rules}},
                    "results": results,
                }
            ],
        }

    # -- people ---------------------------------------------------------------------------
    def headline(self) -> str:
        s = self.summary()
        verdict = "FAILED" if self.mandatory else "passed"
        return (
            f"Policy gate {verdict}: {s['mandatory']} mandatory, {s['advisory']} advisory violation(s), "
            f"{s['unknown']} check(s) unknown until apply, {s['suppressed']} suppressed - "
            f"{s['resources']} resources, {len(self.packs)} pack(s)"
        )

    def render_text(self) -> str:
        buf = io.StringIO()
        console = Console(file=buf, width=140, color_system=None)
        console.print(escape(self.headline()))
        for status, title in (("violation", "Violations"), ("unknown", "Could not be checked at preview"), ("suppressed", "Suppressed")):
            items = self.of(status)
            if not items:
                continue
            table = Table(title=title, show_lines=False)
            for col in ("level", "policy", "resource", "message"):
                table.add_column(col)
            for f in sorted(items, key=lambda f: (f.enforcementLevel != "mandatory", f.policy, f.urn)):
                table.add_row(f.enforcementLevel, f.policy, f.urn.rsplit("::", 1)[-1] or "(stack)", escape(f.message))
            console.print(table)
        return buf.getvalue()

    def render_markdown(self) -> str:
        s = self.summary()
        lines = [
            "### Policy gate " + ("❌ failed" if self.mandatory else "✅ passed"),
            "",
            "| mandatory | advisory | unknown until apply | suppressed | resources | packs |",
            "|---:|---:|---:|---:|---:|---|",
            f"| {s['mandatory']} | {s['advisory']} | {s['unknown']} | {s['suppressed']} | {s['resources']} | "
            + ", ".join(f"{p['name']}@{p['version']}" for p in self.packs) + " |",
            "",
        ]
        for status, title, open_ in (("violation", "Violations", True), ("unknown", "Could not be checked at preview", False), ("suppressed", "Suppressed", False)):
            items = self.of(status)
            if not items:
                continue
            lines += [f"<details{' open' if open_ else ''}><summary>{title} ({len(items)})</summary>", "", "| level | policy | resource | message | frameworks |", "|---|---|---|---|---|"]
            for f in sorted(items, key=lambda f: (f.enforcementLevel != "mandatory", f.policy, f.urn)):
                msg = f.message.replace("|", "\\|").replace("\n", " ")
                lines.append(f"| {f.enforcementLevel} | `{f.policy}` | `{f.urn.rsplit('::', 1)[-1] or 'stack'}` | {msg} | {', '.join(f.frameworks)} |")
            lines += ["", "</details>", ""]
        return "\n".join(lines)
