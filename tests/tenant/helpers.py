"""Queries over a recorded plan that tenant tests share."""

from __future__ import annotations

import copy
import json
from typing import Any

from components import conventions
from components.config import parse
from components.platform import Platform
from scripts import engine

#: Types that hold tenant data or guard it; never deleted unless the spec says so (the one catalogue).
STATEFUL = conventions.STATEFUL_TYPES

#: A stack with a cluster and all three clouds; tests add tenants to it.
BASE_STACK: dict[str, Any] = {
    "environment": "dev",
    "kubernetes": {"oidcIssuerUrl": "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789"},
    "aws": {"region": "eu-west-1", "accountId": "123456789012"},
    "gcp": {"project": "plinth-test-123", "region": "europe-west4", "projectNumber": "123456789012"},
    "azure": {
        "location": "westeurope",
        "tenantId": "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b",
        "subscriptionId": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
    },
}


def tenant(**overrides: Any) -> dict[str, Any]:
    doc = {
        "id": "acme",
        "displayName": "Acme",
        "tier": "standard",
        "costCenter": "cc-1",
        "ownerGroups": {"admins": ["acme-admins"]},
    }
    doc.update(overrides)
    return doc


def stack(*tenants: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    doc = copy.deepcopy(BASE_STACK)
    doc["tenants"] = list(tenants)
    doc.update(overrides)
    return doc


def run_platform(doc: dict[str, Any], *, preview: bool = True) -> engine.Plan:
    cfg = parse(doc, source="test")
    return engine.run(lambda: Platform.from_config("plinth", cfg), stack="test", preview=preview)


def tenant_resources(plan: engine.Plan, tenant_id: str) -> list[engine.Registration]:
    component = next(r for r in plan.of_type("plinth:index:Tenant") if r.name == tenant_id)
    return plan.children(component.urn, recursive=True)


def kubernetes_objects(resources: list[engine.Registration]) -> list[dict[str, Any]]:
    return [r.inputs for r in resources if r.type.startswith("kubernetes:") and not r.type.startswith("pulumi:")]


def of_kind(resources: list[engine.Registration], type_: str) -> list[engine.Registration]:
    return [r for r in resources if r.type == type_]


def only(resources: list[engine.Registration], type_: str) -> engine.Registration:
    found = of_kind(resources, type_)
    assert len(found) == 1, f"expected one {type_}, found {[r.name for r in found]}"
    return found[0]


def named(resources: list[engine.Registration], type_: str, name: str) -> engine.Registration:
    found = [r for r in of_kind(resources, type_) if r.name == name]
    assert len(found) == 1, f"expected one {type_} named {name}, found {[r.name for r in of_kind(resources, type_)]}"
    return found[0]


def policy_document(value: Any) -> dict[str, Any]:
    assert isinstance(value, str) and value != engine.UNKNOWN, f"policy is not a known JSON string: {value!r}"
    return json.loads(value)


def text_of(resources: list[engine.Registration]) -> str:
    return json.dumps([r.inputs for r in resources], sort_keys=True)
