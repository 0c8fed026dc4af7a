"""Options several commands share, and the checks that run before any work."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from scripts import console


def add_stack(parser: argparse.ArgumentParser, help_text: str, default: str | None = None) -> None:
    parser.add_argument("-s", "--stack", default=default, metavar="NAME", help=help_text)


def add_output(parser: argparse.ArgumentParser, formats: tuple[str, ...], default: str) -> None:
    parser.add_argument("--format", choices=formats, default=default, help=f"report format (default: {default})")
    parser.add_argument("--out", metavar="FILE", help="write the report to FILE instead of standard output")


def add_packs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pack",
        action="append",
        type=Path,
        metavar="DIR",
        help="policy pack directory (repeatable; default: the three Plinth packs)",
    )
    parser.add_argument(
        "--policy-config",
        type=Path,
        metavar="FILE",
        dest="policy_config",
        help="policy config JSON, as for `pulumi preview --policy-pack-config`",
    )
    # The first name of the option in `plinth policy`; kept so existing CI jobs keep working.
    parser.add_argument("--config", type=Path, dest="policy_config", help=argparse.SUPPRESS)


def add_project_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project-dir", help=argparse.SUPPRESS)


def project_dir(args: argparse.Namespace) -> Path:
    from scripts import engine

    return Path(args.project_dir).resolve() if getattr(args, "project_dir", None) else engine.project_root()


def pack_dirs(args: argparse.Namespace) -> list[Path]:
    """The packs to run, each once, every one checked to be a pack before any work."""
    from scripts import gate

    dirs = gate.unique_packs(args.pack or list(gate.DEFAULT_PACKS))
    for directory in dirs:
        if not (directory / "PulumiPolicy.yaml").is_file():
            raise console.UsageError(f"{directory}: not a policy pack (no PulumiPolicy.yaml)")
    return dirs


def policy_config(args: argparse.Namespace) -> tuple[dict[str, Any] | None, str]:
    """The policy config file, read and checked as far as it can be without the packs; and its name."""
    from scripts.gate.config import check_structure

    if args.policy_config is None:
        return None, "policy config"
    source = str(args.policy_config)
    config = console.read_json(args.policy_config)
    check_structure(config, source=source)
    return config, source
