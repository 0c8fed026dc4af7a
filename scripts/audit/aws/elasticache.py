"""ElastiCache: replication groups (``elasticache.ReplicationGroup``: encryption at rest and in transit)."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, drop_none
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "elasticache"
GLOBAL = False
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
TYPES = (REPLICATION_GROUP,)
CALLS = (Call("elasticache", "describe_replication_groups", "elasticache:DescribeReplicationGroups"),)


def replication_group(g: dict[str, Any]) -> dict[str, Any]:
    return drop_none(
        {
            "replicationGroupId": g.get("ReplicationGroupId"),
            "description": g.get("Description"),
            "engine": g.get("Engine"),
            "atRestEncryptionEnabled": bool(g.get("AtRestEncryptionEnabled")),
            "transitEncryptionEnabled": bool(g.get("TransitEncryptionEnabled")),
            "transitEncryptionMode": g.get("TransitEncryptionMode"),
            "kmsKeyId": g.get("KmsKeyId"),
        }
    )


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        groups = ctx.pages("elasticache", "describe_replication_groups", "ReplicationGroups")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    for g in groups:
        gid = str(g["ReplicationGroupId"])
        arn = str(g.get("ARN") or ctx.arn("elasticache", f"replicationgroup:{gid}"))
        yield ctx.subject(REPLICATION_GROUP, replication_group(g), name=gid, arn=arn, calls=(CALLS[0].action,))
