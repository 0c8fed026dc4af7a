"""Lines of a stack file that findings point at (SARIF locations, audit reports).

A finding about a tenant's resource points at the tenant's ``- id:`` line under
``plinth:tenants``; a finding about the monitoring stack at ``plinth:monitoring``; anything else
at the top-level ``config:`` key. The file is composed, not loaded, with PyYAML: node marks give
the lines and aliases are never expanded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from components import conventions

#: Component type -> the stack-config key that declares it (tenants are located per entry).
TENANT_TYPE = conventions.type_token("Tenant")
COMPONENT_KEYS = {conventions.type_token("MonitoringStack"): "plinth:monitoring"}


@dataclass
class StackLines:
    """1-based lines of the keys of one stack file."""

    config: int = 1
    keys: dict[str, int] = field(default_factory=dict)
    tenants: dict[str, int] = field(default_factory=dict)

    def key(self, key: str) -> int:
        return self.keys.get(key, self.config)

    def tenant(self, tenant_id: str) -> int:
        return self.tenants.get(tenant_id, self.key("plinth:tenants"))

    def for_ancestors(self, ancestors: list[tuple[str, str]]) -> int:
        """The line for a resource whose ancestors are ``(type, name)`` pairs, innermost first."""
        for type_, name in ancestors:
            if type_ == TENANT_TYPE:
                return self.tenant(name)
            if type_ in COMPONENT_KEYS:
                return self.key(COMPONENT_KEYS[type_])
        return self.config


def _mapping_key(node: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return k, v
    return None


def parse(text: str) -> StackLines:
    """Lines of ``config:``, its keys and each tenant's ``id``; a file that cannot be read gives line 1 everywhere."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return StackLines()
    found = _mapping_key(root, "config") if root is not None else None
    if found is None:
        return StackLines()
    key_node, config = found
    lines = StackLines(config=key_node.start_mark.line + 1)
    if not isinstance(config, yaml.MappingNode):
        return lines
    for k, v in config.value:
        if isinstance(k, yaml.ScalarNode):
            lines.keys[k.value] = k.start_mark.line + 1
        if isinstance(k, yaml.ScalarNode) and k.value == "plinth:tenants" and isinstance(v, yaml.SequenceNode):
            for item in v.value:
                id_ = _mapping_key(item, "id")
                if id_ is not None and isinstance(id_[1], yaml.ScalarNode):
                    lines.tenants.setdefault(id_[1].value, id_[0].start_mark.line + 1)
    return lines


def read(path: Path) -> StackLines:
    try:
        return parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return StackLines()
