"""Redshift: clusters (``redshift.Cluster``: public access, encryption key)."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, drop_none, tags
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "redshift"
GLOBAL = False
CLUSTER = "aws:redshift/cluster:Cluster"
TYPES = (CLUSTER,)
CALLS = (Call("redshift", "describe_clusters", "redshift:DescribeClusters"),)


def cluster(c: dict[str, Any]) -> dict[str, Any]:
    return drop_none(
        {
            "clusterIdentifier": c.get("ClusterIdentifier"),
            "nodeType": c.get("NodeType"),
            "publiclyAccessible": bool(c.get("PubliclyAccessible")),
            "encrypted": bool(c.get("Encrypted")),
            "kmsKeyId": c.get("KmsKeyId"),
            "tags": tags(c.get("Tags")),
        }
    )


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        clusters = ctx.pages("redshift", "describe_clusters", "Clusters")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    for c in clusters:
        cid = str(c["ClusterIdentifier"])
        arn = str(c.get("ClusterNamespaceArn") or ctx.arn("redshift", f"cluster:{cid}"))
        yield ctx.subject(
            CLUSTER,
            cluster(c),
            name=cid,
            arn=ctx.arn("redshift", f"cluster:{cid}"),
            calls=(CALLS[0].action,),
            ids=(arn,),
        )
