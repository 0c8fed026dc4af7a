"""DynamoDB: tables (``dynamodb.Table``) with their encryption and point-in-time recovery."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, drop_none, tags
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "dynamodb"
GLOBAL = False
TABLE = "aws:dynamodb/table:Table"
TYPES = (TABLE,)
CALLS = (
    Call("dynamodb", "list_tables", "dynamodb:ListTables"),
    Call("dynamodb", "describe_table", "dynamodb:DescribeTable"),
    Call("dynamodb", "describe_continuous_backups", "dynamodb:DescribeContinuousBackups"),
    Call("dynamodb", "list_tags_of_resource", "dynamodb:ListTagsOfResource"),
)


def table(t: dict[str, Any], backups: dict[str, Any], tag_list: Any) -> dict[str, Any]:
    sse = t.get("SSEDescription") or {}
    enabled = sse.get("Status") in ("ENABLED", "ENABLING")
    pitr = ((backups.get("ContinuousBackupsDescription") or {}).get("PointInTimeRecoveryDescription") or {}).get(
        "PointInTimeRecoveryStatus"
    )
    return drop_none(
        {
            "name": t.get("TableName"),
            "billingMode": (t.get("BillingModeSummary") or {}).get("BillingMode"),
            "serverSideEncryption": drop_none(
                {"enabled": enabled, "kmsKeyArn": sse.get("KMSMasterKeyArn") if sse.get("SSEType") == "KMS" else None}
            ),
            "pointInTimeRecovery": {"enabled": pitr == "ENABLED"},
            "tags": tags(tag_list),
        }
    )


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        names = ctx.pages("dynamodb", "list_tables", "TableNames")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    yield from ctx.each(names, lambda name: _table(ctx, name))


def _table(ctx: Context, name: str) -> Iterator[Subject | Gap]:
    arn = ctx.arn("dynamodb", f"table/{name}")
    try:
        t = ctx.call("dynamodb", "describe_table", TableName=name)["Table"]
        arn = t.get("TableArn") or arn
        backups = ctx.call("dynamodb", "describe_continuous_backups", TableName=name)
        tag_list = ctx.pages("dynamodb", "list_tags_of_resource", "Tags", ResourceArn=arn)
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES, arn=arn, name=name)
        return
    yield ctx.subject(TABLE, table(t, backups, tag_list), name=name, arn=arn, calls=tuple(c.action for c in CALLS))
