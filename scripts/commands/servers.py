"""Options of the commands that read Prometheus and Alertmanager (health, rightsize): URLs,
credentials from files or the environment (never the command line), timeouts."""

from __future__ import annotations

import argparse
from pathlib import Path

from scripts.prometheus import DEFAULT_TIMEOUT, Alertmanager, Prometheus, credentials


def add_prometheus(parser: argparse.ArgumentParser, *, alertmanager: bool = False) -> None:
    parser.add_argument("--prometheus", required=True, metavar="URL", help="Prometheus base URL")
    parser.add_argument(
        "--prometheus-token-file", type=Path, metavar="FILE",
        help="file holding a bearer token for Prometheus (or set PLINTH_PROMETHEUS_TOKEN)",
    )  # fmt: skip
    parser.add_argument(
        "--prometheus-basic-auth-file", type=Path, metavar="FILE",
        help="file holding user:password for Prometheus (or PLINTH_PROMETHEUS_USERNAME/_PASSWORD)",
    )  # fmt: skip
    if alertmanager:
        parser.add_argument(
            "--alertmanager", metavar="URL",
            help="Alertmanager base URL (default: the firing alerts of Prometheus' rules)",
        )  # fmt: skip
        parser.add_argument(
            "--alertmanager-token-file", type=Path, metavar="FILE",
            help="file holding a bearer token for Alertmanager (or set PLINTH_ALERTMANAGER_TOKEN)",
        )  # fmt: skip
        parser.add_argument(
            "--alertmanager-basic-auth-file", type=Path, metavar="FILE",
            help="file holding user:password for Alertmanager (or PLINTH_ALERTMANAGER_USERNAME/_PASSWORD)",
        )  # fmt: skip
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
        help=f"timeout of each request (default: {DEFAULT_TIMEOUT:g})",
    )  # fmt: skip


def prometheus(args: argparse.Namespace) -> Prometheus:
    creds = credentials(
        "prometheus", token_file=args.prometheus_token_file, basic_auth_file=args.prometheus_basic_auth_file
    )
    return Prometheus(args.prometheus, creds=creds, timeout=args.timeout)


def alertmanager(args: argparse.Namespace) -> Alertmanager | None:
    if not getattr(args, "alertmanager", None):
        return None
    creds = credentials(
        "alertmanager", token_file=args.alertmanager_token_file, basic_auth_file=args.alertmanager_basic_auth_file
    )
    return Alertmanager(args.alertmanager, creds=creds, timeout=args.timeout)
