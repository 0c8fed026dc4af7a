"""Malformed inputs through `plinth policy` and `plinth render`: exit 2, a message naming the file,
no traceback, nothing printed as a report, and no child process left (issue 9, "Done when").

Every example is broken by construction - a field of the wrong type, a required key removed, the
text cut short, a byte that is not UTF-8, a value that is not JSON, nesting deeper than anything
the Analyzer protocol carries - so the only right answer is exit code 2.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts import cli
from tests.processes import descendants

SAMPLE = str(Path(__file__).parent / "gate" / "sample_pack")
STACK = "urn:pulumi:dev::plinth::pulumi:pulumi:Stack::plinth-dev"
BUCKET = "urn:pulumi:dev::plinth::test:index:Bucket::logs"

PREVIEW: dict[str, Any] = {
    "steps": [
        {"op": "same", "urn": STACK, "newState": {"urn": STACK, "type": "pulumi:pulumi:Stack", "custom": False}},
        {
            "op": "create",
            "urn": BUCKET,
            "newState": {
                "urn": BUCKET,
                "type": "test:index:Bucket",
                "custom": True,
                "parent": STACK,
                "protect": True,
                "inputs": {"versioned": True, "sizeGb": 1},
                "dependencies": [],
                "propertyDependencies": {},
            },
        },
    ],
    "diagnostics": [{"severity": "info", "message": "hello", "urn": STACK}],
    "changeSummary": {"same": 1, "create": 1},
}
EXPORT: dict[str, Any] = {
    "version": 3,
    "deployment": {
        "manifest": {},
        "resources": [
            {"urn": STACK, "type": "pulumi:pulumi:Stack", "custom": False},
            {
                "urn": BUCKET,
                "type": "test:index:Bucket",
                "custom": True,
                "parent": STACK,
                "protect": True,
                "delete": False,
                "inputs": {"versioned": True},
                "outputs": {"versioned": True, "sizeGb": 1},
                "dependencies": [],
            },
        ],
    },
}
CONFIG: dict[str, Any] = {"all": "advisory", "test-bucket-size-limited": {"enforcementLevel": "mandatory", "maxGb": 5}}

#: (path, the kinds of value allowed there): any other kind makes the document malformed.
PREVIEW_FIELDS = [
    (("steps",), {"list"}),
    (("steps", 1), {"object"}),
    (("steps", 1, "op"), {"string"}),
    (("steps", 1, "urn"), {"string", "null"}),
    (("steps", 1, "newState"), {"object"}),
    (("steps", 1, "newState", "urn"), {"string"}),
    (("steps", 1, "newState", "type"), {"string"}),
    (("steps", 1, "newState", "custom"), {"bool", "null"}),
    (("steps", 1, "newState", "parent"), {"string", "null"}),
    (("steps", 1, "newState", "protect"), {"bool", "null"}),
    (("steps", 1, "newState", "inputs"), {"object", "null"}),
    (("steps", 1, "newState", "dependencies"), {"list", "null"}),
    (("steps", 1, "newState", "propertyDependencies"), {"object", "null"}),
    (("diagnostics",), {"list", "null"}),
    (("diagnostics", 0), {"object"}),
    (("diagnostics", 0, "message"), {"string", "null"}),
    (("changeSummary",), {"object", "null"}),
    (("changeSummary", "create"), set()),  # a count: any JSON value but a whole number is wrong
]
PREVIEW_REQUIRED = [
    ("steps",),
    ("steps", 1, "op"),
    ("steps", 1, "newState"),
    ("steps", 1, "newState", "urn"),
    ("steps", 1, "newState", "type"),
]
EXPORT_FIELDS = [
    (("deployment",), {"object"}),
    (("deployment", "resources"), {"list"}),
    (("deployment", "resources", 1), {"object"}),
    (("deployment", "resources", 1, "urn"), {"string"}),
    (("deployment", "resources", 1, "type"), {"string"}),
    (("deployment", "resources", 1, "custom"), {"bool", "null"}),
    (("deployment", "resources", 1, "delete"), {"bool", "null"}),
    (("deployment", "resources", 1, "protect"), {"bool", "null"}),
    (("deployment", "resources", 1, "inputs"), {"object", "null"}),
    (("deployment", "resources", 1, "outputs"), {"object", "null"}),
    (("deployment", "resources", 1, "parent"), {"string", "null"}),
    (("deployment", "resources", 1, "dependencies"), {"list", "null"}),
]
EXPORT_REQUIRED = [
    ("deployment",),
    ("deployment", "resources"),
    ("deployment", "resources", 1, "urn"),
    ("deployment", "resources", 1, "type"),
]
CONFIG_FIELDS = [(("test-bucket-size-limited",), {"string", "object"}), (("all",), {"string", "object"})]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=6,
)


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "list", dict: "object"}[type(value)]


def set_at(doc: Any, path: tuple, value: Any) -> None:
    for key in path[:-1]:
        doc = doc[key]
    doc[path[-1]] = value


def delete_at(doc: Any, path: tuple) -> None:
    for key in path[:-1]:
        doc = doc[key]
    del doc[path[-1]]


def nested(depth: int) -> Any:
    value: Any = {}
    for i in range(depth):
        value = {"x": value} if i % 2 else [value]
    return value


@st.composite
def broken(draw, base: dict, fields: list, required: list, *, urns: list[tuple] = ()) -> bytes:
    """A JSON document (as bytes) derived from ``base`` and broken by one of several kinds of damage."""
    doc = copy.deepcopy(base)
    damage = draw(
        st.sampled_from(["wrong-type", "missing", "bad-urn", "deep", "truncated", "not-utf8", "not-json", "not-object"])
    )
    if damage == "wrong-type":
        path, allowed = draw(st.sampled_from(fields))
        value = draw(values.filter(lambda v: kind(v) not in allowed and not (not allowed and type(v) is int)))
        set_at(doc, path, value)
    elif damage == "missing":
        delete_at(doc, draw(st.sampled_from(required)))
    elif damage == "bad-urn" and urns:
        set_at(
            doc,
            draw(st.sampled_from(list(urns))),
            draw(st.text(max_size=30).filter(lambda t: not t.startswith("urn:pulumi:"))),
        )
    elif damage == "deep" and urns:
        set_at(doc, draw(st.sampled_from(list(urns)))[:-1] + ("inputs",), {"v": nested(draw(st.integers(70, 400)))})
    text = json.dumps(doc)
    if damage == "truncated":
        return text[: draw(st.integers(0, len(text) - 1))].encode()
    if damage == "not-utf8":
        at = draw(st.integers(0, len(text)))
        return text[:at].encode() + bytes([draw(st.integers(0x80, 0xFF))]) + text[at:].encode()
    if damage == "not-json":  # a member whose value JSON does not have
        return (text[:-1] + ', "x": ' + draw(st.sampled_from(["NaN", "Infinity", "True", "undefined"])) + "}").encode()
    if damage == "not-object":
        return json.dumps(draw(values.filter(lambda v: not isinstance(v, dict)))).encode()
    if damage in ("bad-urn", "deep") and not urns:
        delete_at(doc, draw(st.sampled_from(required)))
        return json.dumps(doc).encode()
    return text.encode()


PREVIEW_URNS = [("steps", 1, "newState", "urn")]
EXPORT_URNS = [("deployment", "resources", 1, "urn")]


def assert_refused(capsys, argv: list[str], named: Path) -> None:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    assert code == 2, f"expected exit 2, got {code}: {err}"
    assert out == "", "nothing is printed as a report"
    assert "Traceback" not in err, err
    assert str(named) in err, f"the message names {named}: {err}"
    left = [c for c in descendants() if "pulumi.policy" in c or "scripts.engine" in c]
    assert left == [], f"child processes left: {left}"


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(data=broken(PREVIEW, PREVIEW_FIELDS, PREVIEW_REQUIRED, urns=PREVIEW_URNS))
def test_malformed_preview_json(tmp_path, capsys, data):
    path = tmp_path / "preview.json"
    path.write_bytes(data)
    assert_refused(capsys, ["policy", "--preview-json", str(path), "--pack", SAMPLE], path)
    assert_refused(capsys, ["render", str(path)], path)
    assert_refused(capsys, ["render", str(path), "--format", "text", "--details"], path)


@FUZZ
@given(data=broken(EXPORT, EXPORT_FIELDS, EXPORT_REQUIRED, urns=EXPORT_URNS))
def test_malformed_stack_exports(tmp_path, capsys, data):
    path = tmp_path / "state.json"
    path.write_bytes(data)
    assert_refused(capsys, ["policy", "--state", str(path), "--pack", SAMPLE], path)


@FUZZ
@given(data=broken(CONFIG, CONFIG_FIELDS, [("all",)]), level=st.text(max_size=12))
def test_malformed_policy_configs(tmp_path, capsys, data, level):
    preview = tmp_path / "preview.json"
    preview.write_text(json.dumps(PREVIEW))
    config = tmp_path / "policy-config.json"
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        doc = None
    if isinstance(doc, dict) and doc == {"test-bucket-size-limited": CONFIG["test-bucket-size-limited"]}:
        # Removing "all" leaves a valid config: break the level instead.
        doc["test-bucket-size-limited"]["enforcementLevel"] = (
            level if level not in ("advisory", "mandatory", "remediate", "disabled") else "loud"
        )
        data = json.dumps(doc).encode()
    config.write_bytes(data)
    assert_refused(
        capsys, ["policy", "--preview-json", str(preview), "--pack", SAMPLE, "--policy-config", str(config)], config
    )
