"""Every capability Plinth ships, for the stack-config model and the Platform (see components/capability.py)."""

from __future__ import annotations

from typing import Any

from components import backup, deployment, monitoring, tenant
from components.capability import Capability, in_dependency_order

#: In the order the Platform builds them (each after the capabilities it reads).
CAPABILITIES: list[Capability[Any]] = in_dependency_order(
    [tenant.CAPABILITY, monitoring.CAPABILITY, backup.CAPABILITY, deployment.CAPABILITY]
)
