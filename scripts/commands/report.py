"""``plinth report compliance``: the compliance evidence report from a preview or a stack export and audits."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from scripts import console
from scripts.findings import Evidence, Finding, Report, Rule, Suppression


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "report",
        help="write reports for people: `plinth report compliance` (per framework, evidence, remediation)",
        description="Reports for auditors and security teams.",
    )
    which = p.add_subparsers(dest="report", required=True, metavar="REPORT", help="which report: compliance")
    c = which.add_parser(
        "compliance",
        help="one self-contained HTML page (or JSON) per run: controls, policies, counts, evidence, waivers, plan",
    )
    source = c.add_mutually_exclusive_group(required=True)
    source.add_argument("-s", "--stack", metavar="NAME", help="preview this stack offline and judge the plan")
    source.add_argument("--preview-json", type=Path, metavar="FILE", help="a `pulumi preview --json` file")
    source.add_argument("--state", type=Path, metavar="FILE", help="a `pulumi stack export` file")
    c.add_argument("--audit", type=Path, action="append", metavar="FILE", help="a `plinth audit --format json` report")
    c.add_argument(
        "--config", type=Path, dest="policy_config", metavar="FILE", help="policy config JSON (as for the packs)"
    )
    c.add_argument("--format", choices=("html", "json"), default="html", help="report format (default: html)")
    c.add_argument("--out", metavar="FILE", help="write the report to FILE instead of standard output")
    c.add_argument("--title", default="Compliance evidence report", help="the page's title")
    c.add_argument("--project-dir", help=argparse.SUPPRESS)
    c.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    from scripts import compliance

    console.check_output_path(args.out)
    config = console.read_json(args.policy_config) if args.policy_config else None
    audits = [read_audit(path) for path in args.audit or []]
    kind, planned = _planned(args, config)
    data = compliance.build([(kind, planned), *(("audit", a) for a in audits)], title=args.title)
    text = json.dumps(data, indent=2, default=str) + "\n" if args.format == "json" else compliance.render_html(data)
    console.write_output(text, args.out)
    return 0


def _planned(args: argparse.Namespace, config: dict[str, Any] | None) -> tuple[str, Report]:
    from scripts import audit, pulumi_json
    from scripts.audit import planned
    from scripts.commands import options

    source = str(args.policy_config or "policy config")
    if args.state:
        resources = planned.from_state(console.read_json(args.state), str(args.state))
        kind = "state"
    elif args.preview_json:
        preview = pulumi_json.read_preview(console.read_json(args.preview_json), str(args.preview_json))
        resources = planned.from_preview(preview, str(args.preview_json))
        kind = "preview"
    else:
        from scripts import engine

        with console.progress(f"Previewing stack {args.stack} offline", unit="resources registered") as bar:
            plan = engine.preview_plan(args.stack, options.project_dir(args), on_progress=bar.update)
        resources = planned.from_preview(plan, "plan")
        kind = "preview"
    types = frozenset(r.resource_type for r in resources)
    checks = audit.checks_for(types, with_state=True)
    title = "Deployed stack" if kind == "state" else "Preview"
    return kind, audit.evaluate(resources, checks, config, source=source, title=title)


def read_audit(path: Path) -> Report:
    """An audit's JSON report back as a Report (InputError naming the file and key when it is not one)."""
    doc = console.read_json(path)
    if not isinstance(doc.get("checks"), dict) or not isinstance(doc.get("findings"), list):
        raise console.InputError(f"{path}: not a `plinth audit --format json` report (no checks and findings)")
    summary = doc.get("summary") or {}
    for name, counts in doc["checks"].items():
        if not isinstance(counts, dict) or not all(isinstance(n, int) for n in counts.values()):
            raise console.InputError(f'{path}: checks.{name}: expected counts per outcome, e.g. {{"failed": 1}}')
    report = Report(
        resources=int(summary.get("resources") or 0) if isinstance(summary, dict) else 0,
        packs=list(summary.get("packs") or []) if isinstance(summary, dict) else [],
        title=str(doc.get("title") or "Audit"),
        checks={str(k): dict(v) for k, v in doc["checks"].items()},
        context=dict(doc.get("context") or {}) if isinstance(doc.get("context"), dict) else {},
    )
    rules = doc.get("rules") or {}
    if not isinstance(rules, dict):
        raise console.InputError(f"{path}: rules: expected an object of policy name -> rule")
    for name, rule in rules.items():
        try:
            report.rules[name] = Rule(**rule)
        except TypeError as err:
            raise console.InputError(f"{path}: rules.{name}: not a rule of `plinth audit` ({err})") from err
    for index, item in enumerate(doc["findings"]):
        try:
            report.add(_finding(item))
        except (KeyError, TypeError) as err:
            raise console.InputError(f"{path}: findings[{index}]: {err}") from err
    return report


def _finding(item: dict[str, Any]) -> Finding:
    waiver = item.get("suppression")
    evidence = item.get("evidence")
    f = Finding(
        policyPack=item["policyPack"],
        policyPackVersion=item.get("policyPackVersion", ""),
        policy=item["policy"],
        description=item.get("description", ""),
        message=item["message"],
        urn=item.get("urn", ""),
        resourceType=item.get("resourceType", ""),
        enforcementLevel=item["enforcementLevel"],
        severity=item.get("severity", ""),
        frameworks=list(item.get("frameworks") or []),
        remediation=item.get("remediation", ""),
        status=item["status"],
        suppression=Suppression(**waiver) if waiver else None,
    )
    f.arn, f.region, f.name = item.get("arn", ""), item.get("region", ""), item.get("name", "")
    f.component, f.tenant = item.get("component", ""), item.get("tenant", "")
    if evidence:
        f.evidence = Evidence(
            evidence.get("readAt", ""), dict(evidence.get("values") or {}), tuple(evidence.get("calls") or ())
        )
    return f
