"""What the example programs in examples/ pass to Plinth's components, read without the Pulumi CLI.

A Pulumi YAML program is data; a TypeScript program is read with a small parser for the part that
matters here: the object literals given to ``new plinth.<Component>(name, {...})`` (inline or through a
``const x: plinth.<Component>Args = {...}``). Anything that is not a literal (a config lookup, another
resource's output) becomes an :class:`Expr`; anything the parser does not understand is an error, so
an example cannot slip past the checks by being written differently.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Expr:
    """A value computed by the program (config, another resource's output), as written."""

    text: str

    def config_key(self) -> tuple[str, bool] | None:
        """``(key, secret)`` when the expression reads the program's config."""
        match = re.fullmatch(r'\$\{(\w+)\}|config\.(require|get)(Secret)?\(\s*"(\w+)"\s*\)', self.text)
        if match is None:
            return None
        if match.group(1):
            return match.group(1), False
        return match.group(4), bool(match.group(3))


@dataclass
class Resource:
    name: str
    type: str
    properties: dict[str, Any]
    #: Output properties the program reads from it (``${acme.aws.bucket}`` -> ["aws", "bucket"]).
    reads: list[list[str]] = field(default_factory=list)


@dataclass
class Program:
    path: Path
    resources: dict[str, Resource]
    #: Project config: key -> {"type", "default", "secret"}.
    config: dict[str, dict[str, Any]]
    packages: dict[str, str]


# --- Pulumi YAML ----------------------------------------------------------------------------------------
_INTERPOLATION = re.compile(r"\$\{([^}]+)\}")


def _yaml_value(value: Any) -> Any:
    if isinstance(value, str) and "${" in value:
        return Expr(value)
    if isinstance(value, dict):
        return {k: _yaml_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_yaml_value(v) for v in value]
    return value


def _references(value: Any) -> list[str]:
    if isinstance(value, str):
        return _INTERPOLATION.findall(value)
    if isinstance(value, dict):
        return [r for v in value.values() for r in _references(v)]
    if isinstance(value, list):
        return [r for v in value for r in _references(v)]
    return []


def read_yaml_program(path: Path) -> Program:
    doc = yaml.safe_load(path.read_text())
    resources = {
        name: Resource(name, body["type"], _yaml_value(body.get("properties") or {}))
        for name, body in (doc.get("resources") or {}).items()
    }
    for reference in _references({k: v for k, v in doc.items() if k in ("resources", "outputs", "variables")}):
        head, *rest = reference.split(".")
        if head in resources and rest:
            resources[head].reads.append(rest)
    return Program(path, resources, dict(doc.get("config") or {}), dict(doc.get("packages") or {}))


# --- TypeScript -----------------------------------------------------------------------------------------
_TOKEN = re.compile(
    r"""(?P<skip>\s+|//[^\n]*|/\*.*?\*/)
    |(?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<template>`(?:[^`\\]|\\.)*`)
    |(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    |(?P<name>[A-Za-z_$][\w$]*)
    |(?P<punct>=>|\?\.|\.\.\.|[{}\[\](),:;.?=<>!&|+\-*/%])""",
    re.S | re.X,
)
_CLOSERS = {"}": "{", "]": "[", ")": "("}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int


def _tokens(source: str, start: int) -> list[_Token]:
    out, pos = [], start
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise ValueError(f"cannot read the TypeScript at offset {pos}: {source[pos : pos + 30]!r}")
        kind = match.lastgroup or ""
        if kind != "skip":
            out.append(_Token(kind, match.group(), match.start(), match.end()))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, source: str, start: int):
        self.source = source
        self.tokens = _tokens(source, start)
        self.i = 0

    def peek(self, offset: int = 0) -> _Token:
        return self.tokens[self.i + offset]

    def take(self, text: str | None = None) -> _Token:
        token = self.tokens[self.i]
        if text is not None and token.text != text:
            raise ValueError(f"expected {text!r} at offset {token.start}, found {token.text!r}")
        self.i += 1
        return token

    def value(self) -> Any:
        token = self.peek()
        if token.text == "{":
            return self.object()
        if token.text == "[":
            return self.array()
        following = self.peek(1).text
        if following in (",", "}", "]", ")"):
            if token.kind == "string":
                self.take()
                return ast.literal_eval(token.text)
            if token.kind == "template" and "${" not in token.text:
                self.take()
                return token.text[1:-1]
            if token.kind == "number":
                self.take()
                number = float(token.text)
                return int(number) if number.is_integer() and "." not in token.text else number
            if token.text in ("true", "false"):
                self.take()
                return token.text == "true"
        return self.expression()

    def expression(self) -> Expr:
        first = self.peek()
        depth: list[str] = []
        last = first
        while True:
            token = self.peek()
            if not depth and token.text in (",", "}", "]", ")"):
                break
            if token.text in ("{", "[", "("):
                depth.append(token.text)
            elif token.text in _CLOSERS:
                if not depth or depth.pop() != _CLOSERS[token.text]:
                    raise ValueError(f"unbalanced {token.text!r} at offset {token.start}")
            last = self.take()
        return Expr(self.source[first.start : last.end])

    def object(self) -> dict[str, Any]:
        self.take("{")
        out: dict[str, Any] = {}
        while self.peek().text != "}":
            key = self.take()
            if key.kind not in ("name", "string") or self.peek().text != ":":
                raise ValueError(f"only `key: value` entries are read, found {key.text!r} at offset {key.start}")
            self.take(":")
            name = ast.literal_eval(key.text) if key.kind == "string" else key.text
            out[name] = self.value()
            if self.peek().text == ",":
                self.take(",")
            elif self.peek().text != "}":
                raise ValueError(f"expected ',' or '}}' at offset {self.peek().start}")
        self.take("}")
        return out

    def array(self) -> list[Any]:
        self.take("[")
        out = []
        while self.peek().text != "]":
            out.append(self.value())
            if self.peek().text == ",":
                self.take(",")
        self.take("]")
        return out


def _object_at(source: str, start: int) -> dict[str, Any]:
    return _Parser(source, start).object()


def read_typescript_program(path: Path) -> Program:
    """The ``plinth`` components an index.ts creates, with their argument objects."""
    source = path.read_text()
    resources: dict[str, Resource] = {}
    for match in re.finditer(r"(?:const\s+(\w+)\s*=\s*)?new\s+plinth\.(\w+)\(", source):
        variable, component = match.group(1), match.group(2)
        parser = _Parser(source, match.end())
        name = parser.take()
        if name.kind != "string":
            raise ValueError(f"{path.name}: the name of the {component} is not a string literal")
        parser.take(",")
        argument = parser.peek()
        if argument.text == "{":
            properties = _object_at(source, argument.start)
        elif argument.kind == "name":
            declared = re.search(rf"const\s+{argument.text}\s*(?::\s*plinth\.(\w+))?\s*=\s*\{{", source)
            if declared is None:
                raise ValueError(f"{path.name}: {argument.text} is not declared as `const {argument.text} = {{...}}`")
            if declared.group(1) not in (None, f"{component}Args"):
                raise ValueError(f"{path.name}: {argument.text} is typed {declared.group(1)}, not {component}Args")
            properties = _object_at(source, declared.end() - 1)
        else:
            raise ValueError(f"{path.name}: the arguments of the {component} are neither an object nor a const")
        resource = Resource(ast.literal_eval(name.text), f"plinth:index:{component}", properties)
        if variable:
            resource.reads = [[m] for m in re.findall(rf"\b{variable}\.(\w+)", source[match.end() :])]
        resources[variable or resource.name] = resource
    config = _project_config(path.parent / "Pulumi.yaml")
    return Program(path, resources, config, dict(yaml.safe_load((path.parent / "Pulumi.yaml").read_text())["packages"]))


def _project_config(path: Path) -> dict[str, dict[str, Any]]:
    return dict(yaml.safe_load(path.read_text()).get("config") or {})


def sdk_names(path: Path) -> list[str]:
    """Every ``plinth.<Name>`` an index.ts refers to."""
    return sorted(set(re.findall(r"\bplinth\.(\w+)", path.read_text())))


# --- Checking against the package schema ----------------------------------------------------------------
_SCALARS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
}


def schema_problems(schema: dict[str, Any], resource: Resource) -> list[str]:
    """Every property the resource passes that the schema does not have, of the wrong kind, or missing."""
    where = f"{resource.name} ({resource.type})"
    declared = schema["resources"].get(resource.type)
    if declared is None:
        return [f"{where}: not a resource of the plinth package"]
    problems = _object_problems(
        schema, declared["inputProperties"], declared.get("requiredInputs", []), resource.properties, where
    )
    for path in resource.reads:
        problems += _read_problems(schema, declared.get("properties", {}), path, where)
    return problems


def _object_problems(
    schema: dict[str, Any], properties: dict[str, Any], required: list[str], value: Any, where: str
) -> list[str]:
    if isinstance(value, Expr):
        return []
    if not isinstance(value, dict):
        return [f"{where}: expected an object, found {value!r}"]
    problems = [f"{where}.{key}: required by the schema, not set" for key in required if key not in value]
    for key, item in value.items():
        if key not in properties:
            close = difflib.get_close_matches(key, list(properties), 1)
            problems.append(f"{where}.{key}: no such property" + (f" (did you mean {close[0]}?)" if close else ""))
        else:
            problems += _value_problems(schema, properties[key], item, f"{where}.{key}")
    return problems


def _value_problems(schema: dict[str, Any], prop: dict[str, Any], value: Any, where: str) -> list[str]:
    if isinstance(value, Expr):
        return []
    ref = prop.get("$ref")
    if ref == "pulumi.json#/Any":
        return []
    if ref:
        type_ = schema["types"][ref.removeprefix("#/types/")]
        return _object_problems(schema, type_["properties"], type_.get("required", []), value, where)
    kind = prop["type"]
    if kind == "array":
        if not isinstance(value, list):
            return [f"{where}: expected a list, found {value!r}"]
        return [
            p for i, item in enumerate(value) for p in _value_problems(schema, prop["items"], item, f"{where}[{i}]")
        ]
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{where}: expected a map, found {value!r}"]
        values = prop["additionalProperties"]
        return [p for k, item in value.items() for p in _value_problems(schema, values, item, f"{where}.{k}")]
    if isinstance(value, bool) and kind != "boolean" or not isinstance(value, _SCALARS[kind]):
        return [f"{where}: expected {kind}, found {value!r}"]
    return []


def _read_problems(schema: dict[str, Any], outputs: dict[str, Any], path: list[str], where: str) -> list[str]:
    head, *rest = path
    if head == "urn":
        return []
    if head not in outputs:
        close = difflib.get_close_matches(head, list(outputs), 1)
        return [
            f"{where}: reads output {head!r}, which it does not have"
            + (f" (did you mean {close[0]}?)" if close else "")
        ]
    ref = outputs[head].get("$ref")
    if rest and ref and ref.startswith("#/types/"):
        return _read_problems(schema, schema["types"][ref.removeprefix("#/types/")]["properties"], rest, where)
    return []
