"""Plinth as a Pulumi plugin: its components for Pulumi YAML, TypeScript, Go and C# programs.

The Pulumi CLI hosts Python components as a *source-based plugin*: ``PulumiPlugin.yaml`` at the
project root says the plugin is Python; ``pulumi package add <this directory or its git URL>``
installs it with pip (``requirements.txt``) into a virtualenv named ``venv`` and starts it as
``venv/bin/python <plugin directory> <engine address>``, which runs the root ``__main__.py``. That
file is also the Plinth Pulumi program, so it first asks :func:`started_as_plugin` and, when the
CLI started it as the plugin, hands over to :func:`serve`.

The plugin serves the package schema that ``pulumi.provider.experimental`` infers from the
components' type annotations (TypedDict args of plain types, annotated ``pulumi.Output`` outputs,
docstrings as descriptions); the language SDKs are generated from it. :func:`package_schema` builds
the same schema without the CLI (``plinth schema``; the snapshot ``schema.json`` is checked in CI).

Which components are published is found, not listed: every ``pulumi.ComponentResource`` defined in
a module named ``component``, ``identity`` or ``platform`` anywhere under ``components/``. A new
capability's ``components/<capability>/component.py`` joins the plugin without editing this file.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import sys
import tomllib
from pathlib import Path
from typing import Any

import pulumi
from pulumi.errors import InputPropertiesError, InputPropertyError
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.provider import ConstructResult
from pulumi.provider.server import ComponentInitError

from components import conventions

#: The package name: type tokens are ``plinth:index:<ClassName>``.
PACKAGE = conventions.PACKAGE
#: Modules (last part of the dotted name) whose ComponentResources are published.
#: Every ComponentResource defined under components/ is published (a component module per component).
_ROOT = Path(__file__).resolve().parent.parent


class PlinthProvider(ComponentProvider):
    """The SDK's component provider (schema inferred from the annotations), with argument errors kept.

    ``ComponentProvider.construct`` wraps whatever a component raises in ``ComponentInitError``, so
    the provider server reports a component's ``InputPropertiesError`` (a bad ``tier``) as an
    unexpected exception with a traceback, and the engine loses the property paths. Unwrapped, the
    engine shows the schema path and the same reason a stack file gets.
    """

    def construct(
        self, name: str, resource_type: str, inputs: Any, options: pulumi.ResourceOptions | None = None
    ) -> ConstructResult:
        try:
            return super().construct(name, resource_type, inputs, options)
        except ComponentInitError as err:
            if isinstance(err.inner, (InputPropertiesError, InputPropertyError)):
                raise err.inner from None
            raise


def published_components() -> list[type[pulumi.ComponentResource]]:
    """The components the plugin hosts, by class name (their type tokens' last part)."""
    import components

    found: dict[str, type[pulumi.ComponentResource]] = {}
    for info in pkgutil.walk_packages(components.__path__, "components."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, pulumi.ComponentResource) and cls.__module__ == module.__name__:
                if cls.__name__ in found:
                    raise ValueError(
                        f"two components are named {cls.__name__} ({found[cls.__name__].__module__} and "
                        f"{cls.__module__}): the type token plinth:index:{cls.__name__} must name one"
                    )
                found[cls.__name__] = cls
    return [found[name] for name in sorted(found)]


def version() -> str:
    """The package version: ``project.version`` of the project's pyproject.toml (else the installed one)."""
    pyproject = _ROOT / "pyproject.toml"
    if pyproject.is_file():
        return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
    from importlib import metadata

    return metadata.version(PACKAGE)


def provider(components: list[type[pulumi.ComponentResource]] | None = None) -> PlinthProvider:
    """The provider the plugin serves: the published components, package ``plinth``, the project's version."""
    hosted = published_components() if components is None else components
    for cls in hosted:
        annotation = inspect.get_annotations(cls.__init__).get("args")
        if isinstance(annotation, str):
            # The analyzer would fail with "'str' object has no attribute '__mro__'".
            raise ValueError(
                f"{cls.__module__}.{cls.__name__}: the annotation of args is the string {annotation!r}, not a type; "
                f"the schema is inferred from real annotations: remove `from __future__ import annotations` "
                f"from {cls.__module__}"
            )
    return PlinthProvider(hosted, PACKAGE, version=version())


def package_schema(components: list[type[pulumi.ComponentResource]] | None = None) -> dict[str, Any]:
    """The Pulumi package schema the plugin serves (GetSchema), inferred from the components' annotations."""
    return json.loads(provider(components).schema or "{}")


def schema_text(schema: dict[str, Any]) -> str:
    """The schema as written to ``schema.json``: indented, keys sorted, so a change reads as a small diff."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def started_as_plugin() -> bool:
    """Whether this process runs the plugin rather than a Pulumi program.

    A Pulumi program (``pulumi up``/``preview``, ``plinth preview``) starts with the SDK already
    connected to the deployment's resource monitor; the plugin starts in a fresh interpreter that
    the CLI gives only the engine's address (``python <plugin dir> <engine address> [flags]``).
    """
    from pulumi.runtime import settings

    return settings.get_monitor() is None


def serve() -> None:
    """Host the published components as the ``plinth`` provider until the engine stops it.

    Prints the port of its gRPC server on stdout (the engine reads it) and serves GetSchema and
    Construct. Without an engine address it says how the file is meant to be run, and exits 2.
    """
    arguments = [a for a in sys.argv[1:] if not a.startswith("-")]
    if not arguments:
        sys.stderr.write(
            "error: no Pulumi deployment runs this program and no engine address was given: run the program "
            "with `pulumi up` or `plinth preview`; the Pulumi CLI starts this directory as the plinth plugin "
            "(`pulumi package add`) with the engine's address\n"
        )
        raise SystemExit(2)
    from pulumi.provider import main

    # What pulumi.provider.experimental.component_provider_host does, with PlinthProvider.
    main(provider(), sys.argv[1:])


__all__ = [
    "PACKAGE",
    "PlinthProvider",
    "package_schema",
    "provider",
    "published_components",
    "schema_text",
    "serve",
    "started_as_plugin",
    "version",
]
