"""Revisions of the project in git: a temporary checkout of a commit, and which stacks a change touches.

:func:`checkout` adds a detached ``git worktree`` of a revision in a temporary directory and removes
it again on every way out (an error, Ctrl-C, a cancelled CI job's SIGTERM - ``plinth`` turns it into
an exception that unwinds through here). Only git plumbing is used; nothing is fetched.

:func:`touched_stacks` says which stacks a change can alter: a stack file changes its stack; the
program, its components, the policy packs, the project file or the dependencies change every stack;
anything else (docs, tests, workflows) none.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterator

from scripts.console import PlinthError

#: Paths (relative to the project) whose change can alter every stack's preview or policy results.
PROGRAM_PATHS = ("__main__.py", "Pulumi.yaml", "pyproject.toml", "requirements.txt", "components/", "policies/")
GIT_TIMEOUT = 120


class GitError(PlinthError):
    """git could not do what was asked (not a repository, unknown revision, ...): exit 2."""


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=GIT_TIMEOUT, check=False)
    except FileNotFoundError as err:
        raise GitError("git is not installed (needed to preview another revision)") from err
    except subprocess.TimeoutExpired as err:
        raise GitError(f"git {args[0]} did not finish within {GIT_TIMEOUT} s") from err
    if done.returncode != 0:
        last = next((line for line in reversed(done.stderr.splitlines()) if line.strip()), f"exit {done.returncode}")
        raise GitError(f"git {' '.join(args[:2])}: {last.strip()}")
    return done.stdout


@dataclass(frozen=True)
class Repo:
    """The git repository holding the project, and where the project sits in it."""

    root: Path
    #: The project directory relative to the repository root ("." at the top).
    project: PurePosixPath

    @classmethod
    def of(cls, project_dir: Path) -> "Repo":
        project_dir = project_dir.resolve()
        try:
            top = Path(_git(["rev-parse", "--show-toplevel"], project_dir).strip()).resolve()
        except GitError as err:
            raise GitError(f"{project_dir}: not in a git repository ({err.message})") from err
        return cls(top, PurePosixPath(project_dir.relative_to(top).as_posix()))

    def commit(self, revision: str) -> str:
        """The full commit id of ``revision``; GitError naming it when it is not one."""
        if revision.startswith("-"):
            raise GitError(f"{revision!r}: not a revision")
        try:
            return _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], self.root).strip()
        except GitError:
            raise GitError(f"{revision!r}: no such revision in {self.root.name} (fetch it first?)") from None

    def describe(self, revision: str) -> str:
        """``<revision> (<short id>)`` for reports."""
        return f"{revision} ({self.commit(revision)[:12]})"

    def changed_files(self, base: str, head: str | None) -> list[str]:
        """Files changed between two commits, or between a commit and the working tree (untracked included).

        Paths are relative to the project directory; files outside it are left out.
        """
        if head is None:
            names = _git(["diff", "--name-only", "-z", self.commit(base)], self.root).split("\0")
            names += _git(["ls-files", "--others", "--exclude-standard", "-z"], self.root).split("\0")
        else:
            names = _git(["diff", "--name-only", "-z", self.commit(base), self.commit(head)], self.root).split("\0")
        out = []
        for name in sorted({n for n in names if n}):
            path = PurePosixPath(name)
            if self.project == PurePosixPath("."):
                out.append(str(path))
            elif self.project in path.parents:
                out.append(str(path.relative_to(self.project)))
        return out


@contextmanager
def checkout(repo: Repo, revision: str) -> Iterator[Path]:
    """The project directory of ``revision`` in a temporary detached worktree, removed afterwards."""
    commit = repo.commit(revision)
    holder = Path(tempfile.mkdtemp(prefix="plinth-rev-"))
    tree = holder / "tree"
    try:
        _git(["worktree", "add", "--detach", "--quiet", str(tree), commit], repo.root)
        yield tree / repo.project
    finally:
        _remove(repo, tree)
        shutil.rmtree(holder, ignore_errors=True)


def _remove(repo: Repo, tree: Path) -> None:
    """Remove a worktree however far ``git worktree add`` got (git keeps its own record under .git)."""
    try:
        if tree.exists():
            _git(["worktree", "remove", "--force", str(tree)], repo.root)
    except GitError:
        shutil.rmtree(tree, ignore_errors=True)
    try:
        _git(["worktree", "prune"], repo.root)
    except GitError:
        pass


def stack_of_file(path: str, stack_config_dir: str) -> str | None:
    """The stack a changed file is the stack file of, or None."""
    p = PurePosixPath(path)
    folder = PurePosixPath(stack_config_dir)
    if p.parent != folder or not (p.name.startswith("Pulumi.") and p.name.endswith(".yaml")):
        return None
    return p.name[len("Pulumi.") : -len(".yaml")] or None


def touched_stacks(changed: list[str], stacks: list[str], stack_config_dir: str) -> list[str]:
    """The stacks (of ``stacks``, the union of both revisions') a change touches, in order."""
    every = any(path == p or (p.endswith("/") and path.startswith(p)) for path in changed for p in PROGRAM_PATHS)
    if every:
        return sorted(stacks)
    named = {stack_of_file(path, stack_config_dir) for path in changed}
    return sorted(s for s in stacks if s in named)
