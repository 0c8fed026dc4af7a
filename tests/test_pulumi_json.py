"""Protocol constants and URN rules in one place, checked against the Pulumi SDKs they come from."""

from __future__ import annotations

import asyncio

import pytest
from pulumi.resource import create_urn
from pulumi.runtime import rpc
from pulumi.runtime.proto import analyzer_pb2

from scripts import pulumi_json as pj
from scripts.console import InputError


def sdk_urn(name: str, type_: str, **kw) -> str:
    """What the Python SDK's create_urn computes (an Output, resolved in an event loop of its own)."""

    async def resolve() -> str:
        return await create_urn(name, type_, **kw).future()

    return asyncio.run(resolve())


def test_sentinels_are_the_sdks():
    assert pj.UNKNOWN == rpc.UNKNOWN, "the unknown sentinel is the one the SDK sends"
    assert pj.SIG_KEY == rpc._special_sig_key
    assert pj.SECRET_SIG == rpc._special_secret_sig
    assert pj.RESOURCE_SIG == rpc._special_resource_sig
    assert pj.OUTPUT_SIG == rpc._special_output_value_sig
    assert pj.ASSET_SIG == rpc._special_asset_sig
    assert pj.ARCHIVE_SIG == rpc._special_archive_sig


def test_enforcement_levels_and_severities_are_the_analyzer_protocols():
    assert {analyzer_pb2.EnforcementLevel.Value(name.upper()): name for name in pj.LEVELS} == pj.LEVEL_NAMES
    assert {v: k for k, v in pj.LEVEL_NAMES.items()} == pj.LEVEL_VALUES
    for value, name in pj.SEVERITY_NAMES.items():
        assert analyzer_pb2.PolicySeverity.Name(value) == f"POLICY_SEVERITY_{(name or 'unspecified').upper()}"


@pytest.mark.parametrize(
    "parent",
    [
        "urn:pulumi:dev::plinth::plinth:index:Platform::plinth",
        "urn:pulumi:dev::plinth::plinth:index:Platform$plinth:index:Tenant::acme",
        "urn:pulumi:dev::plinth::a:b:C$d:e:F$g:h:I::name",
    ],
)
def test_make_urn_follows_create_urn(parent):
    want = sdk_urn("child", "aws:s3/bucket:Bucket", parent=parent)
    assert pj.make_urn("dev", "plinth", "aws:s3/bucket:Bucket", "child", parent) == want


def test_children_of_the_root_stack_carry_no_stack_type():
    stack = "urn:pulumi:dev::plinth::pulumi:pulumi:Stack::plinth-dev"
    assert pj.make_urn("dev", "plinth", "plinth:index:Platform", "plinth", stack) == (
        "urn:pulumi:dev::plinth::plinth:index:Platform::plinth"
    ), "the engine does not qualify top-level resources with the stack's type"


def test_parse_urn_keeps_names_with_separators():
    urn = pj.parse_urn("urn:pulumi:prod::shop::a:b:C$d:e:F::odd::name")
    assert (urn.stack, urn.project, urn.type, urn.name) == ("prod", "shop", "d:e:F", "odd::name")
    assert urn.ancestor_types == ["a:b:C"]
    assert pj.urn_name(str(urn)) == "odd::name"
    for bad in ("", "arn:aws:s3:::x", "urn:pulumi:a::b", 5):
        with pytest.raises(ValueError):
            pj.parse_urn(bad)  # type: ignore[arg-type]


def test_redact_leaves_no_plaintext_and_refuses_bombs():
    envelope = {pj.SIG_KEY: pj.SECRET_SIG, "plaintext": '"hunter2"'}
    assert pj.redact({"a": [envelope, {"b": envelope}], "c": 1}) == {"a": [pj.SECRET, {"b": pj.SECRET}], "c": 1}
    deep: dict = {}
    cur = deep
    for _ in range(pj.MAX_DEPTH + 5):
        cur["x"] = {}
        cur = cur["x"]
    with pytest.raises(InputError, match=r"f.json: steps\[0\].newState.inputs.x.x.*nested deeper than"):
        pj.redact(deep, "steps[0].newState.inputs", "f.json")
