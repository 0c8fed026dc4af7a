"""Compute Engine instances and templates as the policies read them: the resource types that create VMs.

Instances, instance templates (global and regional) and instances created from a template all state their network
interfaces, service account and disks the same way (``networkInterfaces[].accessConfigs``, ``serviceAccount``,
``canIpForward``); templates list their disks under ``disks`` rather than ``bootDisk``/``attachedDisks``.
"""

from __future__ import annotations

import re
from typing import Any

INSTANCE_TYPES = (
    "gcp:compute/instance:Instance",
    "gcp:compute/instanceTemplate:InstanceTemplate",
    "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
    "gcp:compute/instanceFromTemplate:InstanceFromTemplate",
)


def is_gke_node(props: Any) -> bool:
    """GKE creates its node VMs (named ``gke-...``) with the node pool's account; the node pool policies judge them."""
    return str(props.get("name") or props.get("namePrefix") or "").startswith("gke-")


#: The Compute Engine default service account (Editor on its project), and how configs name it.
DEFAULT_ACCOUNT = re.compile(r"^(default|\d+-compute@developer\.gserviceaccount\.com)$")


def is_default_account(email: Any) -> bool:
    """An empty email means the default account wherever an account is attached without naming one."""
    return not email or bool(DEFAULT_ACCOUNT.match(str(email)))


def uses_default_account(props: Any) -> bool:
    """The VM attaches a service account and it is the default one (no ``serviceAccount`` block: no account)."""
    account = props.get("serviceAccount")
    return account is not None and not is_gke_node(props) and is_default_account(account.get("email"))
