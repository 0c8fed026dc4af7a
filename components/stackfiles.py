"""Where a stack's config comes from: the project file, stack files and the Pulumi runtime.

Reading ``Pulumi.yaml`` and ``stacks/Pulumi.<stack>.yaml`` is a tool concern (the offline engine,
``plinth stacks``); the Pulumi program reads the config the CLI hands it. Both feed
:func:`components.config.parse`, the one validation.

* :func:`load_stack_file` reads a stack file as the CLI would hand it to the program. Encrypted
  ``secure:`` values cannot be decrypted there; they become unknown secrets.
* :func:`load_from_runtime` reads the config the Pulumi CLI hands the program.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from components.base import UNKNOWN
from components.config import NAMESPACE, ConfigError, StackConfig, parse

# --------------------------------------------------------------------------------------------
# YAML, read strictly
# --------------------------------------------------------------------------------------------
#: How many values a document may expand to through aliases (a billion-laughs document expands to
#: 10^9 from a few hundred bytes). Real stack files hold hundreds.
MAX_EXPANDED_VALUES = 100_000


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses duplicate keys instead of keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hashable = hash(key) is not None
            except TypeError:
                hashable = False
            if hashable and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first on line {seen[key] + 1})", key_node.start_mark
                )
            if hashable:
                seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    if id(node) in memo:
        return memo[id(node)]
    memo[id(node)] = 1  # a node that refers to itself (a recursive alias) counts once
    size = 1
    if isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(v, memo) for v in node.value)
    memo[id(node)] = size
    return size


def _biggest_expansion(node: yaml.Node, memo: dict[int, int]) -> yaml.Node:
    """The deepest node that still expands beyond the limit: where the aliases multiply."""
    while True:
        children = (
            [c for pair in node.value for c in pair]
            if isinstance(node, yaml.MappingNode)
            else (list(node.value) if isinstance(node, yaml.SequenceNode) else [])
        )
        over = [c for c in children if memo.get(id(c), 0) > MAX_EXPANDED_VALUES]
        if not over:
            return node
        node = over[0]


def load_yaml(text: str, source: str) -> Any:
    """A YAML document read safely: no duplicate keys, no alias expansion bomb; ConfigError names the line."""
    try:
        node = yaml.compose(text, Loader=_StrictLoader)
        if node is None:
            return None
        memo: dict[int, int] = {}
        if _expanded_size(node, memo) > MAX_EXPANDED_VALUES:
            where = _biggest_expansion(node, memo).start_mark
            raise ConfigError(
                source,
                [
                    (
                        "",
                        f"line {where.line + 1}: YAML aliases expand to more than {MAX_EXPANDED_VALUES} "
                        "values; write the values out instead of nesting aliases",
                    )
                ],
            )
        loader = _StrictLoader(text)
        try:
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ConfigError(source, [("", f"invalid YAML at {where}{problem}")]) from None


def read_text(path: Path, source: str, what: str) -> str:
    """A file's text; ConfigError (naming the file) when it cannot be read or is not UTF-8."""
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as err:
        raise ConfigError(source, [("", f"cannot read the {what}: {err.strerror or err}")]) from None
    except UnicodeDecodeError as err:
        raise ConfigError(
            source, [("", f"not UTF-8 text (byte {err.start} of the {what} cannot be decoded)")]
        ) from None


def _decode_runtime_value(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def load_from_runtime(project_dir: Path | None = None) -> StackConfig:
    """Validate the config the Pulumi engine passed to this program (``pulumi up``/``preview``)."""
    import pulumi
    from pulumi.runtime import config as runtime_config

    values: dict[str, Any] = dict(runtime_config.get_config_env())
    values.update(runtime_config.CONFIG.get())
    secret_keys = set(runtime_config.get_config_secret_keys_env()) | set(runtime_config._SECRET_KEYS.get())
    prefix = f"{NAMESPACE}:"
    raw = {k[len(prefix) :]: _decode_runtime_value(v) for k, v in values.items() if k.startswith(prefix)}
    secret = {k[len(prefix) :] for k in secret_keys if k.startswith(prefix)}
    stack = pulumi.get_stack()
    source = f"{_stack_dir_name(project_dir)}/Pulumi.{stack}.yaml" if project_dir else f"Pulumi.{stack}.yaml"
    # The CLI marks a whole top-level key secret when any value under it is; which paths are
    # encrypted is recorded only in the stack file (pulumi config set --secret --path), so read it.
    in_file, secure_paths = _secure_paths_of(project_dir / source if project_dir else None, source)
    return parse(raw, source=source, secret_keys=secret - in_file, secure_paths=secure_paths)


def _secure_paths_of(path: Path | None, source: str) -> tuple[set[str], set[str]]:
    """(``plinth:`` keys the stack file sets, key paths it holds as ``secure:``); empty without the file."""
    if path is None or not path.is_file():
        return set(), set()
    document = load_yaml(read_text(path, source, "stack file"), source)
    config = document.get("config") if isinstance(document, dict) else None
    keys: set[str] = set()
    secure: set[str] = set()
    for key, value in (config or {}).items():
        namespace, _, short = str(key).rpartition(":")
        if namespace in ("", NAMESPACE):
            keys.add(short)
            _strip_secure(value, short, secure)
    return keys, secure


# --------------------------------------------------------------------------------------------
# Project and stack files
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Project:
    name: str
    dir: Path
    stack_config_dir: str


def _stack_dir_name(project_dir: Path | None) -> str:
    return read_project(project_dir).stack_config_dir if project_dir else "."


def read_project(project_dir: Path) -> Project:
    path = project_dir / "Pulumi.yaml"
    data = load_yaml(read_text(path, path.name, "project file"), path.name) or {}
    if not isinstance(data, dict):
        raise ConfigError(path.name, [("", f"a project file is a mapping, found {type(data).__name__}")])
    return Project(
        name=str(data.get("name", NAMESPACE)), dir=project_dir, stack_config_dir=str(data.get("stackConfigDir", "."))
    )


def available_stacks(project_dir: Path) -> list[str]:
    folder = project_dir / read_project(project_dir).stack_config_dir
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in folder.glob("Pulumi.*.yaml") if p.is_file())


def stack_file_path(project_dir: Path, stack: str) -> Path:
    """``<stackConfigDir>/Pulumi.<stack>.yaml``; a missing file is a ConfigError listing the stacks."""
    project = read_project(project_dir)
    relative = Path(project.stack_config_dir) / f"Pulumi.{stack}.yaml"
    if not re.match(r"^[A-Za-z0-9_.-]+$", stack) or not (project_dir / relative).is_file():
        known = ", ".join(available_stacks(project_dir)) or "none"
        raise ConfigError(str(relative), [("", f"no such stack file; stacks in this project: {known}")])
    return project_dir / relative


@dataclass
class LoadedStack:
    config: StackConfig
    #: ``PULUMI_CONFIG`` as the CLI would pass it: flat ``ns:key`` -> string (objects as JSON).
    pulumi_config: dict[str, str]
    secret_keys: list[str]


def _strip_secure(value: Any, path: str, secure: set[str]) -> Any:
    """Replace ``{secure: ...}`` leaves with the unknown sentinel, noting their key paths."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            secure.add(path)
            return UNKNOWN
        return {k: _strip_secure(v, f"{path}.{k}" if path else str(k), secure) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_secure(v, f"{path}[{i}]", secure) for i, v in enumerate(value)]
    return value


def _scalar_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value)


@dataclass
class StackDocument:
    """A stack file as the Pulumi CLI hands it to a program: flat config, not validated by Plinth's model.

    Reading a stack file this way is the CLI's part and the same for every revision of the
    project; validating it is the program's part (another revision validates with its own model).
    """

    source: str
    #: ``PULUMI_CONFIG``: flat ``ns:key`` -> string (objects as JSON), ``secure:`` values as unknowns.
    pulumi_config: dict[str, str]
    secret_keys: list[str]
    #: This project's own keys (without the ``<project>:`` prefix), values as in the file.
    raw: dict[str, Any]
    secure_paths: set[str]


def read_stack_document(path: Path, *, project: str = NAMESPACE, relative_to: Path | None = None) -> StackDocument:
    """Read a stack file's ``config`` the way the CLI does (strict YAML, Pulumi's top-level keys only)."""
    base = relative_to or path.parent.parent
    try:
        source = str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        source = str(path)
    document = load_yaml(read_text(path, source, "stack file"), source)
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise ConfigError(
            source, [("", f"a stack file is a mapping with a 'config' key, found {type(document).__name__}")]
        )
    unknown_top = sorted(set(document) - {"config", "secretsprovider", "encryptionsalt", "encryptedkey", "environment"})
    if unknown_top:
        raise ConfigError(
            source, [("", f"unknown top-level key(s) {', '.join(unknown_top)}; Pulumi stack files hold 'config'")]
        )
    config = document.get("config") or {}
    if not isinstance(config, dict):
        raise ConfigError(source, [("", "'config' must be a mapping of namespace:key to values")])

    flat: dict[str, str] = {}
    secret_keys: list[str] = []
    raw: dict[str, Any] = {}
    secure_paths: set[str] = set()
    for key, value in config.items():
        key = str(key)
        full = key if ":" in key else f"{project}:{key}"
        namespace, short = full.split(":", 1)
        local_secure: set[str] = set()
        value = _strip_secure(value, short, local_secure)
        if local_secure:
            secret_keys.append(full)
        flat[full] = _scalar_string(value)
        if namespace == project:
            raw[short] = value
            secure_paths |= local_secure
    return StackDocument(source, flat, secret_keys, raw, secure_paths)


def load_stack_file(path: Path, *, project: str = NAMESPACE, relative_to: Path | None = None) -> LoadedStack:
    """Read and validate a stack file the way the CLI would hand it to the program."""
    doc = read_stack_document(path, project=project, relative_to=relative_to)
    cfg = parse(doc.raw, source=doc.source, secure_paths=doc.secure_paths)
    return LoadedStack(config=cfg, pulumi_config=doc.pulumi_config, secret_keys=doc.secret_keys)
