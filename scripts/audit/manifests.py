"""Rendered Kubernetes manifests as subjects: ``kubectl get -o yaml`` exports (``List`` kinds
included), Helm template output and any multi-document YAML or JSON.

Each object becomes the resource the Kubernetes provider would register for it: type
``kubernetes:<group>/<version>:<Kind>`` (``core`` for the core group), props the object itself
(``apiVersion``, ``kind``, ``metadata``, ``spec``...), the same shape the policies read at preview.
Every document is read with ``components.stackfiles.load_yaml`` (no duplicate keys, no alias bombs);
a bad file is an InputError naming the file and line.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Iterator

import yaml

from components.config import ConfigError
from components.stackfiles import load_yaml, read_text
from scripts.audit.subject import Subject
from scripts.console import InputError

SUFFIXES = (".yaml", ".yml", ".json")


def files_of(path: Path) -> list[Path]:
    """The manifest files of a file or a directory (recursively, sorted); InputError when there are none."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InputError(f"{path}: no such file or directory")
    found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    if not found:
        raise InputError(f"{path}: no .yaml, .yml or .json files")
    return found


def documents(text: str, source: str) -> Iterator[Any]:
    """Each document of a (multi-document) YAML text, each read by ``load_yaml`` with its own line numbers."""
    starts: list[tuple[int, int]] = []
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            start, end = event.start_mark, event.end_mark
            if isinstance(event, yaml.DocumentStartEvent) and start is not None:
                starts.append((start.index, start.line))
            elif isinstance(event, yaml.DocumentEndEvent) and starts and end is not None:
                begin, line = starts.pop()
                yield from _one(text, begin, end.index, line, source)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise InputError(f"{source}: invalid YAML at {where}{problem}") from None


def _one(text: str, begin: int, end: int, line: int, source: str) -> Iterator[Any]:
    body = text[begin:end]
    try:
        doc = load_yaml("\n" * line + body, source)
    except ConfigError as err:
        raise InputError(str(err).replace(f"{source}: ", f"{source}: ", 1)) from None
    if doc is not None:
        yield doc


def objects(doc: Any, source: str) -> Iterator[Mapping[str, Any]]:
    """The objects of one document: a ``List`` (or ``*List``) gives its items."""
    if not isinstance(doc, Mapping):
        raise InputError(f"{source}: a document is a {type(doc).__name__}, not a Kubernetes object")
    kind = str(doc.get("kind") or "")
    if kind == "List" or (kind.endswith("List") and isinstance(doc.get("items"), list)):
        for item in doc.get("items") or []:
            yield from objects(item, source)
        return
    if not kind or not doc.get("apiVersion"):
        raise InputError(f"{source}: an object without apiVersion and kind")
    yield doc


def type_token(api_version: str, kind: str) -> str:
    """``apps/v1`` + ``Deployment`` -> ``kubernetes:apps/v1:Deployment``; ``v1`` is the core group."""
    group_version = api_version if "/" in api_version else f"core/{api_version}"
    return f"kubernetes:{group_version}:{kind}"


def subject(obj: Mapping[str, Any], source: str) -> Subject:
    found = obj.get("metadata")
    metadata: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    name = str(metadata.get("name") or "")
    namespace = metadata.get("namespace")
    label = f"{obj['kind']}/{namespace}/{name}" if namespace else f"{obj['kind']}/{name}"
    return Subject(
        type_token(str(obj["apiVersion"]), str(obj["kind"])),
        dict(obj),
        name=label,
        arn=f"{source}#{label}",
        ids=(name,),
    )


def read(path: Any) -> tuple[list[Subject], list[str]]:
    """Every object in the manifests at ``path``, and the files read."""
    root = Path(path)
    out: list[Subject] = []
    files = files_of(root)
    for file in files:
        source = str(file)
        try:
            text = read_text(file, source, "manifest")
        except ConfigError as err:
            raise InputError(str(err)) from None
        for doc in documents(text, source):
            out.extend(subject(obj, source) for obj in objects(doc, source))
    if not out:
        raise InputError(f"{path}: no Kubernetes objects")
    return out, [str(f) for f in files]
