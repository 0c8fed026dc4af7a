"""The Pulumi protocol as plain data: constants, URNs and the JSON documents the CLI writes.

One place for what the engine, the renderers and the gate all need to agree on:

* the sentinels of the wire format (``sdk/python/lib/pulumi/runtime/rpc.py``): the unknown value,
  the signature key and the secret, resource, output, asset and archive signatures;
* resource types the engine registers itself (the root stack, providers);
* the Analyzer protocol's enforcement levels and severities (``proto/pulumi/analyzer.proto``);
* URNs, built by the engine's rule (``pkg/resource/deploy/deployment.go`` ``generateURN``: the
  parent's whole qualified type, except the root stack's, then ``$`` and the type);
* the documents a user feeds in: ``pulumi preview --json`` (steps with ``newState``/``oldState``)
  and ``pulumi stack export`` (``deployment.resources``), read and checked into typed records so
  every reader sees the same shape and a malformed file is one error naming file and key.

Nothing here imports the Pulumi SDK: tests check these values against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from scripts.console import InputError

# --------------------------------------------------------------------------------------------
# Wire-format sentinels
# --------------------------------------------------------------------------------------------
#: A value unknown until apply (``pulumi preview --json`` prints it as well).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
#: The key of a special object (``{SIG_KEY: <signature>, ...}``).
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
#: How a secret is shown (as by ``pulumi preview`` without ``--show-secrets``).
SECRET = "[secret]"

# --------------------------------------------------------------------------------------------
# Resource types and steps
# --------------------------------------------------------------------------------------------
STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_PREFIX = "pulumi:providers:"
#: Step operations whose resource is gone afterwards (not analysed, shown with oldState).
DELETE_OPS = frozenset({"delete", "discard", "delete-replaced", "read-discard", "remove-pending-replace"})

# --------------------------------------------------------------------------------------------
# Analyzer protocol
# --------------------------------------------------------------------------------------------
#: Enforcement levels in the order the CLI documents them.
LEVELS = ("advisory", "mandatory", "remediate", "disabled")
#: ``pulumirpc.EnforcementLevel`` values.
LEVEL_NAMES = {0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate"}
LEVEL_VALUES = {name: value for value, name in LEVEL_NAMES.items()}
#: ``pulumirpc.PolicySeverity`` values (0: unspecified).
SEVERITY_NAMES = {0: "", 1: "low", 2: "medium", 3: "high", 4: "critical"}

#: Deepest nesting of resource properties Plinth reads. Real properties (Kubernetes manifests, Helm
#: values, IAM policies) stay well below it; a deeper document is refused, naming the key, before
#: any recursive reader could run out of stack.
MAX_DEPTH = 64


def is_provider_type(type_: str) -> bool:
    return type_.startswith(PROVIDER_PREFIX)


def provider_package(type_: str) -> str:
    """``aws`` for ``aws:s3/bucket:Bucket`` and for ``pulumi:providers:aws``."""
    return type_.split(":")[2] if is_provider_type(type_) else type_.split(":")[0]


# --------------------------------------------------------------------------------------------
# URNs
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Urn:
    """``urn:pulumi:<stack>::<project>::<qualified type>::<name>``."""

    stack: str
    project: str
    qualified_type: str
    name: str

    @property
    def type(self) -> str:
        """The resource's own type (the last of the qualified type)."""
        return self.qualified_type.split("$")[-1]

    @property
    def ancestor_types(self) -> list[str]:
        """Types of the resource's ancestors, outermost first (the root stack is never among them)."""
        return self.qualified_type.split("$")[:-1]

    def __str__(self) -> str:
        return f"urn:pulumi:{self.stack}::{self.project}::{self.qualified_type}::{self.name}"


def parse_urn(urn: str) -> Urn:
    """Split a URN; ``ValueError`` if it is not one. A name may itself contain ``::``."""
    if not isinstance(urn, str) or not urn.startswith("urn:pulumi:"):
        raise ValueError(f"not a Pulumi URN: {urn!r}")
    parts = urn[len("urn:pulumi:") :].split("::", 3)
    if len(parts) != 4 or not parts[2]:
        raise ValueError(f"not a Pulumi URN: {urn!r}")
    return Urn(*parts)


def make_urn(stack: str, project: str, type_: str, name: str, parent: str = "") -> str:
    """The URN the engine gives a resource registered with ``parent`` (a URN or "")."""
    qualified = type_
    if parent:
        parent_type = parse_urn(parent).qualified_type
        if parent_type != STACK_TYPE:
            qualified = f"{parent_type}${type_}"
    return str(Urn(stack, project, qualified, name))


def urn_name(urn: str) -> str:
    """The name part of a URN ("" for "")."""
    return urn.split("::", 3)[3] if urn.count("::") >= 3 else urn.rsplit("::", 1)[-1]


def urn_type(urn: str) -> str:
    """The resource's own type from its URN ("" when it is not a URN)."""
    parts = urn.split("::")
    return parts[2].split("$")[-1] if len(parts) >= 4 else ""


def provider_reference(urn: str, id_: str) -> str:
    """How a resource names its provider: ``<provider urn>::<provider id>``."""
    return f"{urn}::{id_}"


def provider_urn(reference: str) -> str:
    """The provider URN of a provider reference (the reference without its ``::<id>``)."""
    return reference.rsplit("::", 1)[0] if reference else ""


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------
def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG


def redact(value: Any, where: str = "", source: str = "", depth: int = 0) -> Any:
    """``value`` with every secret envelope replaced by ``[secret]`` (plaintext never survives).

    A stack export or a ``pulumi preview --json --show-secrets`` carries secrets as
    ``{SIG_KEY: SECRET_SIG, "plaintext"|"ciphertext": ...}``; an analyzer receives them as secret
    values, and people never see what is inside. Raises :class:`InputError` (naming ``source``
    and ``where``) for a value nested deeper than :data:`MAX_DEPTH`.
    """
    if depth > MAX_DEPTH:
        raise InputError(f"{source}: {where}: nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return SECRET
        return {k: redact(v, f"{where}.{k}", source, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, f"{where}[{i}]", source, depth + 1) for i, v in enumerate(value)]
    return value


# --------------------------------------------------------------------------------------------
# Documents: pulumi preview --json and pulumi stack export
# --------------------------------------------------------------------------------------------
@dataclass
class State:
    """A resource's state in a preview step (``newState``/``oldState``) or in a stack export."""

    urn: str
    type: str
    custom: bool = True
    parent: str = ""
    provider: str = ""
    protect: bool = False
    retain_on_delete: bool = False
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    additional_secret_outputs: list[str] = field(default_factory=list)
    ignore_changes: list[str] = field(default_factory=list)
    #: A stack export's resource pending deletion.
    delete: bool = False

    @property
    def name(self) -> str:
        return urn_name(self.urn)


@dataclass
class Step:
    op: str
    urn: str
    new: State | None
    old: State | None

    @property
    def state(self) -> State | None:
        """The state after the step, or before it for a step that removes the resource."""
        return self.new or self.old


@dataclass
class Diagnostic:
    severity: str
    message: str
    urn: str = ""


@dataclass
class Preview:
    """A checked ``pulumi preview --json`` document (Plinth's offline plan has the same shape)."""

    steps: list[Step]
    diagnostics: list[Diagnostic]
    change_summary: dict[str, int]
    source: str

    def stacks(self) -> set[tuple[str, str]]:
        """The (project, stack) pairs the steps' URNs name."""
        return {(u.project, u.stack) for u in (parse_urn(s.urn) for s in self.steps)}

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


class _Reader:
    """Checks a JSON document field by field; every error names the source and the key path."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, where: str, message: str) -> InputError:
        return InputError(f"{self.source}: {where}: {message}" if where else f"{self.source}: {message}")

    def obj(self, value: Any, where: str, *, optional: bool = False) -> dict[str, Any]:
        if value is None and optional:
            return {}
        if not isinstance(value, dict):
            raise self.fail(where, f"expected an object, found {_kind(value)}")
        return value

    def string(self, doc: Mapping[str, Any], key: str, where: str, *, optional: bool = False) -> str:
        value = doc.get(key)
        if value is None and optional:
            return ""
        if not isinstance(value, str):
            raise self.fail(f"{where}.{key}", f"expected a string, found {_kind(value)}")
        return value

    def flag(self, doc: Mapping[str, Any], key: str, where: str, default: bool) -> bool:
        value = doc.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(f"{where}.{key}", f"expected true or false, found {_kind(value)}")
        return value

    def strings(self, doc: Mapping[str, Any], key: str, where: str) -> list[str]:
        value = doc.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{where}.{key}", f"expected a list of strings, found {_kind(value)}")
        return list(value)

    def urn(self, doc: Mapping[str, Any], key: str, where: str) -> str:
        value = self.string(doc, key, where)
        try:
            parse_urn(value)
        except ValueError:
            raise self.fail(
                f"{where}.{key}", f"not a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>): {value!r}"
            ) from None
        return value

    def properties(self, doc: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
        return redact(self.obj(doc.get(key), f"{where}.{key}", optional=True), f"{where}.{key}", self.source)

    def state(self, doc: Any, where: str, *, custom: bool = True) -> State:
        doc = self.obj(doc, where)
        deps = self.obj(doc.get("propertyDependencies"), f"{where}.propertyDependencies", optional=True)
        property_dependencies = {k: self.strings(deps, k, f"{where}.propertyDependencies") for k in deps}
        return State(
            urn=self.urn(doc, "urn", where),
            type=self.string(doc, "type", where),
            custom=self.flag(doc, "custom", where, custom),
            parent=self.string(doc, "parent", where, optional=True),
            provider=self.string(doc, "provider", where, optional=True),
            protect=self.flag(doc, "protect", where, False),
            retain_on_delete=self.flag(doc, "retainOnDelete", where, False),
            inputs=self.properties(doc, "inputs", where),
            outputs=self.properties(doc, "outputs", where),
            dependencies=self.strings(doc, "dependencies", where),
            property_dependencies=property_dependencies,
            additional_secret_outputs=self.strings(doc, "additionalSecretOutputs", where),
            ignore_changes=self.strings(doc, "ignoreChanges", where),
            delete=self.flag(doc, "delete", where, False),
        )

    def step(self, doc: Any, where: str) -> Step:
        doc = self.obj(doc, where)
        op = self.string(doc, "op", where)
        new = self.state(doc["newState"], f"{where}.newState") if doc.get("newState") is not None else None
        old = self.state(doc["oldState"], f"{where}.oldState") if doc.get("oldState") is not None else None
        if new is None and old is None:
            raise self.fail(where, "has no newState or oldState with urn and type")
        if new is None and op not in DELETE_OPS:
            raise self.fail(where, f"a {op!r} step has no newState with urn and type")
        urn = self.urn(doc, "urn", where) if doc.get("urn") is not None else (new or old).urn  # type: ignore[union-attr]
        return Step(op=op, urn=urn, new=new, old=old)

    def diagnostic(self, doc: Any, where: str) -> Diagnostic:
        doc = self.obj(doc, where)
        return Diagnostic(
            severity=self.string(doc, "severity", where, optional=True) or "info",
            message=self.string(doc, "message", where, optional=True),
            urn=self.string(doc, "urn", where, optional=True),
        )


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    kinds: dict[type, str] = {dict: "an object", list: "a list", str: "a string"}
    return kinds.get(type(value), f"a {type(value).__name__}")


def read_preview(doc: Any, source: str = "preview") -> Preview:
    """Check a ``pulumi preview --json`` document (or Plinth's plan) and return its steps.

    Raises :class:`InputError` naming ``source`` and the key for anything that is not that shape.
    """
    r = _Reader(source)
    doc = r.obj(doc, "")
    steps = doc.get("steps")
    if not isinstance(steps, list):
        raise r.fail("", "no 'steps' list: not a preview JSON (pulumi preview --json or plinth preview --format json)")
    summary = r.obj(doc.get("changeSummary"), "changeSummary", optional=True)
    for op, count in summary.items():
        if not isinstance(count, int) or isinstance(count, bool):
            raise r.fail(f"changeSummary.{op}", f"expected a count, found {_kind(count)}")
    diagnostics = doc.get("diagnostics")
    diagnostics = [] if diagnostics is None else diagnostics
    if not isinstance(diagnostics, list):
        raise r.fail("diagnostics", f"expected a list, found {_kind(diagnostics)}")
    return Preview(
        steps=[r.step(s, f"steps[{i}]") for i, s in enumerate(steps)],
        diagnostics=[r.diagnostic(d, f"diagnostics[{i}]") for i, d in enumerate(diagnostics)],
        change_summary=dict(summary),
        source=source,
    )


def read_export(doc: Any, source: str = "state") -> list[State]:
    """Check a ``pulumi stack export`` document and return its resources (``deployment.resources``)."""
    r = _Reader(source)
    doc = r.obj(doc, "")
    deployment = doc.get("deployment")
    resources = deployment.get("resources") if isinstance(deployment, dict) else None
    if not isinstance(resources, list):
        raise r.fail("", "no deployment.resources: not a `pulumi stack export` file")
    # An export leaves "custom" out for components; a preview's state leaves it out for neither.
    return [r.state(res, f"deployment.resources[{i}]", custom=False) for i, res in enumerate(resources)]
