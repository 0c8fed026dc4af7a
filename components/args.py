"""Validation messages shared by the stack config and the components' arguments.

Both validate with the same pydantic models; a stack file names keys in camelCase under
``plinth:`` (``plinth:tenants[2].ownerGroups.admins``), a component's arguments in the Python
names a program passes (``args.owner_groups.admins``). Every message says what was found and,
for an unknown key, which keys are allowed.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, TypeVar, get_args

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
Problem = tuple[str, str]
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


class ArgsError(Exception):
    """A component's arguments are invalid; ``str()`` lists every problem as ``<path>: <message>``."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))
        self.problems = problems


def snake_case(key: str) -> str:
    return _CAMEL.sub("_", key).lower()


def key_path(loc: tuple[Any, ...], *, snake: bool = False) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = snake_case(str(part)) if snake else str(part)
            out += f".{name}" if out else name
    return out


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in get_args(annotation):
        found.extend(_models_in(arg))
    return found


def allowed_keys(model: type[BaseModel], loc: tuple[Any, ...], *, snake: bool = False) -> list[str] | None:
    """The keys a model accepts at ``loc`` (for 'unknown key' errors)."""
    current: list[type[BaseModel]] = [model]
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        nxt: list[type[BaseModel]] = []
        for m in current:
            for name, info in m.model_fields.items():
                if part in (name, info.alias):
                    nxt.extend(_models_in(info.annotation))
        current = nxt
    keys = sorted({(name if snake else (info.alias or name)) for m in current for name, info in m.model_fields.items()})
    return keys or None


def describe(err: Mapping[str, Any]) -> str:
    kind = err["type"]
    found = err.get("input")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    message = re.sub(r"^(Value error|Assertion failed), ", "", err["msg"])
    if isinstance(found, (str, int, float, bool)) and kind not in ("value_error",):
        shown = found if not (isinstance(found, str) and len(found) > 60) else found[:57] + "..."
        message = f"{message} (found {shown!r})"
    return message


def problems_from(
    err: ValidationError, model: type[BaseModel], *, prefix: str = "", snake: bool = False
) -> list[Problem]:
    """One ``(key path, message)`` per pydantic error, paths under ``prefix``."""
    problems = []
    for e in err.errors():
        loc = tuple(e["loc"])
        message = describe(e)
        if e["type"] == "extra_forbidden":
            allowed = allowed_keys(model, loc, snake=snake)
            if allowed:
                message += f"; allowed keys here: {', '.join(allowed)}"
        path = key_path(loc, snake=snake)
        problems.append((f"{prefix}.{path}" if prefix and path else prefix or path, message))
    return problems


def validate(model: type[M], data: Mapping[str, Any], prefix: str) -> M:
    """``model`` validated from a program's arguments (Python names); ArgsError names each argument."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as err:
        raise ArgsError(problems_from(err, model, prefix=prefix, snake=True)) from None


def input_error(owner: str, err: ArgsError) -> Exception:
    """The error a component raises for bad arguments: pulumi's InputPropertiesError.

    Under the Pulumi CLI (as a program's component or through the plugin's Construct) the engine
    reports each property path (camelCase, as in the package schema) with its reason; the message
    names every argument the Python way (``Tenant acme: args.owner_groups.admins: ...``).
    """
    import pulumi
    from pydantic.alias_generators import to_camel

    def schema_path(path: str) -> str:
        path = path.removeprefix("args.").removeprefix("args")
        return re.sub(r"[a-z0-9_]+", lambda m: to_camel(m.group(0)), path)

    details: list[Any] = [{"property_path": schema_path(path), "reason": message} for path, message in err.problems]
    return pulumi.InputPropertiesError(f"{owner}: {err}", errors=details)


def unknown_keys(args: Mapping[str, Any], typed: Any, prefix: str = "args") -> list[Problem]:
    """Keys of ``args`` that the TypedDict ``typed`` does not declare (a typo is never silently ignored)."""
    allowed = set(typed.__required_keys__) | set(typed.__optional_keys__)
    return [
        (f"{prefix}.{k}", f"unknown key; allowed keys here: {', '.join(sorted(allowed))}")
        for k in sorted(set(args) - allowed)
    ]
