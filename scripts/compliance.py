"""The compliance evidence report: per framework, each control, the policies that implement it and how
they came out at preview time and in audits, the evidence per finding, the waivers and a remediation plan.

:func:`build` joins reports (a preview or stack-export evaluation, audits) with the control catalogue
(``policies/meta.py``, ``policies/frameworks.py``) into one JSON document; :func:`render_html` renders
that same document as one self-contained, printable, accessible HTML page (no script, no external
resource: a Content-Security-Policy forbids loading anything; semantic tables with captions and
header scopes). Tools read the JSON; people read the page; both hold the same numbers.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any, Iterable, Sequence

from policies import frameworks, meta
from scripts.findings import Report

COUNTS = ("passed", "failed", "suppressed", "unknown", "error")
SEVERITY_ORDER = ("critical", "high", "medium", "low", "")
FRAMEWORK_NAMES = {
    "soc2": "SOC 2",
    "hipaa": "HIPAA",
    "gdpr": "GDPR",
    "cis": "CIS Benchmarks",
    "pss": "Pod Security Standards",
    "nist": "NIST SP 800-53",
    "iso27001": "ISO/IEC 27001",
    "pci": "PCI DSS",
}
SOURCE_LABELS = {"preview": "preview", "state": "deployed (stack export)", "audit": "audit"}


def _zero() -> dict[str, int]:
    return {k: 0 for k in COUNTS}


def _add(into: dict[str, int], counts: dict[str, int]) -> None:
    for k in COUNTS:
        into[k] += int(counts.get(k, 0))


def _status(total: dict[str, int], policies: Sequence[str]) -> str:
    if not policies:
        return "no policy"
    for status in ("failed", "error", "unknown"):
        if total[status]:
            return status
    if total["passed"] or total["suppressed"]:
        return "passed"
    return "not evaluated"


def _citations(reports: Sequence[tuple[str, Report]]) -> dict[str, list[str]]:
    """Control ref -> names of the policies and audit checks citing it (catalogue order)."""
    cited: dict[str, list[str]] = {}
    for p in meta.all_policies():
        for ref in p.frameworks:
            cited.setdefault(ref, []).append(p.name)
    for _, report in reports:
        for rule in report.rules.values():
            for ref in rule.frameworks:
                if rule.name not in cited.setdefault(ref, []):
                    cited[ref].append(rule.name)
    return cited


def build(reports: Sequence[tuple[str, Report]], *, title: str = "Compliance evidence report") -> dict[str, Any]:
    """The report's data: ``reports`` are ``(kind, Report)`` with kind ``preview``, ``state`` or ``audit``."""
    kinds = list(dict.fromkeys(kind for kind, _ in reports))
    cited = _citations(reports)
    out_frameworks = []
    for fw, entries in frameworks.CATALOGUE.items():
        controls = []
        fw_totals = {k: _zero() for k in kinds}
        for cid in entries:
            ref = f"{fw}:{cid}"
            policies = cited.get(ref, [])
            counts = {k: _zero() for k in kinds}
            for kind, report in reports:
                for name in policies:
                    if name in report.checks:
                        _add(counts[kind], report.checks[name])
            total = _zero()
            for kind in kinds:
                _add(total, counts[kind])
                _add(fw_totals[kind], counts[kind])
            controls.append(
                {
                    "ref": ref,
                    "id": cid,
                    "title": frameworks.control(ref),
                    "policies": policies,
                    "counts": counts,
                    "status": _status(total, policies),
                }
            )
        source = frameworks.source(f"{fw}:{next(iter(entries))}") if entries else None
        out_frameworks.append(
            {
                "id": fw,
                "name": FRAMEWORK_NAMES.get(fw, fw),
                "document": str(source) if source else "",
                "url": source.url if source else "",
                "controls": controls,
                "totals": fw_totals,
            }
        )
    findings = []
    for kind, report in reports:
        for f in report.findings:
            findings.append({"source": kind, **f.to_json()})
    return {
        "title": title,
        "generatedAt": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sources": [
            {
                "kind": kind,
                "title": report.title,
                "resources": report.resources,
                "summary": report.summary(),
                "context": report.context,
            }
            for kind, report in reports
        ],
        "frameworks": out_frameworks,
        "findings": findings,
        "suppressions": [f for f in findings if f["status"] == "suppressed"],
        "remediation": remediation_plan(reports),
    }


def remediation_plan(reports: Sequence[tuple[str, Report]]) -> list[dict[str, Any]]:
    """One step per failing policy, most severe first (mandatory before advisory), with the resources to fix."""
    steps: dict[str, dict[str, Any]] = {}
    for kind, report in reports:
        for f in report.of("violation"):
            step = steps.setdefault(
                f.policy,
                {
                    "policy": f.policy,
                    "severity": f.severity,
                    "enforcement": f.enforcementLevel,
                    "remediation": f.remediation,
                    "frameworks": f.frameworks,
                    "resources": [],
                },
            )
            if f.enforcementLevel == "mandatory":
                step["enforcement"] = "mandatory"
            where = f.resource or "(account)"
            if where not in step["resources"]:
                step["resources"].append(where)
    ordered = sorted(
        steps.values(),
        key=lambda s: (
            SEVERITY_ORDER.index(s["severity"]) if s["severity"] in SEVERITY_ORDER else len(SEVERITY_ORDER),
            s["enforcement"] != "mandatory",
            s["policy"],
        ),
    )
    for number, step in enumerate(ordered, 1):
        step["step"] = number
        step["count"] = len(step["resources"])
    return ordered


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------
CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1f24;background:#fff}
header,main,footer{max-width:1200px;margin:0 auto;padding:0 1.5rem}
header{padding-top:1.5rem}
h1{font-size:1.7rem;margin:.2rem 0}h2{font-size:1.35rem;margin-top:2.2rem;border-bottom:2px solid #d0d7de}
h3{font-size:1.1rem;margin-top:1.4rem}
table{border-collapse:collapse;width:100%;margin:.6rem 0 1.2rem;font-size:.9rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #d0d7de;padding:.3rem .45rem;vertical-align:top;text-align:left}
thead th{background:#f3f5f7}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.failed{color:#a40e26;font-weight:600}.passed{color:#116329}.unknown,.error{color:#7d4e00;font-weight:600}
.badge{display:inline-block;border-radius:.6rem;padding:0 .45rem;font-size:.8rem;border:1px solid currentColor}
code{font:.85em ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
dl.evidence{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.2rem 0}
dl.evidence dt{font-family:ui-monospace,monospace;font-size:.8rem;color:#57606a}dl.evidence dd{margin:0}
nav ul{columns:2;padding-left:1.2rem}.muted{color:#57606a}
@media print{nav{display:none}body{font-size:10pt}h2{break-before:page}table{font-size:8.5pt}
thead{display:table-header-group}tr{break-inside:avoid}a{color:inherit;text-decoration:none}}
"""
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _count_cells(counts: dict[str, int], source: str) -> str:
    cells = []
    for k in COUNTS:
        value = counts[k]
        cls = f"n {k}" if value and k in ("failed", "unknown", "error") else "n"
        cells.append(f'<td class="{cls}" data-source="{source}" data-count="{k}">{value}</td>')
    return "".join(cells)


def _framework(fw: dict[str, Any], kinds: list[str]) -> str:
    head = "".join(
        f'<th scope="col" class="n">{_e(k.title())} ({_e(SOURCE_LABELS.get(src, src))})</th>'
        for src in kinds
        for k in COUNTS
    )
    rows = []
    for c in fw["controls"]:
        policies = ", ".join(f"<code>{_e(p)}</code>" for p in c["policies"]) or '<span class="muted">none</span>'
        counts = "".join(_count_cells(c["counts"][src], src) for src in kinds)
        rows.append(
            f'<tr data-control="{_e(c["ref"])}" data-status="{_e(c["status"])}">'
            f'<th scope="row"><code>{_e(c["id"])}</code></th><td>{_e(c["title"])}</td><td>{policies}</td>'
            f'<td class="{_e(c["status"].replace(" ", "-"))}">{_e(c["status"])}</td>{counts}</tr>'
        )
    totals = "".join(_count_cells(fw["totals"][src], src) for src in kinds)
    document = f'<a href="{_e(fw["url"])}">{_e(fw["document"])}</a>' if fw["url"] else _e(fw["document"])
    return (
        f'<section id="fw-{_e(fw["id"])}" data-framework="{_e(fw["id"])}" aria-labelledby="h-{_e(fw["id"])}">'
        f'<h2 id="h-{_e(fw["id"])}">{_e(fw["name"])}</h2><p class="muted">Control ids from {document}.</p>'
        f"<table><caption>{_e(fw['name'])}: {len(fw['controls'])} controls, the policies that implement "
        "them and how the resources they looked at came out</caption>"
        f'<thead><tr><th scope="col">Control</th><th scope="col">Title</th><th scope="col">Policies</th>'
        f'<th scope="col">Status</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
        f'<tfoot><tr data-total="{_e(fw["id"])}"><th scope="row" colspan="4">Total</th>{totals}</tr></tfoot>'
        "</table></section>"
    )


def _evidence(finding: dict[str, Any]) -> str:
    evidence = finding.get("evidence") or {}
    values = evidence.get("values") or {}
    items = "".join(
        f"<dt>{_e(k)}</dt><dd><code>{_e(json.dumps(v) if not isinstance(v, str) else v)}</code></dd>"
        for k, v in values.items()
    )
    when = f'<p class="muted">read {_e(evidence.get("readAt"))}</p>' if evidence.get("readAt") else ""
    drift = "".join(
        f"<li><code>{_e(d['path'])}</code>: live <code>{_e(json.dumps(d['live']))}</code>, stack "
        f"<code>{_e(json.dumps(d['state']))}</code></li>"
        for d in finding.get("drift") or []
    )
    drift_html = f"<p>Drift:</p><ul>{drift}</ul>" if drift else ""
    return (f'<dl class="evidence">{items}</dl>' if items else "") + when + drift_html


def _findings(findings: list[dict[str, Any]]) -> str:
    rows = []
    shown = [f for f in findings if f["status"] in ("violation", "error", "unknown")]
    for f in sorted(
        shown, key=lambda f: (f["status"] != "violation", f["enforcementLevel"] != "mandatory", f["policy"])
    ):
        where = f.get("urn") or f.get("arn") or f.get("name") or "(account)"
        extra = " ".join(
            _e(x) for x in (f.get("region"), f.get("component") and f"component {f['component']}",
                            f.get("tenant") and f"tenant {f['tenant']}") if x
        )  # fmt: skip
        rows.append(
            f'<tr data-status="{_e(f["status"])}"><td>{_e(f["source"])}</td><td>{_e(f["status"])}</td>'
            f"<td>{_e(f['enforcementLevel'])}</td><td><code>{_e(f['policy'])}</code></td>"
            f'<td><code>{_e(where)}</code><br><span class="muted">{extra}</span></td>'
            f"<td>{_e(f['message'])}</td><td>{_evidence(f)}</td></tr>"
        )
    if not rows:
        return '<p id="no-findings">No finding failed or could not be checked.</p>'
    return (
        '<table id="findings"><caption>Findings with their evidence (what the check read, and when)</caption>'
        '<thead><tr><th scope="col">Source</th><th scope="col">Status</th><th scope="col">Level</th>'
        '<th scope="col">Policy</th><th scope="col">Resource</th><th scope="col">Message</th>'
        f'<th scope="col">Evidence</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _suppressions(items: list[dict[str, Any]]) -> str:
    if not items:
        return '<p id="no-suppressions">No finding is waived.</p>'
    rows = "".join(
        f"<tr><td><code>{_e(f['policy'])}</code></td><td><code>{_e(f.get('urn') or f.get('arn') or f.get('name'))}"
        f"</code></td><td>{_e((f.get('suppression') or {}).get('owner'))}</td>"
        f"<td>{_e((f.get('suppression') or {}).get('expires'))}</td>"
        f"<td>{_e((f.get('suppression') or {}).get('reason'))}</td></tr>"
        for f in items
    )
    return (
        '<table id="suppressions"><caption>Waived findings: owner, expiry and reason</caption><thead><tr>'
        '<th scope="col">Policy</th><th scope="col">Resource</th><th scope="col">Owner</th>'
        f'<th scope="col">Expires</th><th scope="col">Reason</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def _plan(steps: list[dict[str, Any]]) -> str:
    if not steps:
        return '<p id="no-remediation">Nothing to remediate.</p>'
    rows = "".join(
        f'<tr data-severity="{_e(s["severity"])}"><th scope="row" class="n">{s["step"]}</th>'
        f"<td>{_e(s['severity'])}</td><td>{_e(s['enforcement'])}</td><td><code>{_e(s['policy'])}</code></td>"
        f'<td class="n">{s["count"]}</td><td>{_e(s["remediation"])}</td>'
        f"<td>{', '.join(f'<code>{_e(r)}</code>' for r in s['resources'][:20])}"
        f"{' …' if len(s['resources']) > 20 else ''}</td></tr>"
        for s in steps
    )
    return (
        '<table id="remediation"><caption>Remediation plan, most severe first</caption><thead><tr>'
        '<th scope="col" class="n">Step</th><th scope="col">Severity</th><th scope="col">Level</th>'
        '<th scope="col">Policy</th><th scope="col" class="n">Resources</th><th scope="col">What to do</th>'
        f'<th scope="col">Where</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def _sources(sources: list[dict[str, Any]]) -> str:
    rows = []
    for s in sources:
        summary = s["summary"]
        ctx = s.get("context") or {}
        detail = ", ".join(
            f"{k} {v if not isinstance(v, list) else ', '.join(map(str, v))}"
            for k, v in ctx.items()
            if k in ("account", "regions", "stack", "source", "started", "finished") and v
        )
        rows.append(
            f'<tr data-source="{_e(s["kind"])}"><td>{_e(SOURCE_LABELS.get(s["kind"], s["kind"]))}</td>'
            f'<td>{_e(s["title"])}</td><td class="n">{s["resources"]}</td>'
            f'<td class="n">{summary["mandatory"]}</td><td class="n">{summary["advisory"]}</td>'
            f'<td class="n">{summary["errors"]}</td><td class="n">{summary["suppressed"]}</td>'
            f"<td>{_e(detail)}</td></tr>"
        )
    return (
        '<table id="sources"><caption>What this report is made of</caption><thead><tr><th scope="col">Source</th>'
        '<th scope="col">Run</th><th scope="col" class="n">Resources</th><th scope="col" class="n">Mandatory '
        'violations</th><th scope="col" class="n">Advisory violations</th><th scope="col" class="n">Could not '
        f'check</th><th scope="col" class="n">Suppressed</th><th scope="col">Details</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def render_html(data: dict[str, Any]) -> str:
    """One self-contained page (no script, no external resource) for the data :func:`build` made."""
    kinds = list(dict.fromkeys(s["kind"] for s in data["sources"]))
    nav = "".join(f'<li><a href="#fw-{_e(fw["id"])}">{_e(fw["name"])}</a></li>' for fw in data["frameworks"])
    body = "".join(_framework(fw, kinds) for fw in data["frameworks"])
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(data['title'])}</title><style>{CSS}</style></head><body>"
        f'<header><h1>{_e(data["title"])}</h1><p class="muted">Generated {_e(data["generatedAt"])} by Plinth. '
        "Counts are resources per policy: each check of a control on one resource is passed, failed, "
        "suppressed, unknown (not known before apply) or error (could not be checked).</p></header>"
        f'<main><nav aria-label="Frameworks"><h2>Contents</h2><ul>{nav}'
        '<li><a href="#h-findings">Findings and evidence</a></li><li><a href="#h-suppressions">Suppressions</a></li>'
        '<li><a href="#h-remediation">Remediation plan</a></li></ul></nav>'
        f'<section aria-labelledby="h-sources"><h2 id="h-sources">Sources</h2>{_sources(data["sources"])}</section>'
        f"{body}"
        f'<section aria-labelledby="h-findings"><h2 id="h-findings">Findings and evidence</h2>'
        f"{_findings(data['findings'])}</section>"
        f'<section aria-labelledby="h-suppressions"><h2 id="h-suppressions">Suppressions</h2>'
        f"{_suppressions(data['suppressions'])}</section>"
        f'<section aria-labelledby="h-remediation"><h2 id="h-remediation">Remediation plan</h2>'
        f"{_plan(data['remediation'])}</section></main>"
        '<footer><p class="muted">The same data as JSON: <code>plinth report compliance --format json</code>.</p>'
        "</footer></body></html>\n"
    )


def counts_of(data: dict[str, Any]) -> Iterable[tuple[str, str, str, int]]:
    """(framework, source, count name, value) of every framework total: what a reader checks the page against."""
    for fw in data["frameworks"]:
        for source, counts in fw["totals"].items():
            for k, v in counts.items():
                yield fw["id"], source, k, v
