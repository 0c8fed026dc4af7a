"""The Plinth Pulumi program: validate the stack config, then build the Platform it declares.

Run it with the Pulumi CLI (`pulumi preview`, `pulumi up -s dev`) or offline with
`plinth preview --stack dev`.

This directory is also the plinth plugin (PulumiPlugin.yaml): when a program in another language
uses Plinth, the Pulumi CLI starts this file as `python <this directory> <engine address>`, outside
any deployment; it then hosts the components instead (components/plugin.py).
"""

from pathlib import Path

import pulumi

from components import plugin
from components.config import ConfigError
from components.platform import Platform
from components.stackfiles import load_from_runtime


def program() -> None:
    try:
        config = load_from_runtime(Path(__file__).resolve().parent)
    except ConfigError as err:
        raise pulumi.RunError(str(err)) from None

    platform = Platform.from_config("plinth", config)
    pulumi.export("environment", config.environment)
    pulumi.export("tenants", platform.tenant_outputs)


if plugin.started_as_plugin():
    plugin.serve()
else:
    program()
