"""What a check looks at outside a pack: a resource in the property shape the policies read, and a
record of which of its properties a check actually read (the evidence).

A :class:`Subject` has the attributes of the policy SDK's PolicyResource that Plinth's checks use
(``resource_type``, ``props``, ``name``, ``urn``, ``opts``, ``provider``, ``property_dependencies``), so
``Policy.check_resource`` and stack checks take it as they take the SDK's object; it adds where a
live resource is (ARN, region), when it was read and which API calls read it.

:func:`recording` wraps props so that every key a check reads is logged (nested mappings and lists
included); :func:`evidence` turns that log into ``{path: value}``. A value the preview does not know
(the engine's unknown sentinel) raises :class:`UnknownValue` when read, so a check that needs it is
"unknown", never a pass - as the policy SDK does in a pack.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from policies import meta
from scripts.pulumi_json import UNKNOWN

#: Shown instead of a value that may hold a credential (user data, environment variables...).
NOT_SHOWN = "(not shown: may hold credentials)"
#: Shown for a property the resource does not have.
ABSENT = "(absent)"
#: The longest text an evidence value keeps (policy documents are cut, with their length).
TEXT_MAX = 1500
#: The most values one finding's evidence lists.
VALUES_MAX = 40


class UnknownValue(Exception):
    """A check read a value that is unknown until apply."""

    def __init__(self, path: str):
        super().__init__(f"{path} is unknown until apply")
        self.path = path


@dataclass
class Subject:
    """One resource as checks read it, with where it lives and where its properties came from."""

    resource_type: str
    props: Mapping[str, Any]
    name: str = ""
    urn: str = ""
    arn: str = ""
    region: str = ""
    read_at: str = ""
    #: The API calls its properties came from (``s3:GetBucketEncryption``), for the evidence.
    calls: tuple[str, ...] = ()
    #: Dotted property paths whose values may hold credentials: never shown in evidence.
    sensitive: tuple[str, ...] = ()
    #: Other names the resource is known by (ids, ARNs, bucket names): how a stack export finds it.
    ids: tuple[str, ...] = ()
    opts: meta.ResourceOptions = field(default_factory=meta.ResourceOptions)
    provider: meta.ProviderResource | None = None
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: From a stack export: the component and tenant the resource belongs to.
    component: str = ""
    tenant: str = ""
    #: From a stack export: the properties the stack last applied (for drift).
    state_props: Mapping[str, Any] | None = None

    @property
    def label(self) -> str:
        """How messages and suppressions name it: the URN's name, else its own name, else the ARN."""
        return self.name or self.arn or self.urn

    def identifiers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i for i in (self.arn, self.name, *self.ids) if i))


# --------------------------------------------------------------------------------------------
# Recording what a check reads
# --------------------------------------------------------------------------------------------
class ReadLog:
    """The property paths read through one subject's recorded props."""

    def __init__(self) -> None:
        self.paths: dict[str, None] = {}

    def add(self, path: str) -> None:
        self.paths.setdefault(path, None)


def _join(prefix: str, key: Any) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


def _wrap(value: Any, path: str, log: ReadLog) -> Any:
    if isinstance(value, str) and value == UNKNOWN:
        raise UnknownValue(path)
    if isinstance(value, Mapping):
        return _Mapping(value, path, log)
    if isinstance(value, (list, tuple)):
        return _Sequence(value, path, log)
    return value


class _Mapping(Mapping[str, Any]):
    def __init__(self, data: Mapping[str, Any], path: str, log: ReadLog):
        self._data, self._path, self._log = data, path, log

    def __getitem__(self, key: str) -> Any:
        path = _join(self._path, key)
        self._log.add(path)
        return _wrap(self._data[key], path, self._log)

    def get(self, key: str, default: Any = None) -> Any:
        path = _join(self._path, key)
        self._log.add(path)
        if key not in self._data:
            return default
        return _wrap(self._data[key], path, self._log)

    def __contains__(self, key: object) -> bool:
        self._log.add(_join(self._path, key))
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        if self._path:
            self._log.add(self._path)
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class _Sequence(Sequence[Any]):
    def __init__(self, data: Sequence[Any], path: str, log: ReadLog):
        self._data, self._path, self._log = data, path, log

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._data)))]
        return _wrap(self._data[index], f"{self._path}[{index}]", self._log)

    def __len__(self) -> int:
        self._log.add(self._path)
        return len(self._data)

    def __iter__(self) -> Iterator[Any]:
        self._log.add(self._path)
        for index in range(len(self._data)):
            yield self[index]


def recording(props: Mapping[str, Any]) -> tuple[Mapping[str, Any], ReadLog]:
    """``props`` wrapped so every read is logged, and the log."""
    log = ReadLog()
    return _Mapping(props, "", log), log


# --------------------------------------------------------------------------------------------
# Evidence
# --------------------------------------------------------------------------------------------
_MISSING = object()


def _split(path: str) -> list[Any]:
    parts: list[Any] = []
    for piece in path.split("."):
        while "[" in piece and piece.endswith("]"):
            head, _, index = piece.partition("[")
            if head:
                parts.append(head)
            parts.append(int(index[: index.index("]")]))
            piece = index[index.index("]") + 1 :]
        if piece:
            parts.append(piece)
    return parts


def lookup(props: Any, path: str) -> Any:
    """The value at a dotted path with ``[i]`` list steps; ``_MISSING`` when absent."""
    value = props
    for part in _split(path):
        if isinstance(part, int):
            if not isinstance(value, (list, tuple)) or part >= len(value):
                return _MISSING
            value = value[part]
        elif isinstance(value, Mapping) and part in value:
            value = value[part]
        else:
            return _MISSING
    return value


def _leaves(paths: list[str]) -> list[str]:
    """The paths that no other path goes beneath (reading ``a`` then ``a.b`` shows ``a.b``)."""
    ordered = sorted(set(paths))
    return [p for p in ordered if not any(q != p and (q.startswith(p + ".") or q.startswith(p + "[")) for q in ordered)]


def _shown(value: Any) -> Any:
    if value is _MISSING or value is None:
        return ABSENT
    if isinstance(value, str):
        if len(value) > TEXT_MAX:
            return value[: TEXT_MAX - 1] + f"… ({len(value)} characters)"
        return value
    if isinstance(value, (Mapping, list, tuple)):
        text = json.dumps(value, sort_keys=True, default=str)
        if len(text) > TEXT_MAX:
            return text[: TEXT_MAX - 1] + f"… ({len(text)} characters)"
        return json.loads(text)
    return value


def evidence(subject: Subject, log: ReadLog) -> dict[str, Any]:
    """``{path: value}`` of what the check read (credentials never shown, long text cut)."""
    out: dict[str, Any] = {}
    for path in _leaves(list(log.paths))[:VALUES_MAX]:
        if any(path == s or path.startswith(s + ".") or path.startswith(s + "[") for s in subject.sensitive):
            out[path] = NOT_SHOWN
            continue
        out[path] = _shown(lookup(subject.props, path))
    return out


def read_paths(log: ReadLog) -> list[str]:
    """The leaf paths a check read (for drift)."""
    return _leaves(list(log.paths))


def value_at(props: Any, path: str) -> tuple[bool, Any]:
    """(present, value) at ``path``."""
    value = lookup(props, path)
    return (value is not _MISSING), (None if value is _MISSING else value)
