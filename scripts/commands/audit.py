"""``plinth audit aws`` and ``plinth audit manifests``: the packs' checks over what is deployed."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from scripts import console
from scripts.findings import Report

FORMATS = ("text", "json", "sarif", "markdown", "html")


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "audit",
        help="run the policy packs' checks over a live AWS account or rendered Kubernetes manifests",
        description="Audit what is deployed with the same checks as the policy packs. Exit codes: 0 no failed "
        "mandatory control, 1 failed mandatory controls, 2 something could not be checked (a denied or "
        "throttled call, bad input).",
    )
    which = p.add_subparsers(
        dest="target", required=True, metavar="TARGET", help="what to audit: aws (a live account) or manifests"
    )
    aws = which.add_parser("aws", help="audit a live AWS account through boto3 (standard credential chain)")
    aws.add_argument(
        "--region", action="append", metavar="R", help="region to audit (repeatable; default: the profile's)"
    )
    aws.add_argument("--profile", metavar="P", help="AWS profile (default: the standard credential chain)")
    aws.add_argument("--endpoint-url", metavar="URL", help="send every API call to URL (tests, private endpoints)")
    aws.add_argument(
        "--service",
        action="append",
        dest="services",
        metavar="NAME",
        help="read only this service (repeatable; default: every one); account checks of other services do not run",
    )
    aws.add_argument("--state", type=Path, metavar="FILE", help="a `pulumi stack export`: audit only its resources")
    aws.add_argument("--concurrency", type=int, default=8, metavar="N", help="parallel API readers (default 8)")
    aws.add_argument(
        "--max-attempts", type=int, default=5, metavar="N", help="attempts per call, with backoff (default 5)"
    )
    manifests = which.add_parser(
        "manifests", help="audit rendered Kubernetes manifests (kubectl exports, helm template)"
    )
    manifests.add_argument("path", type=Path, metavar="DIR|FILE", help="a manifest file or a directory of them")
    for q in (aws, manifests):
        q.add_argument(
            "--config", type=Path, dest="policy_config", metavar="FILE", help="policy config JSON (as for the packs)"
        )
        q.add_argument("--policy-config", type=Path, dest="policy_config", help=argparse.SUPPRESS)
        q.add_argument("--format", choices=FORMATS, default="text", help="report format (default: text)")
        q.add_argument("--out", metavar="FILE", help="write the report to FILE instead of standard output")
        q.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    console.check_output_path(args.out)
    config, source = _policy_config(args)
    if args.target == "manifests":
        from scripts import audit

        with console.progress(f"Reading manifests in {args.path}"):
            report = audit.audit_manifests(args.path, config, config_source=source)
    else:
        report = _aws(args, config, source)
    console.write_output(render(report, args.format, args.out), args.out)
    return report.exit_code


def _policy_config(args: argparse.Namespace) -> tuple[dict[str, Any] | None, str]:
    if args.policy_config is None:
        return None, "policy config"
    from scripts.gate.config import check_structure

    config = console.read_json(args.policy_config)
    check_structure(config, source=str(args.policy_config))
    return config, str(args.policy_config)


def _aws(args: argparse.Namespace, config: dict[str, Any] | None, source: str) -> Report:
    from scripts import audit
    from scripts.audit import aws, state
    from scripts.audit.aws.api import CallFailed

    if args.concurrency < 1 or args.max_attempts < 1:
        raise console.UsageError("--concurrency and --max-attempts take a number of at least 1")
    unknown = aws.unknown_services(args.services or ())
    if unknown:
        raise console.UsageError(
            f"--service {', '.join(unknown)}: no such service; choose from {', '.join(sorted(aws.service_names()))}"
        )
    stack = state.read(console.read_json(args.state), str(args.state)) if args.state else None
    try:
        session = aws.session(args.profile)
    except Exception as err:  # noqa: BLE001 - botocore's ProfileNotFound and friends
        raise console.UsageError(f"--profile {args.profile}: {err}") from err
    regions = args.region or ([session.region_name] if session.region_name else [])
    if not regions:
        raise console.UsageError("say which regions to audit: --region R (or set AWS_REGION / the profile's region)")
    if args.endpoint_url and not args.endpoint_url.startswith(("http://", "https://")):
        raise console.UsageError(f"--endpoint-url {args.endpoint_url}: not an http(s) URL")
    label = f"Auditing AWS account in {', '.join(regions)}"
    try:
        with console.progress(label, unit="service reads") as bar:
            return audit.audit_aws(
                session,
                regions,
                endpoint_url=args.endpoint_url,
                policy_config=config,
                config_source=source,
                state=stack,
                services=args.services,
                concurrency=args.concurrency,
                max_attempts=args.max_attempts,
                on_progress=bar.update,
            )
    except CallFailed as failure:
        raise console.PlinthError(f"cannot read the account: {failure}") from failure


def render(report: Report, fmt: str, out: str | None) -> str:
    if fmt == "json":
        return json.dumps(report.to_json(), indent=2, default=str) + "\n"
    if fmt == "sarif":
        from scripts.audit import version

        return json.dumps(report.to_sarif("Pulumi.yaml", tool_version=version()), indent=2, default=str) + "\n"
    if fmt == "markdown":
        return report.render_markdown()
    if fmt == "html":
        import scripts.compliance as compliance

        return compliance.render_html(compliance.build([("audit", report)], title=report.title))
    style = console.output_style(out)
    return report.render_text(width=style.width, color=style.color)


__all__ = ["add_parser", "run", "render"]
