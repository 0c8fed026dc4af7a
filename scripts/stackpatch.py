"""Comment-preserving value patches of a stack file (``stacks/Pulumi.<stack>.yaml``), as reviewable patches.

(``scripts.stackedit`` makes the structural edits of ``plinth tenant add`` and ``plinth promote``; this
module the key-value patches of ``rightsize`` and ``fix``.)

``plinth rightsize --write`` and ``plinth fix --write`` change a few keys of the stack config; the
rest of the file (comments, key order, quoting, flow style, blank lines) stays byte for byte, so
the change reads as a small diff in a pull request. The file is edited with ruamel.yaml's
round-trip mode, validated exactly as the program would read it
(:func:`components.stackfiles.load_stack_file`) before anything is written, and written atomically;
nothing is written when a change does not apply or the result does not validate.

Key paths are the ones every Plinth message uses: ``plinth:tenants[0].quotas.cpu`` (the Pulumi
config key, then ``.key`` and ``[index]`` steps).
"""

from __future__ import annotations

import difflib
import io
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, ScalarString

from scripts.console import PlinthError

_STEP = re.compile(r"\.([A-Za-z0-9_-]+)|\[(\d+)\]")


@dataclass(frozen=True)
class Change:
    """Set ``path`` to ``value`` (a missing mapping on the way is created); ``why`` goes in the report."""

    path: str
    value: Any
    why: str = ""


def parse_path(path: str) -> tuple[str, list[str | int]]:
    """``plinth:tenants[0].quotas.cpu`` -> (``plinth:tenants``, [0, "quotas", "cpu"])."""
    match = re.match(r"^([A-Za-z0-9_-]+:[A-Za-z0-9_-]+)", path)
    if not match:
        raise ValueError(f"{path!r} is not a config key path such as plinth:tenants[0].quotas.cpu")
    steps: list[str | int] = []
    rest = path[match.end() :]
    position = 0
    for step in _STEP.finditer(rest):
        if step.start() != position:
            break
        steps.append(step.group(1) if step.group(1) is not None else int(step.group(2)))
        position = step.end()
    if position != len(rest):
        raise ValueError(f"{path!r}: cannot read the key path from {rest[position:]!r}")
    return match.group(1), steps


def indentation(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) indents of a YAML text, as ruamel.yaml's ``indent()`` takes them:
    the first nested key's indent, and where the first block sequence's dash and item sit under
    their key (``key:\n  - a`` is 4/2, ``key:\n- a`` is 2/0). Defaults: Plinth's own style, 2/4/2."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    mapping = sequence = offset = None
    for above, line in zip(lines, lines[1:]):
        if not above.rstrip().endswith(":") or above.lstrip().startswith("- "):
            continue
        parent = len(above) - len(above.lstrip())
        indent = len(line) - len(line.lstrip())
        if line.lstrip().startswith("- "):
            if sequence is None and indent >= parent:
                offset = indent - parent
                dash = line.lstrip()[2:]
                sequence = offset + 2 + (len(dash) - len(dash.lstrip()))
        elif mapping is None and indent > parent:
            mapping = indent - parent
        if mapping is not None and sequence is not None:
            break
    return mapping or 2, sequence or 4, 2 if offset is None else offset


def _round_trip(text: str) -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line (queries, descriptions)
    mapping, sequence, offset = indentation(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _apply(config: CommentedMap, change: Change, source: str) -> bool:
    """Apply one change; True when it replaced an existing value (one line removed from the file)."""
    top, steps = parse_path(change.path)
    if top not in config:
        if not steps or isinstance(steps[0], int):
            raise PlinthError(f"{source}: {change.path}: the stack file has no {top}")
        config[top] = CommentedMap()
    node: Any = config
    keys: list[str | int] = [top, *steps]
    for depth, key in enumerate(keys[:-1]):
        child = node[key] if _has(node, key) else None
        if child is None:
            if isinstance(key, int) or isinstance(keys[depth + 1], int):
                what = f"index {key}" if isinstance(key, int) else f"{key} (a list)"
                raise PlinthError(f"{source}: {change.path}: {what} does not exist")
            child = CommentedMap()
            node[key] = child
        if not isinstance(child, (CommentedMap, CommentedSeq)):
            raise PlinthError(f"{source}: {change.path}: {key} is not a mapping or list")
        node = child
    last = keys[-1]
    if isinstance(last, int) and not _has(node, last):
        raise PlinthError(f"{source}: {change.path}: index {last} does not exist")
    existed = _has(node, last)
    value = _styled(node[last] if existed else None, change.value)
    if isinstance(node, CommentedMap) and not existed:
        node.insert(_position(list(node), str(last)), last, value)
    else:
        node[last] = value
    return existed


def _position(keys: list[Any], key: str) -> int:
    """Where a new key goes: in order when the mapping's keys are sorted (P0, P1, P3 + P2), else last."""
    names = [str(k) for k in keys]
    if names == sorted(names):
        return sum(name < key for name in names)
    return len(names)


def _styled(old: Any, new: Any) -> Any:
    """``new`` quoted as ``old`` was (``"64"`` stays double-quoted); a new string that YAML would
    read as a number or boolean is double-quoted so it stays a string."""
    if not isinstance(new, str):
        return new
    if isinstance(old, ScalarString):
        return type(old)(new)
    if re.fullmatch(r"[-+]?[0-9.]+([eE][-+]?[0-9]+)?|true|false|yes|no|on|off|null|~", new, re.IGNORECASE):
        return DoubleQuotedScalarString(new)
    return new


def _has(node: Any, key: str | int) -> bool:
    if isinstance(node, CommentedSeq):
        return isinstance(key, int) and 0 <= key < len(node)
    return isinstance(node, CommentedMap) and key in node


def _check_only_intended(before: str, after: str, changes: int, source: str) -> None:
    """A replaced value removes one line, a new key none: any other removed line means the round
    trip rewrote something else (an indentation or style it could not keep)."""
    removed = sum(
        1
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line.startswith("-") and not line.startswith("---")
    )
    if removed > changes:
        raise PlinthError(
            f"{source}: the edit would reformat {removed - changes} line(s) it does not change (a YAML style "
            "the round trip cannot keep): nothing written; make the change by hand"
        )


@dataclass
class Patch:
    path: Path
    source: str
    before: str
    after: str

    @property
    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
                fromfile=f"a/{self.source}", tofile=f"b/{self.source}",
            )
        )  # fmt: skip

    @property
    def changed(self) -> bool:
        return self.before != self.after


def propose(stack_file: Path, changes: list[Change], *, source: str) -> Patch:
    """The stack file with ``changes`` applied, validated; raises PlinthError (nothing written)."""
    from components import stackfiles

    before = stack_file.read_text(encoding="utf-8")
    yaml = _round_trip(before)
    document = yaml.load(before)
    config = document.get("config") if isinstance(document, CommentedMap) else None
    if not isinstance(config, CommentedMap):
        raise PlinthError(f"{source}: no config mapping to edit")
    replaced = sum(_apply(config, change, source) for change in changes)
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    after = buffer.getvalue()
    _check_only_intended(before, after, replaced, source)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / source
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(after, encoding="utf-8")
        # ConfigError (exit 2, one line per problem naming the key) when the edit breaks the config.
        stackfiles.load_stack_file(copy, relative_to=Path(tmp))
    return Patch(stack_file, source, before, after)


def write_file(patch: Patch) -> None:
    """Replace the stack file atomically with the patched text (keeping its permissions)."""
    mode = patch.path.stat().st_mode & 0o777
    fd, tmp = tempfile.mkstemp(dir=patch.path.parent, prefix=f".{patch.path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(patch.after)
        os.chmod(tmp, mode)
        os.replace(tmp, patch.path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise PlinthError(f"{patch.source}: cannot write: {err.strerror or err}") from err


@dataclass
class Stack:
    """A stack file opened for a command: validated config, raw ``config`` mapping, names."""

    path: Path
    source: str
    config: Any  # components.config.StackConfig
    raw_config: dict[str, Any]

    @property
    def cluster_cloud(self) -> str:
        """The cloud whose prices apply to the cluster (its distribution), AWS when unknown."""
        cluster = getattr(self.config, "kubernetes", None)
        distribution = getattr(cluster, "distribution", "other") if cluster is not None else "other"
        return {"eks": "aws", "gke": "gcp", "aks": "azure"}.get(distribution, "aws")


def open_stack(project_dir: Path, stack: str) -> Stack:
    """The stack file of ``stack``, validated (ConfigError, exit 2, when it is not)."""
    from components import stackfiles

    path = stackfiles.stack_file_path(project_dir, stack)
    loaded = stackfiles.load_stack_file(path, relative_to=project_dir)
    source = str(path.relative_to(project_dir))
    document = stackfiles.load_yaml(stackfiles.read_text(path, source, "stack file"), source) or {}
    raw = document.get("config") or {}
    return Stack(path, source, loaded.config, raw)


def show_patch(patch: Patch | None, *, write: bool, fmt: str) -> None:
    """Print the diff (stdout for text and Markdown, stderr next to JSON) and write it with ``write``."""
    from scripts import console

    if patch is None or not patch.changed:
        console.info("no stack-file change to propose")
        return
    diff = patch.diff
    if fmt == "json":
        sys.stderr.write(diff)
    elif fmt == "markdown":
        console.write_output(f"\n```diff\n{diff}```\n", None)
    else:
        console.write_output("\n" + diff, None)
    if write:
        write_file(patch)
        console.info(f"wrote {patch.source}")
    else:
        console.info(f"not written: run again with --write to apply the change to {patch.source}")
