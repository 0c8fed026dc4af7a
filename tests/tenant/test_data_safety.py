"""Nothing is lost on destroy: stateful resources are retained (and protected for production tiers)."""

from __future__ import annotations

import pytest

from tests.tenant.helpers import STATEFUL, run_platform, stack, tenant, tenant_resources


@pytest.mark.parametrize("tenant_id", ["acme", "globex", "initech", "hooli"])
def test_dev_stack_retains_every_stateful_resource(dev_plan, tenant_id):
    stateful = [r for r in tenant_resources(dev_plan, tenant_id) if r.type in STATEFUL]
    assert stateful
    assert [r.name for r in stateful if not r.retain_on_delete] == []


@pytest.mark.parametrize("tenant_id", ["acme", "globex", "initech"])
def test_cloud_data_is_also_protected_so_removal_stops_with_an_error(dev_plan, tenant_id):
    cloud_stateful = [
        r for r in tenant_resources(dev_plan, tenant_id) if r.type in STATEFUL and not r.type.startswith("kubernetes:")
    ]
    assert cloud_stateful and all(r.protect for r in cloud_stateful)


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_explicit_data_deletion_releases_the_data_of_a_non_production_tenant(cloud):
    plan = run_platform(stack(tenant(cloud=cloud, tier="standard", dataDeletion="delete")))
    stateful = [r for r in tenant_resources(plan, "acme") if r.type in STATEFUL]
    assert stateful and not any(r.retain_on_delete or r.protect for r in stateful)


def test_data_deletion_is_refused_for_production_tiers_and_prod_stacks():
    from components.config import ConfigError, parse

    with pytest.raises(ConfigError, match=r"tenants\[0\]: .*dataDeletion: delete is not allowed for the premium tier"):
        parse(stack(tenant(tier="premium", dataDeletion="delete")), source="test")
    with pytest.raises(ConfigError, match=r"tenants\[0\]\.dataDeletion: tenant data is never deleted in a prod stack"):
        parse(stack(tenant(dataDeletion="delete"), environment="prod"), source="test")
