"""The seam through which a capability (tenants, monitoring, backup, ...) plugs into Plinth.

A capability contributes a section of the stack config (its pydantic model, validated with the
rest of the file), cross-checks of that section against the rest of the stack, and a build step
that turns the section into components. :mod:`components.config` composes the stack-config model
from every capability and :class:`components.platform.Platform` builds them in dependency order,
so adding a capability edits neither: it adds a package with a ``CAPABILITY`` and one line in
:mod:`components.capabilities`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Generic, Iterable, TypeVar

if TYPE_CHECKING:
    import pulumi

    from components.config import StackConfig

T = TypeVar("T")
#: ``(key path below plinth:, message)``; the path is relative to ``plinth:``, e.g. ``tenants[2].region``.
Problem = tuple[str, str]


@dataclass
class BuildContext:
    """What a capability's build step receives from the Platform."""

    name: str
    """The Platform's name: the prefix of stack-wide children (``<name>-monitoring``)."""
    config: StackConfig
    tags: dict[str, str]
    """Tags every cloud resource of the stack carries (stack tags win over Plinth's)."""
    opts: pulumi.ResourceOptions
    """Parent (the Platform) and, when the stack names a kubeconfig context, the Kubernetes provider."""
    provider: Callable[[str, str], pulumi.ProviderResource]
    """``provider(cloud, region)``: the stack's one explicit provider for that cloud and region."""
    results: dict[str, Any] = field(default_factory=dict)
    """What earlier capabilities' build steps returned, by capability key."""


@dataclass(frozen=True)
class Capability(Generic[T]):
    """One capability's contribution to the stack config and the Platform."""

    key: str
    """Field name in the stack-config model; the YAML key is its camelCase form (``plinth:<key>``)."""
    annotation: Any
    """The pydantic annotation of the section, e.g. ``list[TenantSpec]`` or ``MonitoringSpec | None``."""
    default: Any = None
    default_factory: Callable[[], Any] | None = None
    field_options: dict[str, Any] = field(default_factory=dict)
    """Extra pydantic ``Field`` options (e.g. ``max_length``)."""
    check: Callable[[StackConfig, T], Iterable[Problem]] | None = None
    """Cross-checks of the section against the rest of the stack config."""
    build: Callable[[BuildContext, T], Any] | None = None
    """Registers the capability's components; what it returns is ``results[key]`` for later capabilities."""
    after: tuple[str, ...] = ()
    """Capabilities whose results the build step reads."""

    def section(self, config: StackConfig) -> T:
        value: T = getattr(config, self.key)
        return value


def in_dependency_order(capabilities: Iterable[Capability[Any]]) -> list[Capability[Any]]:
    """Capabilities ordered so each comes after those it reads; a cycle or unknown name is an error."""
    pending = {c.key: c for c in capabilities}
    ordered: list[Capability[Any]] = []
    done: set[str] = set()
    while pending:
        ready = [c for c in pending.values() if set(c.after) <= done]
        if not ready:
            raise ValueError(f"capabilities {sorted(pending)} depend on each other or on unknown ones")
        for c in sorted(ready, key=lambda c: c.key):
            ordered.append(c)
            done.add(c.key)
            del pending[c.key]
    return ordered
