"""``plinth comment``: post or edit one pull-request comment per stack from ``plinth diff --format markdown``."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from scripts import console


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "comment",
        help="post or edit one PR/MR comment per stack (from plinth diff --format markdown)",
        description="Split a `plinth diff --format markdown` file at its hidden per-stack markers and keep one comment "
        "per stack on a GitHub pull request or GitLab merge request: the stack's earlier comment is edited in place; a "
        "stack without changes only overwrites an earlier comment. The token is read from an environment variable, "
        "never from the command line.",
    )
    p.add_argument("file", type=Path, help="the Markdown written by plinth diff --format markdown")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--github", metavar="OWNER/REPO", help="a GitHub repository (pull request comments)")
    where.add_argument("--gitlab", metavar="PROJECT", help="a GitLab project id or path (merge request notes)")
    p.add_argument(
        "--number", type=int, required=True, metavar="N", help="the pull request number or merge request iid"
    )
    p.add_argument(
        "--api", metavar="URL", help="API base URL (default: https://api.github.com or https://gitlab.com/api/v4)"
    )
    p.add_argument(
        "--token-env",
        default="",
        metavar="NAME",
        help="environment variable holding the token (default: GITHUB_TOKEN or GITLAB_TOKEN)",
    )
    p.add_argument("--author", default="", metavar="LOGIN", help="only edit comments written by this account")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    from scripts import comment
    from scripts.diff.render import split_sections

    token_env = args.token_env or ("GITHUB_TOKEN" if args.github else "GITLAB_TOKEN")
    token = os.environ.get(token_env, "")
    if not token:
        raise console.UsageError(f"{token_env}: not set; the token is read from this environment variable")
    if args.number <= 0:
        raise console.UsageError(f"--number {args.number}: not a pull/merge request number")
    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise console.InputError(f"{args.file}: cannot read: {getattr(err, 'strerror', None) or err}") from err
    sections = split_sections(text)
    if not sections:
        console.info(f"{args.file}: no stack sections (no stack was touched): nothing to post")
        return console.EXIT_OK
    forge: comment.Forge
    if args.github:
        if args.github.count("/") != 1:
            raise console.UsageError(f"--github {args.github}: expected OWNER/REPO")
        forge = comment.GitHub(args.api or "https://api.github.com", token, args.github, args.number)
    else:
        forge = comment.GitLab(args.api or "https://gitlab.com/api/v4", token, args.gitlab, args.number)
    for action in comment.upsert(forge, sections, author=args.author):
        suffix = f" (comment {action.comment_id})" if action.comment_id else ""
        console.info(f"{action.stack}: {action.action}{suffix}")
    return console.EXIT_OK
