"""Amazon MSK: provisioned clusters (``msk.Cluster``: encryption in transit and the at-rest key)."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, drop_none, tags
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "kafka"
GLOBAL = False
CLUSTER = "aws:msk/cluster:Cluster"
TYPES = (CLUSTER,)
CALLS = (
    Call("kafka", "list_clusters", "kafka:ListClusters"),
    Call("kafka", "describe_cluster", "kafka:DescribeCluster"),
)


def cluster(c: dict[str, Any]) -> dict[str, Any]:
    info = c.get("EncryptionInfo") or {}
    transit = info.get("EncryptionInTransit") or {}
    return drop_none(
        {
            "clusterName": c.get("ClusterName"),
            "kafkaVersion": (c.get("CurrentBrokerSoftwareInfo") or {}).get("KafkaVersion"),
            "numberOfBrokerNodes": c.get("NumberOfBrokerNodes"),
            "encryptionInfo": drop_none(
                {
                    "encryptionAtRestKmsKeyArn": (info.get("EncryptionAtRest") or {}).get("DataVolumeKMSKeyId"),
                    "encryptionInTransit": drop_none(
                        {"clientBroker": transit.get("ClientBroker"), "inCluster": transit.get("InCluster")}
                    ),
                }
            ),
            "tags": tags(c.get("Tags") or {}),
        }
    )


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        clusters = ctx.pages("kafka", "list_clusters", "ClusterInfoList")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    for entry in clusters:
        name, arn = str(entry.get("ClusterName")), str(entry.get("ClusterArn"))
        try:
            c = ctx.call("kafka", "describe_cluster", ClusterArn=arn)["ClusterInfo"]
        except CallFailed as failure:
            yield ctx.gap(failure, TYPES, arn=arn, name=name)
            continue
        yield ctx.subject(CLUSTER, cluster(c), name=name, arn=arn, calls=tuple(call.action for call in CALLS))
