"""A component whose arguments no package schema can express (a Union), for the error path of ``plinth schema``.

No ``from __future__ import annotations`` here: the analyzer must see the real Union to refuse it.
"""

from typing import Optional, TypedDict, Union

import pulumi


class UnionArgs(TypedDict):
    size: Union[int, str]
    """A Union: no schema type expresses it."""


class Unpublishable(pulumi.ComponentResource):
    """A component whose arguments the schema cannot express."""

    def __init__(self, name: str, args: UnionArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("plinth:index:Unpublishable", name, None, opts)
