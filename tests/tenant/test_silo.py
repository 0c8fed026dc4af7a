"""Silo stacks: one stack file per tenant runs the same program."""

from __future__ import annotations

import json

from scripts import engine
from tests.tenant.helpers import named, only, tenant_resources


def test_silo_stack_previews_one_protected_tenant(project_root):
    plan = engine.run_stack("tenant-acme", project_root, preview=True)
    assert [t.name for t in plan.of_type("plinth:index:Tenant")] == ["acme"]
    resources = tenant_resources(plan, "acme")
    bucket = named(resources, "aws:s3/bucket:Bucket", "acme-data")
    assert bucket.inputs["bucket"] == "plinth-prod-acme-data-345678901234"
    assert bucket.protect and bucket.retain_on_delete
    assert bucket.inputs["tags"]["environment"] == "prod"
    provider = only(plan.resources, "pulumi:providers:aws")
    assert provider.inputs["region"] == "eu-central-1"
    # Provider inputs travel JSON-encoded, as the engine sends them.
    assert json.loads(provider.inputs["allowedAccountIds"]) == ["345678901234"]


def test_silo_stack_exports_what_other_stacks_consume(project_root):
    # After apply (non-preview) every identifier is known; in preview the key ARN is not.
    plan = engine.run_stack("tenant-acme", project_root, preview=False)
    acme = plan.outputs_of(plan.stack_urn)["tenants"]["acme"]
    assert acme["namespace"] == "tenant-acme" and acme["serviceAccount"] == "workload"
    assert acme["bucket"] == "plinth-prod-acme-data-345678901234" and acme["region"] == "eu-central-1"
    assert acme["keyArn"].startswith("arn:aws:kms:") and acme["roleArn"].startswith("arn:aws:iam:")
