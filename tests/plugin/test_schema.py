"""The package schema: what every other language sees of Plinth, inferred from the components' annotations.

``schema.json`` is the committed snapshot. A change of a component's arguments or outputs changes it;
an unintended change fails here with a readable diff. When the change is intended (a new argument, a
new component), regenerate it in the same commit and review the diff:

    PLINTH_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/plugin/test_schema.py
    (or: plinth schema --out schema.json)
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import json
import os
import pkgutil
import shutil
import subprocess
import sys
import tomllib
import typing
from pathlib import Path
from typing import Any, Iterator

import pulumi
import pytest
import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version
from pydantic import BaseModel

import components
from components import plugin
from components.args import snake_case
from components.config import MODEL
from scripts import cli
from tests.plugin.unpublishable import Unpublishable

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "schema.json"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return plugin.package_schema()


def properties(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(where, schema name, property) of every input and output of every resource and type."""
    for token, resource in schema["resources"].items():
        for name, prop in resource["inputProperties"].items():
            yield f"{token} input", name, prop
        for name, prop in resource.get("properties", {}).items():
            yield f"{token} output", name, prop
    for token, type_ in schema["types"].items():
        for name, prop in type_.get("properties", {}).items():
            yield token, name, prop


def test_schema_json_is_the_schema_the_code_infers(schema):
    actual = plugin.schema_text(schema)
    if os.environ.get("PLINTH_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(actual, encoding="utf-8")
    expected = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
    if actual != expected:
        diff = "".join(
            list(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "schema.json", "inferred"))[
                :200
            ]
        )
        pytest.fail(
            "the package schema inferred from the components differs from schema.json: a component's arguments or "
            "outputs changed for every YAML/TypeScript/Go/C# user. If that is intended, regenerate with "
            "PLINTH_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/plugin/test_schema.py (or plinth schema --out "
            f"schema.json) and commit the diff:\n{diff}"
        )


def test_the_package_is_plinth_at_the_project_version(schema):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert schema["name"] == "plinth" and schema["version"] == project["version"] == plugin.version()
    assert all(token.startswith("plinth:index:") for token in schema["resources"]), "type tokens are plinth:index:X"
    assert {"Tenant", "MonitoringStack", "ClusterIdentity", "Platform"} <= {
        token.rsplit(":", 1)[1] for token in schema["resources"]
    }


def test_every_property_and_every_type_is_documented(schema):
    undocumented = [f"{where}.{name}" for where, name, prop in properties(schema) if not prop.get("description")]
    assert not undocumented, f"properties without a docstring (users of other languages see nothing): {undocumented}"
    bare_types = [token for token, type_ in schema["types"].items() if not type_.get("description")]
    assert not bare_types, f"argument/output TypedDicts without a class docstring: {bare_types}"
    bare_resources = [token for token, resource in schema["resources"].items() if not resource.get("description")]
    assert not bare_resources, f"components without a class docstring: {bare_resources}"


def _fixed_sets() -> dict[str, list[set[str]]]:
    """Python field name -> the value sets a Literal allows there, from every model of the stack config."""
    found: dict[str, list[set[str]]] = {}
    seen: set[type] = set()

    def literals(annotation: Any) -> list[set[str]]:
        if typing.get_origin(annotation) is typing.Literal:
            return [{str(v) for v in typing.get_args(annotation)}]
        return [s for arg in typing.get_args(annotation) for s in literals(arg)]

    def models(annotation: Any) -> list[type[BaseModel]]:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return [annotation]
        return [m for arg in typing.get_args(annotation) for m in models(arg)]

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            for values in literals(info.annotation):
                found.setdefault(name, []).append(values)
            for nested in models(info.annotation):
                walk(nested)

    walk(MODEL)
    # Sections the stack config keeps as overrides (plain mappings) are validated into these models later.
    from components.backup.spec import BackupPolicy

    walk(BackupPolicy)
    return found


def test_a_value_from_a_fixed_set_is_described_with_every_allowed_value(schema):
    """Where the validation accepts only some values (a Literal in the stack-config models), the
    schema's description lists them, each as code: TypeScript, Go and C# users see only a string."""
    fixed = _fixed_sets()
    assert {"tier", "environment", "distribution", "page_priority", "routes"} <= set(fixed)
    missing = []
    checked = 0
    for where, name, prop in properties(schema):
        sets = fixed.get(snake_case(name))
        if not sets:
            continue
        checked += 1
        text = prop.get("description", "")
        if not any(all(f"`{value}`" in text for value in values) for values in sets):
            missing.append(f"{where}.{name}: {' or '.join(str(sorted(v)) for v in sets)} in {text!r}")
    assert checked >= 12, f"only {checked} fixed-set properties found: the walk lost its way"
    assert not missing, "descriptions that do not list the allowed values:\n" + "\n".join(missing)


def test_every_component_class_under_components_is_published():
    """A ComponentResource outside the published modules would silently stay Python-only."""
    defined = set()
    for info in pkgutil.walk_packages(components.__path__, "components."):
        module = importlib.import_module(info.name)
        defined |= {
            cls
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, pulumi.ComponentResource) and cls.__module__ == module.__name__
        }
    assert defined == set(plugin.published_components()), "every component under components/ is hosted by the plugin"


NEW_COMPONENT = '''
from typing import Optional, TypedDict

import pulumi


class WidgetArgs(TypedDict):
    size: int
    """How big."""


class Widget(pulumi.ComponentResource):
    """A component another branch adds."""

    size: pulumi.Output[int]
    """How big it became."""

    def __init__(self, name: str, args: WidgetArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("plinth:index:Widget", name, None, opts)
        self.size = pulumi.Output.from_input(args["size"])
        self.register_outputs({"size": self.size})
'''


def test_a_new_capability_component_joins_the_plugin_without_editing_it(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "components", copy / "components", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    (copy / "components" / "widget").mkdir()
    (copy / "components" / "widget" / "__init__.py").write_text('"""Widgets."""\n')
    (copy / "components" / "widget" / "component.py").write_text(NEW_COMPONENT)
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); from components import plugin; "
        "s = plugin.package_schema(); "
        "print(json.dumps([sorted(s['resources']), s['resources']['plinth:index:Widget']]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(copy)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    tokens, widget = json.loads(done.stdout)
    assert "plinth:index:Widget" in tokens and "plinth:index:Tenant" in tokens
    assert widget["inputProperties"]["size"] == {"description": "How big.", "plain": True, "type": "integer"}
    assert widget["properties"]["size"]["description"] == "How big it became."


def test_the_plugin_manifest_is_what_the_cli_runs():
    manifest = yaml.safe_load((ROOT / "PulumiPlugin.yaml").read_text())
    assert manifest["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}, (
        "Python component plugins are installed with pip into a virtualenv named venv"
    )
    assert "-e ." in (ROOT / "requirements.txt").read_text().split("\n"), "the plugin's venv installs this project"
    assert "/venv/" in (ROOT / ".gitignore").read_text().split("\n"), "the plugin's venv is never committed"
    assert (ROOT / "__main__.py").is_file(), "the CLI runs `python <plugin dir>`, i.e. the root __main__.py"


def test_the_pinned_sdk_range_holds_the_tested_sdk():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pin = next(d for d in deps if d.startswith("pulumi>") or d.startswith("pulumi="))
    installed = Version(importlib.metadata.version("pulumi"))
    spec = SpecifierSet(pin.removeprefix("pulumi"))
    assert installed in spec, f"the plugin is tested with pulumi {installed}, outside the pinned {pin}"
    assert Version("3.271") not in spec, "releases before the tested one have another ComponentProvider signature"


# --- plinth schema --------------------------------------------------------------------------------------
def test_plinth_schema_prints_the_snapshot(capsys):
    assert cli.main(["schema"]) == 0
    assert capsys.readouterr().out == SNAPSHOT.read_text(encoding="utf-8")


def test_plinth_schema_out_writes_the_file(tmp_path, capsys):
    out = tmp_path / "schema.json"
    assert cli.main(["schema", "--out", str(out)]) == 0
    assert json.loads(out.read_text()) == json.loads(SNAPSHOT.read_text())
    assert capsys.readouterr().err.strip() == f"wrote {out}"


def test_plinth_schema_refuses_an_unwritable_out_before_any_work(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(plugin, "published_components", lambda: pytest.fail("no work before the options are checked"))
    assert cli.main(["schema", "--out", str(tmp_path / "missing" / "schema.json")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "no such directory" in err and len(err.splitlines()) == 1


class FutureArgs(typing.TypedDict):
    size: int
    """Annotations of this module are strings (``from __future__ import annotations``)."""


class StringAnnotated(pulumi.ComponentResource):
    """A component in a module whose annotations are strings."""

    def __init__(self, name: str, args: FutureArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("plinth:index:StringAnnotated", name, None, opts)


@pytest.mark.parametrize(
    ("component", "expected"),
    [
        (Unpublishable, "Union types are not supported: found type 'typing.Union[int, str]' for 'UnionArgs.size'"),
        (StringAnnotated, "remove `from __future__ import annotations` from tests.plugin.test_schema"),
    ],
)
def test_plinth_schema_names_what_it_cannot_express(component, expected, capsys, monkeypatch):
    monkeypatch.setattr(plugin, "published_components", lambda: [component])
    assert cli.main(["schema"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: cannot infer the plinth package schema: ")
    assert expected in captured.err and "Traceback" not in captured.err
    assert len(captured.err.strip().splitlines()) == 1
