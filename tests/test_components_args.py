"""Components called directly, as a program in any language would call them through the plugin:
plain-typed args, validated inside with the stack config's own rules, typed outputs."""

from __future__ import annotations

import json
import subprocess
import sys

import pulumi
import pytest

from components.capability import Capability, in_dependency_order
from components.monitoring.component import MonitoringStack
from components.tenant.component import Tenant
from scripts import engine
from tests.monitoring.test_slo_rules import AVAILABILITY
from tests.tenant.helpers import run_platform, stack, tenant, tenant_resources

ACME = {
    "id": "acme",
    "display_name": "Acme",
    "tier": "standard",
    "cost_center": "cc-1",
    "owner_groups": {"admins": ["acme-admins"]},
    "environment": "dev",
    "cloud": "aws",
    "cluster": {"oidc_issuer_url": "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789"},
    "aws": {"region": "eu-west-1", "account_id": "123456789012"},
    "stack_tags": {"managed-by": "plinth", "environment": "dev", "plinth-stack": "test"},
}


def _shape(resources):
    return sorted((r.type, r.name, json.dumps(r.inputs, sort_keys=True)) for r in resources)


def test_a_tenant_called_directly_creates_what_the_stack_config_creates():
    direct = engine.run(lambda: Tenant("acme", ACME), stack="test")
    via_stack = run_platform(stack(tenant(cloud="aws", tier="standard", costCenter="cc-1", displayName="Acme")))
    component = direct.one("plinth:index:Tenant")
    assert _shape(direct.children(component.urn, recursive=True)) == _shape(tenant_resources(via_stack, "acme")), (
        "the same tenant spec must give the same resources whether it comes from a stack file or a program's args"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tier": "gold"}, "args.tier: Input should be 'free', 'standard', 'premium' or 'enterprise' (found 'gold')"),
        ({"owner_groups": {"admins": []}}, "args.owner_groups.admins: List should have at least 1 item"),
        ({"cost_centre": "x"}, "args.cost_centre: unknown key"),
        ({"aws": {"region": "eu-west-1", "account_id": "12"}}, "args.aws.account_id: String should match pattern"),
        ({"aws": None}, "args.cloud: tenant uses aws but args has no aws settings"),
        ({"region": "us-east-1", "compliance": ["gdpr"]}, "args.region: GDPR tenants must be in an EU region"),
        ({"cluster": {}}, "args.cluster.oidc_issuer_url: tenant 'acme' needs workload identity on aws"),
        ({"environment": "production"}, "args.environment: must be dev, staging or prod"),
    ],
)
def test_bad_tenant_args_fail_with_a_resource_error_naming_the_argument(change, message):
    args = {k: v for k, v in {**ACME, **change}.items() if v is not None}
    with pytest.raises(pulumi.InputPropertiesError) as err:
        engine.run(lambda: Tenant("acme", args), stack="test")
    assert message in str(err.value), str(err.value)
    assert str(err.value).startswith("Tenant acme: ")
    path = message.split(":", 1)[0].removeprefix("args.")
    camel = ".".join(p.split("_")[0] + "".join(w.title() for w in p.split("_")[1:]) for p in path.split("."))
    assert camel in [e["property_path"] for e in err.value.errors], "the engine gets the schema's property path"


def test_tenant_outputs_are_typed_per_cloud():
    seen = {}

    def program():
        t = Tenant("acme", ACME)
        seen["tenant"] = t
        pulumi.export("aws", t.aws)
        pulumi.export("namespace", t.namespace)

    plan = engine.run(program, stack="test", preview=False)
    outputs = plan.outputs_of(plan.stack_urn)
    assert outputs["namespace"] == "tenant-acme"
    assert outputs["aws"]["bucket"] == "plinth-dev-acme-data-123456789012"
    assert outputs["aws"]["role_arn"] == "arn:aws:iam::123456789012:role/plinth-dev-acme-workload"
    assert seen["tenant"].gcp is None and seen["tenant"].azure is None


def test_monitoring_called_directly_validates_its_args():
    args = {"environment": "dev", "slos": [{**AVAILABILITY, "tenant": None}], "cluster": {}}
    args["slos"][0] = {k: v for k, v in args["slos"][0].items() if v is not None}
    plan = engine.run(lambda: MonitoringStack("mon", args), stack="test")
    assert plan.one("kubernetes:monitoring.coreos.com/v1:PrometheusRule")
    bad = {"environment": "dev", "slos": [{**args["slos"][0], "objective": 100}]}
    with pytest.raises(pulumi.InputPropertiesError, match=r"MonitoringStack mon: args\.slos\[0\]\.objective"):
        engine.run(lambda: MonitoringStack("mon", bad), stack="test")
    with pytest.raises(pulumi.InputPropertiesError, match=r"args: SLOs need a cluster"):
        engine.run(lambda: MonitoringStack("mon", {"environment": "dev", "slos": args["slos"]}), stack="test")


def test_a_receiver_credential_passed_as_an_output_stays_secret():
    def program():
        key = pulumi.Output.from_input("pd-key-from-another-resource")
        MonitoringStack(
            "mon",
            {
                "environment": "dev",
                "cluster": {},
                "alerting": {
                    "receivers": [{"name": "oncall", "pagerduty": {"routing_key": key}}],
                    "routes": {"P0": "oncall", "P1": "oncall", "P2": "oncall", "P3": "oncall"},
                },
            },
        )

    plan = engine.run(program, stack="test", preview=False)
    assert plan.one("kubernetes:core/v1:Secret", "mon-alertmanager-credentials").inputs["stringData"] == "[secret]"
    assert "pd-key-from-another-resource" not in json.dumps(plan.to_json())


def test_reading_the_stack_config_model_imports_no_provider_sdk():
    code = (
        "import sys; import components.config, components.stackfiles;"
        "heavy = [m for m in ('pulumi_aws', 'pulumi_gcp', 'pulumi_azure_native', 'pulumi_kubernetes', "
        "'grafana_foundation_sdk') if m in sys.modules]; print(','.join(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "", f"the config model pulled in {done.stdout.strip()}"


def test_capabilities_are_built_after_those_they_read():
    a, b, c = (
        Capability(key=k, annotation=None, after=after) for k, after in (("a", ()), ("b", ("c",)), ("c", ("a",)))
    )
    assert [x.key for x in in_dependency_order([b, c, a])] == ["a", "c", "b"]
    with pytest.raises(ValueError, match="depend on each other"):
        in_dependency_order(
            [Capability(key="x", annotation=None, after=("y",)), Capability(key="y", annotation=None, after=("x",))]
        )


def _component_classes():
    import importlib
    import inspect
    import pkgutil

    import components

    found = []
    for info in pkgutil.walk_packages(components.__path__, "components."):
        module = importlib.import_module(info.name)
        found += [
            c
            for _, c in inspect.getmembers(module, inspect.isclass)
            if issubclass(c, pulumi.ComponentResource) and c.__module__ == module.__name__
        ]
    return sorted(found, key=lambda c: c.__name__)


def test_every_component_publishes_a_schema_other_languages_can_use():
    """component_provider_host infers the package schema from the annotations: they must be real types
    (no ``from __future__ import annotations`` in a component module), TypedDicts of plain types."""
    from pulumi.provider.experimental.component import ComponentProvider

    classes = _component_classes()
    assert {c.__name__ for c in classes} >= {"Tenant", "MonitoringStack", "ClusterIdentity", "Platform"}
    schema = json.loads(ComponentProvider(classes, "plinth", version="0.0.0").schema)
    for cls in classes:
        resource = schema["resources"][f"plinth:index:{cls.__name__}"]
        assert resource["inputProperties"], f"{cls.__name__} declares no arguments"
        undocumented = [k for k, v in resource["inputProperties"].items() if not v.get("description")]
        assert not undocumented, f"{cls.__name__}: arguments without a docstring: {undocumented}"
