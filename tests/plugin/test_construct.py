"""The plugin as the Pulumi engine meets it: a process that prints its port, then GetSchema and Construct.

A program in YAML or TypeScript reaches a Plinth component only through this conversation: the
engine sends the component's inputs (schema names, camelCase, numbers as doubles) and the address of
its resource monitor; the plugin builds the component there. The children it registers must be the
very resources the Python program creates for the same tenant.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import grpc
import pytest
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import errors_pb2, provider_pb2, status_pb2

from components import plugin
from components.tenant.component import Tenant
from scripts import engine
from scripts import pulumi_json as pj
from tests.plugin.engine_side import EngineSide, PluginProcess
from tests.test_components_args import ACME

#: The tenant of ACME with every kind of argument: nested objects, lists of objects, maps, integers.
TENANT_ARGS: dict[str, Any] = {
    **ACME,
    "owner_groups": {"admins": ["acme-admins"], "viewers": ["acme-auditors"]},
    "compliance": ["gdpr"],
    "data_residency": "eu",
    "quotas": {"cpu": "8", "memory": "32Gi", "pods": 40},
    "allowed_egress": [{"cidr": "52.95.0.0/16", "ports": [443, 8443], "protocol": "TCP"}],
    "tags": {"team": "payments"},
}

#: The same tenant as a YAML or TypeScript program passes it: the schema's names.
TENANT_INPUTS: dict[str, Any] = {
    "id": "acme",
    "displayName": "Acme",
    "tier": "standard",
    "costCenter": "cc-1",
    "ownerGroups": {"admins": ["acme-admins"], "viewers": ["acme-auditors"]},
    "environment": "dev",
    "cloud": "aws",
    "compliance": ["gdpr"],
    "dataResidency": "eu",
    "quotas": {"cpu": "8", "memory": "32Gi", "pods": 40},
    "allowedEgress": [{"cidr": "52.95.0.0/16", "ports": [443, 8443], "protocol": "TCP"}],
    "tags": {"team": "payments"},
    "cluster": {"oidcIssuerUrl": "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789"},
    "aws": {"region": "eu-west-1", "accountId": "123456789012"},
    "stackTags": {"managed-by": "plinth", "environment": "dev", "plinth-stack": "test"},
}


@pytest.fixture(scope="module")
def side() -> Iterator[EngineSide]:
    served = EngineSide(project="plinth", stack="test")
    yield served
    served.close()


@pytest.fixture(scope="module")
def started(side: EngineSide, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PluginProcess]:
    # The engine runs a plugin in the directory of the program that uses it, never in the plugin's own.
    process = PluginProcess(side.address, cwd=tmp_path_factory.mktemp("program"))
    yield process
    code, stderr = process.close()
    assert code in (0, -15), f"the plugin failed (exit {code}):\n{stderr}"


def construct(
    side: EngineSide, started: PluginProcess, type_: str, name: str, inputs: dict[str, Any], *, preview: bool = True
) -> provider_pb2.ConstructResponse:
    side.fresh_monitor(preview=preview)
    struct = struct_pb2.Struct()
    struct.update(inputs)
    request = provider_pb2.ConstructRequest(
        project=side.project,
        stack=side.stack,
        organization="organization",
        dryRun=preview,
        monitorEndpoint=side.address,
        type=type_,
        name=name,
        parent=side.stack_urn,
        inputs=struct,
    )
    return started.stub.Construct(request, timeout=120)


def property_errors(err: grpc.RpcError) -> list[tuple[str, str]]:
    """The (property path, reason) pairs an InputPropertiesError carries to the engine."""
    details = dict(err.trailing_metadata() or ()).get("grpc-status-details-bin")
    assert details, f"the error carries no property details: {err.details()}"
    status = status_pb2.Status.FromString(details)
    found = []
    for detail in status.details:
        errors = errors_pb2.InputPropertiesError()
        detail.Unpack(errors)
        found += [(e.property_path, e.reason) for e in errors.errors]
    return found


def test_the_plugin_starts_as_the_engine_starts_it_and_serves_the_snapshot_schema(started: PluginProcess):
    info = started.stub.GetPluginInfo(empty_pb2.Empty())
    assert info.version == plugin.version(), "the plugin reports the version of pyproject.toml"
    served = json.loads(started.stub.GetSchema(provider_pb2.GetSchemaRequest()).schema)
    snapshot = json.loads((Path(__file__).resolve().parents[2] / "schema.json").read_text())
    assert served == snapshot, "the plugin serves exactly the committed schema.json the SDKs are generated from"
    assert served["name"] == "plinth" and "plinth:index:Tenant" in served["resources"]


def test_construct_registers_the_children_the_python_program_creates(side: EngineSide, started: PluginProcess):
    response = construct(side, started, "plinth:index:Tenant", "acme", TENANT_INPUTS)
    via_plugin = side.plan()
    direct = engine.run(lambda: Tenant("acme", TENANT_ARGS), project="plinth", stack="test")
    expected = [r for r in direct.resources if r.type != engine.STACK_TYPE]

    assert response.urn == direct.one("plinth:index:Tenant").urn
    assert [r.urn for r in via_plugin.resources] == [r.urn for r in expected], (
        "the plugin must register the same resources, with the same names and parents, as the Python program"
    )
    for got, want in zip(via_plugin.resources, expected):
        assert got.to_state() == want.to_state(), (
            f"{got.urn}: inputs, dependencies and options must be those of the Python program "
            "(camelCase inputs mapped back to the args, integers sent as doubles taken as integers)"
        )
    quota = next(r for r in via_plugin.resources if r.type == "kubernetes:core/v1:ResourceQuota")
    assert quota.inputs["spec"]["hard"]["pods"] == "40", "an integer input arrives as 40.0 and must stay 40"
    state = json_format.MessageToDict(response.state)
    assert state["namespace"] == "tenant-acme" and state["serviceAccount"] == "workload", (
        "the component's outputs come back under their schema names"
    )


def test_construct_outputs_use_the_schema_names(side: EngineSide, started: PluginProcess):
    response = construct(side, started, "plinth:index:Tenant", "acme", TENANT_INPUTS, preview=False)
    aws = json_format.MessageToDict(response.state)["aws"]
    assert aws["bucket"] == "plinth-dev-acme-data-123456789012"
    assert aws["roleArn"] == "arn:aws:iam::123456789012:role/plinth-dev-acme-workload", (
        "nested outputs are camelCase as in the schema's TenantAwsOutputs"
    )


def test_bad_inputs_fail_with_the_argument_named_as_in_the_schema(side: EngineSide, started: PluginProcess):
    with pytest.raises(grpc.RpcError) as raised:
        construct(side, started, "plinth:index:Tenant", "acme", {**TENANT_INPUTS, "tier": "gold"})
    err = raised.value
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "Tenant acme: args.tier: Input should be 'free', 'standard', 'premium' or 'enterprise'" in err.details()
    assert ("tier", "Input should be 'free', 'standard', 'premium' or 'enterprise' (found 'gold')") in (
        property_errors(err)
    ), "the engine reports the schema's property path with the same reason a stack file gets"
    assert side.plan().resources == [], "nothing is registered for a tenant with invalid arguments"


def test_a_missing_required_input_is_named(side: EngineSide, started: PluginProcess):
    inputs = {k: v for k, v in TENANT_INPUTS.items() if k != "costCenter"}
    with pytest.raises(grpc.RpcError) as raised:
        construct(side, started, "plinth:index:Tenant", "acme", inputs)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [path for path, _ in property_errors(raised.value)] == ["costCenter"]


def test_a_secret_the_program_passes_inside_an_argument_stays_secret(side: EngineSide, started: PluginProcess):
    """A YAML program's ``routingKey: ${secretConfig}`` reaches the plugin as a secret output value nested in
    the plain ``alerting`` object (the provider accepts output values); the children get a secret, never text."""
    routing_key = {pj.SIG_KEY: pj.OUTPUT_SIG, "value": "pd-routing-key-from-config", "secret": True}
    inputs = {
        "environment": "dev",
        "cluster": {},
        "alerting": {
            "receivers": [{"name": "oncall", "pagerduty": {"routingKey": routing_key}}],
            "routes": {"P0": "oncall", "P1": "oncall", "P2": "oncall", "P3": "oncall"},
        },
    }
    construct(side, started, "plinth:index:MonitoringStack", "mon", inputs)
    plan = side.plan()
    credentials = plan.one("kubernetes:core/v1:Secret", "mon-alertmanager-credentials")
    assert credentials.inputs["stringData"] == engine.SECRET
    assert "pd-routing-key-from-config" not in json.dumps(plan.to_json()), "the key never appears in plain text"
