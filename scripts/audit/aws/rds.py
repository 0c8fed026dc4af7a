"""RDS: DB instances (an Aurora cluster's members as ``rds.ClusterInstance``), clusters (DocumentDB ones as
``docdb.Cluster``, which the RDS API also lists), manual instance and cluster snapshots (with who may
restore them) and the account's own parameter groups of instances and clusters."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, drop_none, tags
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "rds"
GLOBAL = False
INSTANCE = "aws:rds/instance:Instance"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
CLUSTER = "aws:rds/cluster:Cluster"
DOCDB_CLUSTER = "aws:docdb/cluster:Cluster"
SNAPSHOT = "aws:rds/snapshot:Snapshot"
CLUSTER_SNAPSHOT = "aws:rds/clusterSnapshot:ClusterSnapshot"
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
TYPES = (
    INSTANCE,
    CLUSTER_INSTANCE,
    CLUSTER,
    DOCDB_CLUSTER,
    SNAPSHOT,
    CLUSTER_SNAPSHOT,
    PARAMETER_GROUP,
    CLUSTER_PARAMETER_GROUP,
)
CALLS = (
    Call("rds", "describe_db_instances", "rds:DescribeDBInstances"),
    Call("rds", "describe_db_clusters", "rds:DescribeDBClusters"),
    Call("rds", "describe_db_snapshots", "rds:DescribeDBSnapshots"),
    Call("rds", "describe_db_snapshot_attributes", "rds:DescribeDBSnapshotAttributes"),
    Call("rds", "describe_db_parameter_groups", "rds:DescribeDBParameterGroups"),
    Call("rds", "describe_db_parameters", "rds:DescribeDBParameters"),
    Call("rds", "describe_db_cluster_snapshots", "rds:DescribeDBClusterSnapshots"),
    Call("rds", "describe_db_cluster_snapshot_attributes", "rds:DescribeDBClusterSnapshotAttributes"),
    Call("rds", "describe_db_cluster_parameter_groups", "rds:DescribeDBClusterParameterGroups"),
    Call("rds", "describe_db_cluster_parameters", "rds:DescribeDBClusterParameters"),
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


def cluster_instance(db: dict[str, Any]) -> dict[str, Any]:
    """An Aurora cluster's member: what ``rds.ClusterInstance`` declares."""
    return drop_none(
        {
            "identifier": db.get("DBInstanceIdentifier"),
            "clusterIdentifier": db.get("DBClusterIdentifier"),
            "engine": db.get("Engine"),
            "instanceClass": db.get("DBInstanceClass"),
            "publiclyAccessible": bool(db.get("PubliclyAccessible")),
            "tags": tags(db.get("TagList")),
        }
    )


def _shared(attributes: list[dict[str, Any]]) -> list[str] | None:
    found = [str(v) for a in attributes if a.get("AttributeName") == "restore" for v in a.get("AttributeValues") or []]
    return found or None


def snapshot(s: dict[str, Any], attributes: dict[str, Any]) -> dict[str, Any]:
    listed = (attributes.get("DBSnapshotAttributesResult") or {}).get("DBSnapshotAttributes") or []
    return drop_none(
        {
            "dbSnapshotIdentifier": s.get("DBSnapshotIdentifier"),
            "dbInstanceIdentifier": s.get("DBInstanceIdentifier"),
            "sharedAccounts": _shared(listed),
            "tags": tags(s.get("TagList")),
        }
    )


def cluster_snapshot(s: dict[str, Any], attributes: dict[str, Any]) -> dict[str, Any]:
    listed = (attributes.get("DBClusterSnapshotAttributesResult") or {}).get("DBClusterSnapshotAttributes") or []
    return drop_none(
        {
            "dbClusterSnapshotIdentifier": s.get("DBClusterSnapshotIdentifier"),
            "dbClusterIdentifier": s.get("DBClusterIdentifier"),
            "sharedAccounts": _shared(listed),
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
    yield from _instances(ctx)
    yield from _clusters(ctx)
    yield from _snapshots(ctx)
    yield from _cluster_snapshots(ctx)
    yield from _parameter_groups(ctx, PARAMETER_GROUP)
    yield from _parameter_groups(ctx, CLUSTER_PARAMETER_GROUP)


def _instances(ctx: Context) -> Iterator[Subject | Gap]:
    try:
        items = ctx.pages("rds", "describe_db_instances", "DBInstances")
    except CallFailed as failure:
        yield ctx.gap(failure, (INSTANCE, CLUSTER_INSTANCE))
        return
    for db in items:
        member = bool(db.get("DBClusterIdentifier"))
        yield ctx.subject(
            CLUSTER_INSTANCE if member else INSTANCE,
            cluster_instance(db) if member else instance(db),
            name=str(db.get("DBInstanceIdentifier")),
            arn=str(db.get("DBInstanceArn")),
            calls=("rds:DescribeDBInstances",),
        )


def _clusters(ctx: Context) -> Iterator[Subject | Gap]:
    try:
        items = ctx.pages("rds", "describe_db_clusters", "DBClusters")
    except CallFailed as failure:
        yield ctx.gap(failure, (CLUSTER, DOCDB_CLUSTER))
        return
    for c in items:
        kind = DOCDB_CLUSTER if c.get("Engine") == "docdb" else CLUSTER
        yield ctx.subject(
            kind,
            cluster(c),
            name=str(c.get("DBClusterIdentifier")),
            arn=str(c.get("DBClusterArn")),
            calls=("rds:DescribeDBClusters",),
        )


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


def _cluster_snapshots(ctx: Context) -> Iterator[Subject | Gap]:
    try:
        snapshots = ctx.pages("rds", "describe_db_cluster_snapshots", "DBClusterSnapshots", SnapshotType="manual")
    except CallFailed as failure:
        yield ctx.gap(failure, (CLUSTER_SNAPSHOT,))
        return
    for s in snapshots:
        sid = str(s.get("DBClusterSnapshotIdentifier"))
        arn = str(s.get("DBClusterSnapshotArn") or ctx.arn("rds", f"cluster-snapshot:{sid}"))
        try:
            attributes = ctx.call("rds", "describe_db_cluster_snapshot_attributes", DBClusterSnapshotIdentifier=sid)
        except CallFailed as failure:
            yield ctx.gap(failure, (CLUSTER_SNAPSHOT,), arn=arn, name=sid)
            continue
        yield ctx.subject(
            CLUSTER_SNAPSHOT, cluster_snapshot(s, attributes or {}), name=sid, arn=arn,
            calls=("rds:DescribeDBClusterSnapshots", "rds:DescribeDBClusterSnapshotAttributes"),
        )  # fmt: skip


#: Per parameter-group type: the list call, its key, the group's name and family keys, the parameters call.
GROUP_CALLS = {
    PARAMETER_GROUP: (
        "describe_db_parameter_groups", "DBParameterGroups", "DBParameterGroupName", "DBParameterGroupFamily",
        "describe_db_parameters", "DBParameterGroupArn",
    ),
    CLUSTER_PARAMETER_GROUP: (
        "describe_db_cluster_parameter_groups", "DBClusterParameterGroups", "DBClusterParameterGroupName",
        "DBParameterGroupFamily", "describe_db_cluster_parameters", "DBClusterParameterGroupArn",
    ),
}  # fmt: skip


def _parameter_groups(ctx: Context, kind: str) -> Iterator[Subject | Gap]:
    list_call, key, name_key, family_key, parameters_call, arn_key = GROUP_CALLS[kind]
    try:
        groups = ctx.pages("rds", list_call, key)
    except CallFailed as failure:
        yield ctx.gap(failure, (kind,))
        return
    for g in groups:
        name = str(g.get(name_key))
        if name.startswith("default."):
            continue  # AWS's own defaults: not the account's configuration
        arn = str(g.get(arn_key) or ctx.arn("rds", f"pg:{name}"))
        try:
            parameters = ctx.pages("rds", parameters_call, "Parameters", **{name_key: name, "Source": "user"})
        except CallFailed as failure:
            yield ctx.gap(failure, (kind,), arn=arn, name=name)
            continue
        props = {"name": name, "family": g.get(family_key), "parameters": parameter_group(g, parameters)["parameters"]}
        calls = (f"rds:{_pascal(list_call)}", f"rds:{_pascal(parameters_call)}")
        yield ctx.subject(kind, props, name=name, arn=arn, calls=calls)


def _pascal(operation: str) -> str:
    return "".join(part.title() for part in operation.split("_")).replace("Db", "DB")
