"""GKE clusters and node pools as the policies read them: which node configurations a resource creates.

A ``gcp:container/cluster:Cluster`` creates its node pools from ``nodePools`` when it lists them, otherwise one
default pool from ``nodeConfig`` (absent: every field at its default) unless ``removeDefaultNodePool`` is set; a
``gcp:container/nodePool:NodePool`` (it names its ``cluster``) is one pool. Autopilot clusters manage their nodes
(shielded, secure boot, Workload Identity metadata, auto-upgrade) and have no node configuration to check.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from policies.props import as_list

CLUSTER = "gcp:container/cluster:Cluster"
NODE_POOL = "gcp:container/nodePool:NodePool"
TYPES = (CLUSTER, NODE_POOL)


def is_node_pool(props: Any) -> bool:
    """A NodePool names the cluster it belongs to; a Cluster has no ``cluster`` property."""
    return props.get("cluster") is not None


def is_autopilot(props: Any) -> bool:
    return props.get("enableAutopilot") is True


def pools(props: Any) -> Iterator[tuple[str, Any]]:
    """(label, pool) for each node pool the resource creates; a pool has ``nodeConfig`` and ``management``.

    The default pool of a cluster without ``nodePools`` is ``{"nodeConfig": <nodeConfig or {}>}``.
    """
    if is_node_pool(props):
        yield "The node pool", props
        return
    if is_autopilot(props):
        return
    listed = as_list(props.get("nodePools"))
    if listed:
        for index, pool in enumerate(listed):
            yield f"Node pool {pool.get('name') or pool.get('namePrefix') or f'#{index}'}", pool
    elif props.get("removeDefaultNodePool") is not True:
        yield "The default node pool", {"nodeConfig": props.get("nodeConfig") or {}}


def node_config(pool: Any) -> Any:
    """The pool's ``nodeConfig`` (an empty mapping when absent: every field at its default)."""
    return pool.get("nodeConfig") or {}
