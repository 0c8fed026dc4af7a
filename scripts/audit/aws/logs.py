"""CloudWatch Logs: log groups (``cloudwatch.LogGroup``) with retention, key and tags."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, drop_none, tags
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "logs"
GLOBAL = False
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
TYPES = (LOG_GROUP,)
CALLS = (
    Call("logs", "describe_log_groups", "logs:DescribeLogGroups"),
    Call("logs", "list_tags_for_resource", "logs:ListTagsForResource"),
)


def log_group(g: dict[str, Any], tag_map: dict[str, Any] | None) -> dict[str, Any]:
    return drop_none(
        {
            "name": g.get("logGroupName"),
            "retentionInDays": g.get("retentionInDays"),
            "kmsKeyId": g.get("kmsKeyId"),
            "logGroupClass": g.get("logGroupClass"),
            "tags": tags(tag_map or {}),
        }
    )


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        groups = ctx.pages("logs", "describe_log_groups", "logGroups")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    yield from ctx.each(groups, lambda g: _group(ctx, g))


def _group(ctx: Context, g: dict[str, Any]) -> Iterator[Subject | Gap]:
    arn = str(g.get("arn") or ctx.arn("logs", f"log-group:{g['logGroupName']}")).removesuffix(":*")
    try:
        tag_map = ctx.call("logs", "list_tags_for_resource", resourceArn=arn).get("tags")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES, arn=arn, name=g["logGroupName"])
        return
    yield ctx.subject(
        LOG_GROUP, log_group(g, tag_map), name=g["logGroupName"], arn=arn, calls=tuple(c.action for c in CALLS)
    )
