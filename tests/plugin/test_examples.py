"""The example programs in other languages use Plinth as the package schema says, and their values are valid.

Neither example can run here (no Pulumi CLI, no generated SDK), so they are checked against
``schema.json``: every resource type, property name (nested objects, lists and maps included), value
kind, required property and output read. Their argument values then go through the plugin's own
provider, in process under the offline engine, exactly as Construct would hand them to the component:
an example that the component's validation would refuse fails here with the component's message.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.errors import InputPropertiesError, InputPropertyError

from components import plugin
from scripts import engine
from tests.plugin.example_programs import (
    Expr,
    Program,
    Resource,
    read_typescript_program,
    read_yaml_program,
    schema_problems,
    sdk_names,
)

ROOT = Path(__file__).resolve().parents[2]
YAML = ROOT / "examples" / "yaml" / "Pulumi.yaml"
TYPESCRIPT = ROOT / "examples" / "typescript" / "index.ts"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads((ROOT / "schema.json").read_text())


PROGRAMS = {"yaml": lambda: read_yaml_program(YAML), "typescript": lambda: read_typescript_program(TYPESCRIPT)}


@pytest.mark.parametrize("language", sorted(PROGRAMS))
def test_the_example_uses_tenant_and_monitoring_as_the_schema_defines_them(language, schema):
    program = PROGRAMS[language]()
    types = sorted(r.type for r in program.resources.values())
    assert types == ["plinth:index:MonitoringStack", "plinth:index:Tenant"], types
    problems = [p for resource in program.resources.values() for p in schema_problems(schema, resource)]
    assert not problems, f"{program.path.relative_to(ROOT)} does not match schema.json:\n" + "\n".join(problems)
    reads = {tuple(path) for r in program.resources.values() for path in r.reads}
    assert reads, "the example reads the components' outputs"


@pytest.mark.parametrize("language", sorted(PROGRAMS))
def test_the_example_installs_the_plugin_from_this_repository(language):
    program = PROGRAMS[language]()
    source = (program.path.parent / program.packages["plinth"]).resolve()
    assert source == ROOT and (source / "PulumiPlugin.yaml").is_file(), (
        "`packages: plinth:` must point at the plugin (the directory holding PulumiPlugin.yaml)"
    )


def test_the_typescript_example_uses_only_names_the_generated_sdk_has(schema):
    components = {token.rsplit(":", 1)[1] for token in schema["resources"]}
    known = components | {f"{c}Args" for c in components}
    assert set(sdk_names(TYPESCRIPT)) <= known, (
        f"not in the SDK generated from schema.json: {set(sdk_names(TYPESCRIPT)) - known}"
    )
    assert "TenantArgs" in sdk_names(TYPESCRIPT), "the example shows the generated SDK's argument type"


def _resolve(value: Any, program: Program) -> Any:
    """A program value as Construct would receive it: config from the project's defaults, secrets as secrets."""
    if isinstance(value, dict):
        return {k: _resolve(v, program) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, program) for v in value]
    if not isinstance(value, Expr):
        return value
    reference = value.config_key()
    assert reference is not None, f"{program.path.name}: the check cannot stand in for {value.text!r}"
    key, secret = reference
    declared = program.config[key]
    secret = secret or bool(declared.get("secret"))
    if "default" in declared:
        return pulumi.Output.secret(declared["default"]) if secret else declared["default"]
    assert secret, f"{program.path.name}: config {key} has no default; give it one so the example runs as it is"
    return pulumi.Output.secret(f"example-{key}")


@pytest.mark.parametrize("language", sorted(PROGRAMS))
def test_the_example_values_pass_the_components_validation(language):
    program = PROGRAMS[language]()
    provider = plugin.provider()

    def run() -> None:
        for resource in program.resources.values():
            provider.construct(resource.name, resource.type, _resolve(resource.properties, program))

    try:
        plan = engine.run(run, project=program.path.parent.name, stack="example")
    except (InputPropertiesError, InputPropertyError) as err:
        pytest.fail(f"{program.path.relative_to(ROOT)}: the components refuse the example's values: {err}")
    tenant = plan.one("plinth:index:Tenant")
    assert plan.children(tenant.urn, recursive=True), "the example's tenant creates its resources"
    monitoring = plan.one("plinth:index:MonitoringStack")
    kinds = {r.type for r in plan.children(monitoring.urn, recursive=True)}
    assert "kubernetes:monitoring.coreos.com/v1:PrometheusRule" in kinds, "the example's SLO becomes rules"
    credentials = next(
        r for r in plan.of_type("kubernetes:core/v1:Secret") if r.name.endswith("-alertmanager-credentials")
    )
    assert credentials.inputs["stringData"] == engine.SECRET, "the routing key from secret config stays secret"


def _resource(program: Program, type_: str) -> Resource:
    return next(r for r in program.resources.values() if r.type == type_)


def test_a_misspelt_property_is_caught(schema):
    """The check itself: a nested typo, a wrong kind and a missing required property are each reported."""
    tenant = _resource(read_yaml_program(YAML), "plinth:index:Tenant")
    broken = Resource(
        tenant.name,
        tenant.type,
        {
            **{k: v for k, v in tenant.properties.items() if k != "costCenter"},
            "ownerGroups": {"admin": ["x"]},
            "quotas": {"pods": "80"},
        },
        reads=[["aws", "bucketName"]],
    )
    problems = schema_problems(schema, broken)
    assert "acme (plinth:index:Tenant).costCenter: required by the schema, not set" in problems
    assert "acme (plinth:index:Tenant).ownerGroups.admin: no such property (did you mean admins?)" in problems
    assert "acme (plinth:index:Tenant).ownerGroups.admins: required by the schema, not set" in problems
    assert "acme (plinth:index:Tenant).quotas.pods: expected integer, found '80'" in problems
    assert any("reads output 'bucketName'" in p for p in problems), problems
