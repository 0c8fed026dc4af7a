"""Building blocks of the stack-config models: strict models and secret values.

Every model of a stack config derives from :class:`StrictModel`: unknown keys are errors (a
typo must never be silently ignored), YAML keys are camelCase like Pulumi's own config, and
models are immutable once validated.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import pulumi
from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, StringConstraints
from pydantic.alias_generators import to_camel
from pydantic_core import core_schema

#: How an encrypted (``secure:``) config value arrives when it cannot be decrypted: the offline
#: engine has no key, so the value is unknown - exactly the engine's unknown sentinel.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


class StrictModel(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        alias_generator=to_camel,
        populate_by_name=True,
        str_strip_whitespace=True,
        validate_default=True,
    )


#: A non-empty, single-line human string of bounded length.
Text = Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=r"^[^\n\r]+$")]
#: A DNS-1123 label (Kubernetes names, tenant ids): lowercase alphanumerics and '-'.
DnsLabel = Annotated[str, StringConstraints(min_length=1, max_length=63, pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
PositiveInt = Annotated[int, Field(gt=0)]


class Secret:
    """A credential from stack config. It is only ever handed to resources as a Pulumi secret.

    With the Pulumi CLI the value is the decrypted plaintext of a ``secure:`` config value; in
    the offline engine it cannot be decrypted and is unknown; a program calling a component may
    also pass an Output. Either way :meth:`output` is a secret Output, so the value never appears
    in plaintext in state, previews or logs.
    """

    __slots__ = ("_value",)

    def __init__(self, value: "str | pulumi.Output[str]"):
        self._value = value

    @property
    def known(self) -> bool:
        return self._value != UNKNOWN

    def output(self) -> pulumi.Output[str]:
        if isinstance(self._value, pulumi.Output) or self.known:
            return pulumi.Output.secret(self._value)
        loop = asyncio.get_event_loop()

        def done(value: Any) -> asyncio.Future:
            fut = loop.create_future()
            fut.set_result(value)
            return fut

        return pulumi.Output(set(), done(None), done(False), done(True))

    def __repr__(self) -> str:  # never reveal the value
        return "Secret(********)" if self.known else "Secret(<unknown>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("secret", self._value))

    @classmethod
    def __get_pydantic_core_schema__(cls, _source: Any, _handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def build(value: str) -> "Secret":
            return cls(value)

        from_str = core_schema.chain_schema(
            [core_schema.str_schema(min_length=1), core_schema.no_info_plain_validator_function(build)]
        )
        return core_schema.json_or_python_schema(
            json_schema=from_str,
            python_schema=core_schema.union_schema(
                [
                    core_schema.is_instance_schema(cls),
                    core_schema.chain_schema(
                        [
                            core_schema.is_instance_schema(pulumi.Output),
                            core_schema.no_info_plain_validator_function(cls),
                        ]
                    ),
                    from_str,
                ]
            ),
            serialization=core_schema.plain_serializer_function_ser_schema(lambda s: "[secret]", when_used="json"),
        )


def find_secrets(value: Any, path: str = "") -> list[tuple[str, Secret]]:
    """All :class:`Secret` values inside a validated model, with their key paths (aliases)."""
    found: list[tuple[str, Secret]] = []
    if isinstance(value, Secret):
        found.append((path, value))
    elif isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            key = info.alias or name
            found.extend(find_secrets(getattr(value, name), f"{path}.{key}" if path else key))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            found.extend(find_secrets(item, f"{path}[{i}]"))
    elif isinstance(value, dict):
        for k, item in value.items():
            found.extend(find_secrets(item, f"{path}.{k}" if path else str(k)))
    return found


def known_after(value: Any, *resources: pulumi.Resource) -> pulumi.Output[Any]:
    """``value``, known now, that still makes whatever consumes it wait for ``resources``.

    Physical names and ARNs Plinth builds from config are known before anything exists; using
    them this way keeps previews and policy checks exact (the key policy names the role) while
    the engine still creates the role before the key that names it, as the provider requires.
    """
    loop = asyncio.get_event_loop()

    def done(result: Any) -> asyncio.Future:
        fut = loop.create_future()
        fut.set_result(result)
        return fut

    return pulumi.Output(set(resources), done(value), done(True), done(False))
