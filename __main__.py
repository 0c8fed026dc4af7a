"""The Plinth Pulumi program: validate the stack config, then build the Platform it declares.

Run it with the Pulumi CLI (`pulumi preview`, `pulumi up -s dev`) or offline with
`plinth preview --stack dev`.
"""

from pathlib import Path

import pulumi

from components.config import ConfigError
from components.stackfiles import load_from_runtime
from components.platform import Platform

try:
    config = load_from_runtime(Path(__file__).resolve().parent)
except ConfigError as err:
    raise pulumi.RunError(str(err)) from None

platform = Platform.from_config("plinth", config)
pulumi.export("environment", config.environment)
pulumi.export("tenants", platform.tenant_outputs)
