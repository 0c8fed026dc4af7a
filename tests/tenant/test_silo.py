"""Silo stacks: one stack file per tenant runs the same program."""

from __future__ import annotations

import json

from scripts import engine
from tests.tenant.helpers import only, tenant_resources


def test_silo_stack_previews_one_protected_tenant(project_root):
    plan = engine.run_stack("tenant-acme", project_root, preview=True)
    assert [t.name for t in plan.of_type("plinth:index:Tenant")] == ["acme"]
    resources = tenant_resources(plan, "acme")
    bucket = only(resources, "aws:s3/bucket:Bucket")
    assert bucket.inputs["bucket"] == "plinth-prod-acme-data-345678901234"
    assert bucket.protect and bucket.retain_on_delete
    assert bucket.inputs["tags"]["environment"] == "prod"
    provider = only(plan.resources, "pulumi:providers:aws")
    assert provider.inputs["region"] == "eu-central-1"
    # Provider inputs travel JSON-encoded, as the engine sends them.
    assert json.loads(provider.inputs["allowedAccountIds"]) == ["345678901234"]
    outputs = plan.outputs_of(plan.stack_urn)
    assert outputs["tenants"]["acme"]["namespace"] == "tenant-acme"
