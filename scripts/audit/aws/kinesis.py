"""Kinesis: data streams (``kinesis.Stream``) with their encryption at rest."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, drop_none
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "kinesis"
GLOBAL = False
STREAM = "aws:kinesis/stream:Stream"
TYPES = (STREAM,)
CALLS = (
    Call("kinesis", "list_streams", "kinesis:ListStreams"),
    Call("kinesis", "describe_stream_summary", "kinesis:DescribeStreamSummary"),
)


def stream(summary: dict[str, Any]) -> dict[str, Any]:
    return drop_none(
        {
            "name": summary.get("StreamName"),
            "encryptionType": summary.get("EncryptionType") or "NONE",
            "kmsKeyId": summary.get("KeyId"),
            "retentionPeriod": summary.get("RetentionPeriodHours"),
        }
    )


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        names = ctx.pages("kinesis", "list_streams", "StreamNames")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    for name in names:
        arn = ctx.arn("kinesis", f"stream/{name}")
        try:
            summary = ctx.call("kinesis", "describe_stream_summary", StreamName=name)["StreamDescriptionSummary"]
        except CallFailed as failure:
            yield ctx.gap(failure, TYPES, arn=arn, name=name)
            continue
        yield ctx.subject(
            STREAM,
            stream(summary),
            name=name,
            arn=str(summary.get("StreamARN") or arn),
            calls=tuple(c.action for c in CALLS),
        )
