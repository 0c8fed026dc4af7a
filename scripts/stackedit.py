"""Edits of stack files that keep what people wrote: comments, order, quoting, flow style.

The file is read with ruamel.yaml's round-trip loader (its indentation guessed from the file) and
written back with only the intended keys changed; the result is validated with the project's
stack-config model (``components.config``) before anything is written, so an edit that would
break the stack writes nothing. :func:`unified_diff` shows what changes.

Key paths (``plinth tenant add``, ``plinth promote``) are written like ``pulumi config --path``:
``plinth:monitoring.prometheus.chartVersion``, list items by index (``[0]``) or - for lists of
mappings - by their ``id`` or ``name`` (``plinth:tenants[acme].tier``). A key without a namespace
is in the project's (``chartVersion`` alone is not: the first segment names the config key).
"""

from __future__ import annotations

import copy
import difflib
import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from scripts.console import InputError


class EditError(InputError):
    """The edit cannot be made (missing key, a secret, an invalid result): exit 2, nothing written."""


# --------------------------------------------------------------------------------------------
# Key paths
# --------------------------------------------------------------------------------------------
_SEGMENT = re.compile(r"\.([^.\[\]]+)|\[([^\]]+)\]")


@dataclass(frozen=True)
class KeyPath:
    """A stack-config key (``plinth:tenants``) and the steps inside its value (keys, indexes, ids)."""

    key: str
    steps: tuple[str | int, ...] = ()

    @classmethod
    def parse(cls, text: str, namespace: str) -> "KeyPath":
        head = re.match(r"^([^.\[\]]+)", text)
        if not head:
            raise EditError(f"{text!r}: not a key path (write e.g. {namespace}:monitoring.prometheus.chartVersion)")
        key = head.group(1) if ":" in head.group(1) else f"{namespace}:{head.group(1)}"
        rest = text[head.end() :]
        steps: list[str | int] = []
        pos = 0
        for m in _SEGMENT.finditer(rest):
            if m.start() != pos:
                raise EditError(f"{text!r}: cannot read the key path at {rest[pos:]!r}")
            pos = m.end()
            if m.group(1) is not None:
                steps.append(m.group(1))
            else:
                inner = m.group(2).strip()
                steps.append(int(inner) if inner.isdigit() else f"[{inner}]")
        if pos != len(rest):
            raise EditError(f"{text!r}: cannot read the key path at {rest[pos:]!r}")
        return cls(key, tuple(steps))

    def __str__(self) -> str:
        out = self.key
        for step in self.steps:
            out += f"[{step}]" if isinstance(step, int) else (step if step.startswith("[") else f".{step}")
        return out


def _item_by_id(seq: list[Any], selector: str) -> int | None:
    wanted = selector[1:-1]
    for i, item in enumerate(seq):
        if isinstance(item, dict) and (str(item.get("id")) == wanted or str(item.get("name")) == wanted):
            return i
    return None


def _step_into(node: Any, step: str | int, where: str) -> tuple[Any, Any]:
    """(container, key) of one step below ``node``; EditError naming ``where`` when it is not there."""
    if isinstance(step, int) or step.startswith("["):
        if not isinstance(node, list):
            raise EditError(f"{where}: is not a list")
        index = step if isinstance(step, int) else _item_by_id(node, step)
        if index is None or not 0 <= index < len(node):
            raise EditError(f"{where}{step if isinstance(step, str) else f'[{step}]'}: no such item")
        return node, index
    if not isinstance(node, dict):
        raise EditError(f"{where}: is not a mapping")
    return node, step


def get(config: Any, path: KeyPath, source: str) -> Any:
    """The value at ``path`` in a stack file's ``config`` mapping; EditError naming file and key."""
    if not isinstance(config, dict) or path.key not in config:
        raise EditError(f"{source}: {path.key}: not set")
    node = config[path.key]
    for i, step in enumerate(path.steps):
        where = str(KeyPath(path.key, path.steps[:i]))
        container, key = _step_into(node, step, f"{source}: {where}")
        if isinstance(container, dict) and key not in container:
            raise EditError(f"{source}: {where}.{key}: not set")
        node = container[key]
    return node


def put(config: CommentedMap, path: KeyPath, value: Any, source: str) -> None:
    """Set the value at ``path``, creating missing mappings on the way (never list items)."""
    if not path.steps:
        config[path.key] = value
        return
    if path.key not in config:
        config[path.key] = CommentedMap()
    node = config[path.key]
    where = path.key
    for i, step in enumerate(path.steps):
        container, key = _step_into(node, step, f"{source}: {where}")
        last = i == len(path.steps) - 1
        if last:
            container[key] = value
            return
        if isinstance(container, dict) and key not in container:
            container[key] = CommentedMap()
        node = container[key]
        where = str(KeyPath(path.key, path.steps[: i + 1]))


def is_secure(value: Any) -> bool:
    """Whether a value is or holds a ``secure:`` (encrypted with its own stack's key)."""
    if isinstance(value, dict):
        return set(value) == {"secure"} or any(is_secure(v) for v in value.values())
    if isinstance(value, list):
        return any(is_secure(v) for v in value)
    return False


# --------------------------------------------------------------------------------------------
# Round-trip files
# --------------------------------------------------------------------------------------------
@dataclass
class StackText:
    """A stack file read for editing: its text, its document and the writer that keeps its layout."""

    path: Path
    text: str
    doc: Any
    yaml: YAML
    #: Lines the writer lays out differently from the file (0 for the usual layouts).
    layout_changes: int = 0

    @classmethod
    def read(cls, path: Path, source: str) -> "StackText":
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise EditError(f"{source}: cannot read: {getattr(err, 'strerror', None) or err}") from err
        return cls.parse(path, text, source)

    @classmethod
    def parse(cls, path: Path, text: str, source: str) -> "StackText":
        yaml, doc, changes = _round_trip(text, source)
        if doc is None:
            doc = CommentedMap()
        if not isinstance(doc, dict):
            raise EditError(f"{source}: a stack file is a mapping with a 'config' key")
        if "config" not in doc or doc["config"] is None:
            doc["config"] = CommentedMap()
        return cls(path, text, doc, yaml, changes)

    @property
    def config(self) -> CommentedMap:
        config: CommentedMap = self.doc["config"]
        return config

    def dump(self) -> str:
        buf = io.StringIO()
        self.yaml.dump(self.doc, buf)
        return buf.getvalue()


#: Indentations tried when reading a file: (mapping, sequence, dash offset), the common layouts first.
_LAYOUTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (2, 4, 0), (4, 2, 0))


def _writer(mapping: int, sequence: int, offset: int) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _round_trip(text: str, source: str) -> tuple[YAML, Any, int]:
    """The document and the writer whose layout reproduces the file most closely (exactly, for the usual ones).

    ruamel keeps comments, order, quoting and flow style; the indentation is a setting of the
    writer, so the one that rewrites the file with the fewest changed lines is chosen.
    """
    best: tuple[int, YAML, Any] | None = None
    for layout in _LAYOUTS:
        yaml = _writer(*layout)
        try:
            doc = yaml.load(text)
        except Exception as err:  # noqa: BLE001 - ruamel raises several kinds; the message names the line
            raise EditError(f"{source}: not valid YAML: {str(err).splitlines()[0]}") from err
        buf = io.StringIO()
        yaml.dump(doc, buf)
        changed = sum(1 for line in difflib.ndiff(text.splitlines(), buf.getvalue().splitlines()) if line[:1] in "+-")
        if best is None or changed < best[0]:
            best = (changed, yaml, doc)
        if changed == 0:
            break
    assert best is not None
    return best[1], best[2], best[0]


def validate(text: str, relative: str, project: str) -> None:
    """Validate a stack file's text as the stack it will be (errors name ``relative`` and the key)."""
    from components import stackfiles
    from components.config import ConfigError

    with tempfile.TemporaryDirectory(prefix="plinth-edit-") as tmp:
        path = Path(tmp) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        try:
            stackfiles.load_stack_file(path, project=project, relative_to=Path(tmp))
        except ConfigError as err:
            raise EditError(f"nothing written: the result would be invalid:\n{err}") from err


def unified_diff(old: str, new: str, name: str) -> str:
    return "".join(
        difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{name}", f"b/{name}")
    )


def plain(value: Any) -> Any:
    """A ruamel value as plain Python (for comparisons and messages)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


# --------------------------------------------------------------------------------------------
# Tenants
# --------------------------------------------------------------------------------------------
def tenant_entry(spec: dict[str, Any]) -> CommentedMap:
    """A tenant as a block mapping in the stack-file order people read (id first), short lists in flow style."""
    entry = CommentedMap()
    for key in ("id", "displayName", "tier", "compliance", "cloud", "region", "dataResidency", "costCenter"):
        if spec.get(key) not in (None, [], ""):
            value = spec[key]
            if isinstance(value, list):
                value = CommentedSeq(value)
                value.fa.set_flow_style()
            entry[key] = value
    groups = CommentedMap()
    for role in ("admins", "viewers"):
        if spec.get("ownerGroups", {}).get(role):
            seq = CommentedSeq(spec["ownerGroups"][role])
            seq.fa.set_flow_style()
            groups[role] = seq
    entry["ownerGroups"] = groups
    return entry


def add_tenant(stack: StackText, spec: dict[str, Any], source: str) -> None:
    """Append a tenant to ``plinth:tenants`` (created at the end of ``config`` when missing)."""
    key = "plinth:tenants"
    tenants = stack.config.get(key)
    if tenants is None:
        tenants = CommentedSeq()
        stack.config[key] = tenants
    if not isinstance(tenants, list):
        raise EditError(f"{source}: {key}: is not a list of tenants")
    for i, existing in enumerate(tenants):
        if isinstance(existing, dict) and existing.get("id") == spec["id"]:
            raise EditError(f"{source}: {key}[{i}]: tenant {spec['id']!r} is already in this stack")
    tenants.append(tenant_entry(spec))


def add_backup_copy(stack: StackText, tenant_id: str, region: str, source: str) -> None:
    """Set ``plinth:backup.tenants.<id>.copyTo`` to ``{region: REGION}`` (the backup rules judge the region)."""
    path = KeyPath("plinth:backup", ("tenants", tenant_id, "copyTo"))
    try:
        existing = get(stack.config, path, source)
    except EditError:
        existing = None
    if existing is not None:
        raise EditError(f"{source}: {path}: already set for tenant {tenant_id!r}")
    target = CommentedMap()
    target["region"] = region
    target.fa.set_flow_style()
    put(stack.config, path, target, source)


def silo_document(template: StackText, spec: dict[str, Any], *, environment: str | None, cloud_package: str) -> str:
    """A new silo stack file for one tenant: the template stack's cluster and cloud settings, no other tenants."""
    from components import clouds

    keep_plinth = {"plinth:environment", "plinth:tags", "plinth:kubernetes"}
    if spec.get("cloud") in clouds.CLOUDS:
        keep_plinth.add(f"plinth:{spec['cloud']}")
    config = CommentedMap()
    for key, value in template.config.items():
        namespace = str(key).split(":", 1)[0] if ":" in str(key) else "plinth"
        if str(key) in keep_plinth or (cloud_package and namespace == cloud_package):
            config[key] = copy.deepcopy(value)
    if environment:
        config["plinth:environment"] = environment
    tenants = CommentedSeq([tenant_entry(spec)])
    config["plinth:tenants"] = tenants
    doc = CommentedMap()
    doc["config"] = config
    doc.yaml_set_start_comment(
        f"A silo stack: tenant {spec['id']} alone, with its own state and blast radius.\n"
        f"Created by `plinth tenant add --silo` from {template.path.name} (its cluster and cloud settings)."
    )
    return StackText(template.path, "", doc, template.yaml).dump()
