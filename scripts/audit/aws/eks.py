"""EKS: clusters (``eks.Cluster``: endpoint access, control-plane logs, secrets encryption) and managed
node groups (``eks.NodeGroup``: remote access)."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, drop_none, tags
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "eks"
GLOBAL = False
CLUSTER = "aws:eks/cluster:Cluster"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
TYPES = (CLUSTER, NODE_GROUP)
CALLS = (
    Call("eks", "list_clusters", "eks:ListClusters"),
    Call("eks", "describe_cluster", "eks:DescribeCluster"),
    Call("eks", "list_nodegroups", "eks:ListNodegroups"),
    Call("eks", "describe_nodegroup", "eks:DescribeNodegroup"),
)


def cluster(c: dict[str, Any]) -> dict[str, Any]:
    vpc = c.get("resourcesVpcConfig") or {}
    enabled = [
        t
        for setup in (c.get("logging") or {}).get("clusterLogging") or []
        if setup.get("enabled")
        for t in setup.get("types") or []
    ]
    encryption = (c.get("encryptionConfig") or [None])[0]
    return drop_none(
        {
            "name": c.get("name"),
            "roleArn": c.get("roleArn"),
            "version": c.get("version"),
            "vpcConfig": drop_none(
                {
                    "subnetIds": vpc.get("subnetIds"),
                    "endpointPublicAccess": vpc.get("endpointPublicAccess"),
                    "endpointPrivateAccess": vpc.get("endpointPrivateAccess"),
                    "publicAccessCidrs": vpc.get("publicAccessCidrs"),
                }
            ),
            "enabledClusterLogTypes": enabled,
            "encryptionConfig": drop_none(
                {
                    "resources": encryption.get("resources"),
                    "provider": drop_none({"keyArn": (encryption.get("provider") or {}).get("keyArn")}),
                }
            )
            if encryption
            else None,
            "tags": tags(c.get("tags") or {}),
        }
    )


def node_group(g: dict[str, Any]) -> dict[str, Any]:
    remote = g.get("remoteAccess")
    return drop_none(
        {
            "clusterName": g.get("clusterName"),
            "nodeGroupName": g.get("nodegroupName"),
            "nodeRoleArn": g.get("nodeRole"),
            "remoteAccess": drop_none(
                {"ec2SshKey": remote.get("ec2SshKey"), "sourceSecurityGroupIds": remote.get("sourceSecurityGroups")}
            )
            if remote
            else None,
            "tags": tags(g.get("tags") or {}),
        }
    )


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        names = ctx.pages("eks", "list_clusters", "clusters")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    for name in names:
        arn = ctx.arn("eks", f"cluster/{name}")
        try:
            c = ctx.call("eks", "describe_cluster", name=name)["cluster"]
            groups = ctx.pages("eks", "list_nodegroups", "nodegroups", clusterName=name)
            described = [
                ctx.call("eks", "describe_nodegroup", clusterName=name, nodegroupName=g)["nodegroup"] for g in groups
            ]
        except CallFailed as failure:
            yield ctx.gap(failure, TYPES, arn=arn, name=name)
            continue
        yield ctx.subject(CLUSTER, cluster(c), name=name, arn=str(c.get("arn") or arn), calls=("eks:DescribeCluster",))
        for g in described:
            yield ctx.subject(
                NODE_GROUP, node_group(g), name=f"{name}/{g.get('nodegroupName')}",
                arn=str(g.get("nodegroupArn") or arn), calls=("eks:ListNodegroups", "eks:DescribeNodegroup"),
            )  # fmt: skip
