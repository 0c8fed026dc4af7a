"""RDS: DB instances, clusters, manual snapshots (with who may restore them) and parameter groups."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, drop_none, tags
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "rds"
GLOBAL = False
INSTANCE = "aws:rds/instance:Instance"
CLUSTER = "aws:rds/cluster:Cluster"
SNAPSHOT = "aws:rds/snapshot:Snapshot"
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
TYPES = (INSTANCE, CLUSTER, SNAPSHOT, PARAMETER_GROUP)
CALLS = (
    Call("rds", "describe_db_instances", "rds:DescribeDBInstances"),
    Call("rds", "describe_db_clusters", "rds:DescribeDBClusters"),
    Call("rds", "describe_db_snapshots", "rds:DescribeDBSnapshots"),
    Call("rds", "describe_db_snapshot_attributes", "rds:DescribeDBSnapshotAttributes"),
    Call("rds", "describe_db_parameter_groups", "rds:DescribeDBParameterGroups"),
    Call("rds", "describe_db_parameters", "rds:DescribeDBParameters"),
)


def instance(db: dict[str, Any]) -> dict[str, Any]:
    return drop_none(
        {
            "identifier": db.get("DBInstanceIdentifier"),
            "engine": db.get("Engine"),
            "engineVersion": db.get("EngineVersion"),
            "instanceClass": db.get("DBInstanceClass"),
            "storageEncrypted": bool(db.get("StorageEncrypted")),
            "kmsKeyId": db.get("KmsKeyId"),
            "publiclyAccessible": bool(db.get("PubliclyAccessible")),
            "deletionProtection": bool(db.get("DeletionProtection")),
            "backupRetentionPeriod": db.get("BackupRetentionPeriod"),
            "multiAz": db.get("MultiAZ"),
            "dbSubnetGroupName": (db.get("DBSubnetGroup") or {}).get("DBSubnetGroupName"),
            "tags": tags(db.get("TagList")),
        }
    )


def cluster(c: dict[str, Any]) -> dict[str, Any]:
    return drop_none(
        {
            "clusterIdentifier": c.get("DBClusterIdentifier"),
            "engine": c.get("Engine"),
            "engineMode": c.get("EngineMode"),
            "storageEncrypted": bool(c.get("StorageEncrypted")),
            "kmsKeyId": c.get("KmsKeyId"),
            "deletionProtection": bool(c.get("DeletionProtection")),
            "backupRetentionPeriod": c.get("BackupRetentionPeriod"),
            "backtrackWindow": c.get("BacktrackWindow"),
            "dbClusterInstanceClass": c.get("DBClusterInstanceClass"),
            "publiclyAccessible": c.get("PubliclyAccessible"),
            "dbSubnetGroupName": c.get("DBSubnetGroup"),
            "globalClusterIdentifier": c.get("GlobalClusterIdentifier"),
            "tags": tags(c.get("TagList")),
        }
    )


def snapshot(s: dict[str, Any], attributes: dict[str, Any]) -> dict[str, Any]:
    shared: list[str] = []
    for attribute in (attributes.get("DBSnapshotAttributesResult") or {}).get("DBSnapshotAttributes") or []:
        if attribute.get("AttributeName") == "restore":
            shared += [str(v) for v in attribute.get("AttributeValues") or []]
    return drop_none(
        {
            "dbSnapshotIdentifier": s.get("DBSnapshotIdentifier"),
            "dbInstanceIdentifier": s.get("DBInstanceIdentifier"),
            "sharedAccounts": shared or None,
            "tags": tags(s.get("TagList")),
        }
    )


def parameter_group(g: dict[str, Any], parameters: list[dict[str, Any]]) -> dict[str, Any]:
    """The parameters the user set (source ``user``): what a program's ``parameters`` list holds."""
    return {
        "name": g.get("DBParameterGroupName"),
        "family": g.get("DBParameterGroupFamily"),
        "parameters": [
            {"name": p["ParameterName"], "value": str(p.get("ParameterValue"))}
            for p in parameters
            if p.get("Source", "user") == "user" and p.get("ParameterValue") is not None
        ],
    }


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    yield from _list(
        ctx, "describe_db_instances", "DBInstances", INSTANCE, instance, "DBInstanceIdentifier", "DBInstanceArn"
    )
    yield from _list(ctx, "describe_db_clusters", "DBClusters", CLUSTER, cluster, "DBClusterIdentifier", "DBClusterArn")
    yield from _snapshots(ctx)
    yield from _parameter_groups(ctx)


def _list(
    ctx: Context, operation: str, key: str, kind: str, shape: Any, id_key: str, arn_key: str
) -> Iterator[Subject | Gap]:
    try:
        items = ctx.pages("rds", operation, key)
    except CallFailed as failure:
        yield ctx.gap(failure, (kind,))
        return
    for item in items:
        action = f"rds:{''.join(p.title() for p in operation.split('_')).replace('Db', 'DB')}"
        yield ctx.subject(kind, shape(item), name=str(item.get(id_key)), arn=str(item.get(arn_key)), calls=(action,))


def _snapshots(ctx: Context) -> Iterator[Subject | Gap]:
    try:
        snapshots = ctx.pages("rds", "describe_db_snapshots", "DBSnapshots", SnapshotType="manual")
    except CallFailed as failure:
        yield ctx.gap(failure, (SNAPSHOT,))
        return
    for s in snapshots:
        sid = str(s.get("DBSnapshotIdentifier"))
        arn = str(s.get("DBSnapshotArn") or ctx.arn("rds", f"snapshot:{sid}"))
        try:
            attributes = ctx.call("rds", "describe_db_snapshot_attributes", DBSnapshotIdentifier=sid)
        except CallFailed as failure:
            yield ctx.gap(failure, (SNAPSHOT,), arn=arn, name=sid)
            continue
        yield ctx.subject(
            SNAPSHOT, snapshot(s, attributes or {}), name=sid, arn=arn,
            calls=("rds:DescribeDBSnapshots", "rds:DescribeDBSnapshotAttributes"),
        )  # fmt: skip


def _parameter_groups(ctx: Context) -> Iterator[Subject | Gap]:
    try:
        groups = ctx.pages("rds", "describe_db_parameter_groups", "DBParameterGroups")
    except CallFailed as failure:
        yield ctx.gap(failure, (PARAMETER_GROUP,))
        return
    for g in groups:
        name = str(g.get("DBParameterGroupName"))
        if name.startswith("default."):
            continue  # AWS's own defaults: not the account's configuration
        arn = str(g.get("DBParameterGroupArn") or ctx.arn("rds", f"pg:{name}"))
        try:
            parameters = ctx.pages(
                "rds", "describe_db_parameters", "Parameters", DBParameterGroupName=name, Source="user"
            )
        except CallFailed as failure:
            yield ctx.gap(failure, (PARAMETER_GROUP,), arn=arn, name=name)
            continue
        yield ctx.subject(
            PARAMETER_GROUP, parameter_group(g, parameters), name=name, arn=arn,
            calls=("rds:DescribeDBParameterGroups", "rds:DescribeDBParameters"),
        )  # fmt: skip
