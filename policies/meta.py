"""Pure policy metadata and the catalogue join: what every tool reads about Plinth's policies.

A policy module (``policies/<cloud>/<rest_of_the_name>.py``) defines ``POLICY = resource_policy(...)``
or ``stack_policy(...)``: a :class:`Policy` that holds the words for people (description,
remediation), a pack-independent severity, the controls it cites, its default enforcement, what it
looks at, its config schema and the pure ``check`` (plus an optional ``remediate``). The check only
decides; the words live in the metadata (cdk-nag's habit). Packs list the policies they serve in
``policies/<pack>/pack.py``; ``policies/sdk.py`` turns a Policy into the policy SDK's objects.

Runtime tools (``plinth audit``, the compliance report) call ``POLICY.check(props,
POLICY.configured(overrides))`` and read metadata from here: neither this module nor any policy
module imports the policy SDK (a test proves it in a fresh interpreter). Props are read as the
engine sends them (camelCase, numbers as floats); under the pack, reading a value that is unknown at
preview raises the SDK's UnknownValueError, which the SDK reports as "can't run policy during
preview" - never a pass.
"""

from __future__ import annotations

import copy
import functools
import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Literal, Mapping

from policies import frameworks

NAME_PATTERN = re.compile(r"^(aws|gcp|azure|kubernetes|stack)(-[a-z0-9]+){3,}$")
#: Directory of a policy's module: the first word of its name.
POLICY_DIRS = ("aws", "gcp", "azure", "kubernetes", "stack")
POLICY_PACKAGES = tuple(f"policies.{d}" for d in POLICY_DIRS)
#: The packs, by directory under policies/ (each has PulumiPolicy.yaml, __main__.py and pack.py).
PACKS = ("security", "compliance", "cost")
SEVERITIES = ("low", "medium", "high", "critical")
ENFORCEMENTS = ("advisory", "mandatory", "remediate", "disabled")
PACKS_ROOT = Path(__file__).resolve().parent

Kind = Literal["resource", "stack"]
#: ``check(props, config)`` (or ``check(props, config, resource_type)``) yields violation messages for one resource.
ResourceCheck = Callable[..., Iterable[str] | None]
#: ``check(resources, config)`` yields ``(message, resource or None)`` for the whole stack.
StackCheck = Callable[[list[Any], dict[str, Any]], Iterable[tuple[str, Any]] | None]
#: ``remediate(props, config, resource_type)`` returns new props, or None when nothing changes.
Remediate = Callable[[Any, dict[str, Any], str], dict[str, Any] | None]


@dataclass(frozen=True)
class Policy:
    """One policy: metadata, config schema and its pure check, independent of any pack and SDK."""

    name: str
    description: str
    severity: str
    frameworks: tuple[str, ...]
    remediation: str
    enforcement: str
    never_waive: bool
    kind: Kind
    #: Resource policies: the exact types checked. Stack policies: what they read (type tokens or
    #: package prefixes like ``"aws:"``); empty means every resource.
    types: tuple[str, ...]
    #: JSON-schema properties of the policy's own config keys (``suppressions`` is added by the adapter).
    config_schema: Mapping[str, Any]
    check: Callable[..., Any] = field(compare=False, repr=False)
    remediate: Remediate | None = field(default=None, compare=False, repr=False)

    @property
    def reads(self) -> tuple[str, ...]:
        """What a stack policy reads (the same as ``types``)."""
        return self.types

    @property
    def module(self) -> str:
        """The module that defines the policy (module name = policy name)."""
        return module_name(self.name)

    def applies_to(self, resource_type: str) -> bool:
        """Whether the policy looks at resources of ``resource_type``."""
        if self.kind == "resource":
            return resource_type in self.types
        return reads_type(self.types, resource_type)

    def defaults(self) -> dict[str, Any]:
        """The config the policy runs with when nobody configures it (schema defaults)."""
        return {key: copy.deepcopy(spec["default"]) for key, spec in self.config_schema.items() if "default" in spec}

    def configured(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Schema defaults with ``overrides`` on top, as the CLI reconciles them."""
        return {**self.defaults(), **dict(overrides or {})}

    def controls(self) -> tuple[Control, ...]:
        """The controls the policy cites, with their titles from the catalogue."""
        return tuple(_control(ref, (self.name,)) for ref in self.frameworks)

    def check_resource(self, props: Any, config: dict[str, Any], resource_type: str) -> Iterable[str]:
        """Run a resource policy's check on one resource.

        A check written ``check(props, config, resource_type)`` also receives the type (for policies over
        several types whose properties differ, e.g. where each type keeps its tags); ``check(props, config)``
        does not need it.
        """
        if _takes_type(self.check):
            return self.check(props, config, resource_type) or ()
        return self.check(props, config) or ()


@functools.lru_cache(maxsize=None)
def _takes_type(check: Callable[..., Any]) -> bool:
    return len(inspect.signature(check).parameters) >= 3


@dataclass(frozen=True)
class Control:
    """A catalogue control joined with the policies that cite it."""

    ref: str
    framework: str
    id: str
    title: str
    policies: tuple[str, ...]


def _control(ref: str, policies: tuple[str, ...]) -> Control:
    framework, _, cid = ref.partition(":")
    return Control(ref, framework, cid, frameworks.control(ref), policies)


def module_name(policy_name: str) -> str:
    """``aws-s3-bucket-public-acl-forbidden`` -> ``policies.aws.s3_bucket_public_acl_forbidden``."""
    directory, _, rest = policy_name.partition("-")
    return f"policies.{directory}.{rest.replace('-', '_')}"


def reads_type(reads: Iterable[str], resource_type: str) -> bool:
    """Whether a stack policy declaring ``reads`` looks at ``resource_type`` (empty: all)."""
    reads = tuple(reads)
    if not reads:
        return True
    return resource_type in reads or any(r.endswith(":") and resource_type.startswith(r) for r in reads)


def _validate(policy: Policy) -> Policy:
    problems = []
    if not NAME_PATTERN.match(policy.name):
        problems.append("the name does not follow <cloud>-<service>-<resource>-<verb>")
    if policy.severity not in SEVERITIES:
        problems.append(f"severity must be one of {SEVERITIES}")
    if policy.enforcement not in ENFORCEMENTS:
        problems.append(f"enforcement must be one of {ENFORCEMENTS}")
    if policy.never_waive and policy.enforcement != "mandatory":
        problems.append("a never-waive control must be mandatory")
    if policy.kind == "resource" and not policy.types:
        problems.append("a resource policy names the types it checks")
    if "suppressions" in policy.config_schema:
        problems.append("'suppressions' is every policy's own config key")
    if problems:
        raise ValueError(f"policy {policy.name!r}: " + "; ".join(problems))
    for ref in policy.frameworks:
        frameworks.control(ref)  # KeyError for an id missing from the catalogue
    return policy


def resource_policy(
    *,
    name: str,
    description: str,
    types: Iterable[str],
    check: ResourceCheck,
    severity: str,
    frameworks: Iterable[str],
    remediation: str,
    enforcement: str = "advisory",
    config: Mapping[str, Any] | None = None,
    never_waive: bool = False,
    remediate: Remediate | None = None,
) -> Policy:
    """A policy that checks each resource of ``types`` on its own."""
    return _validate(
        Policy(
            name,
            description,
            severity,
            tuple(frameworks),
            remediation,
            enforcement,
            never_waive,
            "resource",
            tuple(types),
            dict(config or {}),
            check,
            remediate,
        )
    )


def stack_policy(
    *,
    name: str,
    description: str,
    check: StackCheck,
    severity: str,
    frameworks: Iterable[str],
    remediation: str,
    enforcement: str = "advisory",
    config: Mapping[str, Any] | None = None,
    never_waive: bool = False,
    reads: Iterable[str] = (),
) -> Policy:
    """A policy over the whole stack: ``check(resources, config)`` yields ``(message, resource or None)``.

    ``reads`` lists the resource types the check looks at (a type token, or a package prefix such
    as ``"aws:"``); the check only ever sees those, so a tool that knows it may send just those.
    Empty means every resource.
    """
    return _validate(
        Policy(
            name,
            description,
            severity,
            tuple(frameworks),
            remediation,
            enforcement,
            never_waive,
            "stack",
            tuple(reads),
            dict(config or {}),
            check,
        )
    )


# --- Running a policy without the SDK (runtime audits, reports, tests) -------------------------


@dataclass(frozen=True)
class ResourceOptions:
    protect: bool = False


@dataclass(frozen=True)
class ProviderResource:
    props: Mapping[str, Any]


@dataclass(frozen=True)
class Resource:
    """A resource as checks read it: the fields of the policy SDK's PolicyResource that Plinth's checks use.

    A runtime tool turns a live resource into this shape (props camelCase, as the engine sends them),
    so preview time and run time are judged by the same check.
    """

    resource_type: str
    props: Mapping[str, Any]
    name: str = ""
    urn: str = ""
    opts: ResourceOptions = ResourceOptions()
    provider: ProviderResource | None = None
    #: Per property, the URNs of the resources its value was computed from (the engine's propertyDependencies).
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def evaluate(
    policy: Policy, resources: Iterable[Any], overrides: Mapping[str, Any] | None = None
) -> list[tuple[str, Any]]:
    """``(message, resource or None)`` for every violation ``policy`` finds among ``resources``.

    The pure counterpart of the pack: the same type filter, schema defaults and check, without
    suppressions (a report decides what to do with its own waivers). A resource policy runs once per
    resource of its types; a stack policy once over the resources it reads.
    """
    config = policy.configured(overrides)
    chosen = [r for r in resources if policy.applies_to(r.resource_type)]
    if policy.kind == "stack":
        return [(str(message), resource) for message, resource in policy.check(chosen, config) or ()]
    return [(str(message), r) for r in chosen for message in policy.check_resource(r.props, config, r.resource_type)]


# --- Discovery --------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def all_policies() -> tuple[Policy, ...]:
    """Every ``POLICY`` defined in a policy module under policies/<cloud>/, sorted by name."""
    found: dict[str, Policy] = {}
    for package_name in POLICY_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{package_name}.{info.name}")
            policy = getattr(module, "POLICY", None)
            if policy is None:
                continue
            if policy.name in found:
                raise ValueError(
                    f"policy {policy.name} is defined twice ({found[policy.name].module}, {module.__name__})"
                )
            found[policy.name] = policy
    return tuple(found[name] for name in sorted(found))


def policy(name: str) -> Policy:
    """The policy called ``name``; KeyError naming it when there is none."""
    for p in all_policies():
        if p.name == name:
            return p
    raise KeyError(f"no policy named {name!r}")


def pack_module(pack: str) -> Any:
    """``policies.<pack>.pack``: the pack's NAME, POLICIES and INITIAL_CONFIG, without the SDK."""
    if pack not in PACKS:
        raise KeyError(f"unknown pack {pack!r}: one of {', '.join(PACKS)}")
    return importlib.import_module(f"policies.{pack}.pack")


def pack_policies(pack: str) -> tuple[Policy, ...]:
    """The policies pack ``pack`` lists, in its order."""
    return tuple(pack_module(pack).POLICIES)


def pack_of(name: str) -> str:
    """The pack (``security``, ``compliance`` or ``cost``) that serves policy ``name``."""
    for pack in PACKS:
        if any(p.name == name for p in pack_policies(pack)):
            return pack
    raise KeyError(f"policy {name!r} is in no pack")


def pack_version(pack: str) -> str:
    """The version the pack's PulumiPolicy.yaml declares (what the CLI reports)."""
    return read_version(PACKS_ROOT / pack)


def read_version(directory: Path) -> str:
    import yaml

    document = yaml.safe_load((directory / "PulumiPolicy.yaml").read_text(encoding="utf-8")) or {}
    return str(document.get("version", ""))


# --- The catalogue join -----------------------------------------------------------------------


def by_control(ref: str) -> tuple[Policy, ...]:
    """Policies citing control ``"<framework>:<id>"`` (KeyError when the catalogue lacks it)."""
    frameworks.control(ref)
    return tuple(p for p in all_policies() if ref in p.frameworks)


def by_framework(framework: str) -> tuple[Policy, ...]:
    """Policies citing any control of ``framework`` (``soc2``, ``hipaa``, ``gdpr``, ``cis``)."""
    if framework not in frameworks.CATALOGUE:
        raise KeyError(f"unknown framework {framework!r}: not in policies/frameworks.py")
    return tuple(p for p in all_policies() if any(ref.partition(":")[0] == framework for ref in p.frameworks))


def controls(framework: str | None = None) -> tuple[Control, ...]:
    """Every catalogue control (of ``framework``, or all) with its title and the policies citing it.

    Controls no policy cites are listed too (with no policies): a compliance report shows them as gaps.
    """
    out = []
    for fw, entries in frameworks.CATALOGUE.items():
        if framework is not None and fw != framework:
            continue
        for cid in entries:
            ref = f"{fw}:{cid}"
            out.append(_control(ref, tuple(p.name for p in all_policies() if ref in p.frameworks)))
    return tuple(out)


# --- What a running pack reports about itself (interfaces §1) --------------------------------


def describe_policies(pack_name: str, version: str, policies: Iterable[Policy]) -> dict[str, Any]:
    """The self-description a pack writes for the gate: name, version and each policy's routing metadata."""
    return {
        "pack": pack_name,
        "version": version,
        "policies": {
            p.name: {
                "kind": p.kind,
                "types": list(p.types),
                "severity": p.severity,
                "frameworks": list(p.frameworks),
                "neverWaive": p.never_waive,
            }
            for p in policies
        },
    }


def describe(pack: str) -> dict[str, Any]:
    """``describe_policies`` of one of Plinth's packs, by directory name."""
    module = pack_module(pack)
    return describe_policies(module.NAME, pack_version(pack), module.POLICIES)
