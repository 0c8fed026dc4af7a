"""Every policy module of Plinth, discovered, so tests and tools can iterate them."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from policies import base

POLICY_PACKAGES = ("policies.aws", "policies.gcp", "policies.azure", "policies.kubernetes", "policies.stack")


@lru_cache(maxsize=None)
def all_policies() -> tuple:
    """Every ``POLICY`` defined in a policy module, sorted by name."""
    found = []
    for package_name in POLICY_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{package_name}.{info.name}")
            if hasattr(module, "POLICY"):
                found.append(module.POLICY)
    return tuple(sorted(found, key=lambda p: p.name))


def pack_policies(pack: str) -> list:
    return [p for p in all_policies() if p.meta.pack == pack]


def metadata(name: str) -> base.Meta:
    all_policies()
    return base.REGISTRY[name]
