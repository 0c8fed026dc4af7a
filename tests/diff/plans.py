"""Hand-made plans in the `pulumi preview --json` shape, for diff tests."""

from __future__ import annotations

from typing import Any

from scripts import pulumi_json as pj

STACK = "dev"
PROJECT = "plinth"
ROOT = pj.make_urn(STACK, PROJECT, pj.STACK_TYPE, f"{PROJECT}-{STACK}")
PLATFORM = pj.make_urn(STACK, PROJECT, "plinth:index:Platform", "plinth", ROOT)


def tenant(tenant_id: str) -> str:
    return pj.make_urn(STACK, PROJECT, "plinth:index:Tenant", tenant_id, PLATFORM)


def provider(package: str, name: str) -> str:
    return pj.make_urn(STACK, PROJECT, f"{pj.PROVIDER_PREFIX}{package}", name)


def state(
    type_: str,
    name: str,
    inputs: dict[str, Any] | None = None,
    *,
    parent: str = ROOT,
    custom: bool = True,
    protect: bool = False,
    retain: bool = False,
    provider_urn: str = "",
    deps: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    urn = pj.make_urn(STACK, PROJECT, type_, name, parent if parent != ROOT else "")
    return {
        "urn": urn,
        "type": type_,
        "custom": custom,
        "parent": parent,
        "provider": pj.provider_reference(provider_urn, pj.UNKNOWN) if provider_urn else "",
        "inputs": inputs or {},
        "protect": protect,
        "retainOnDelete": retain,
        "dependencies": sorted({u for urns in (deps or {}).values() for u in urns}),
        "propertyDependencies": deps or {},
    }


def plan(*states: dict[str, Any]) -> dict[str, Any]:
    base = [
        {"urn": ROOT, "type": pj.STACK_TYPE, "custom": False, "parent": "", "inputs": {}},
        {"urn": PLATFORM, "type": "plinth:index:Platform", "custom": False, "parent": ROOT, "inputs": {}},
    ]
    every = base + list(states)
    return {"steps": [{"op": "create", "urn": s["urn"], "newState": s} for s in every], "diagnostics": []}


def tenant_component(tenant_id: str) -> dict[str, Any]:
    return {"urn": tenant(tenant_id), "type": "plinth:index:Tenant", "custom": False, "parent": PLATFORM, "inputs": {}}
