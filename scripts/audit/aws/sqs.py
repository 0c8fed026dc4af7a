"""SQS: queues (``sqs.Queue``, with their policy, as the provider's ``policy`` input)."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, document, drop_none, tags
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "sqs"
GLOBAL = False
QUEUE = "aws:sqs/queue:Queue"
TYPES = (QUEUE,)
CALLS = (
    Call("sqs", "list_queues", "sqs:ListQueues"),
    Call("sqs", "get_queue_attributes", "sqs:GetQueueAttributes"),
    Call("sqs", "list_queue_tags", "sqs:ListQueueTags"),
)


def queue(attributes: dict[str, Any], tag_map: dict[str, Any] | None) -> dict[str, Any]:
    return drop_none(
        {
            "name": str(attributes.get("QueueArn", "")).rsplit(":", 1)[-1] or None,
            "kmsMasterKeyId": attributes.get("KmsMasterKeyId"),
            "sqsManagedSseEnabled": str(attributes.get("SqsManagedSseEnabled", "false")).lower() == "true",
            "policy": document(attributes.get("Policy")),
            "tags": tags(tag_map or {}),
        }
    )


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        urls = ctx.pages("sqs", "list_queues", "QueueUrls")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    yield from ctx.each(urls, lambda url: _queue(ctx, url))


def _queue(ctx: Context, url: str) -> Iterator[Subject | Gap]:
    name = str(url).rsplit("/", 1)[-1]
    arn = ctx.arn("sqs", name)
    try:
        attributes = (
            ctx.call("sqs", "get_queue_attributes", QueueUrl=url, AttributeNames=["All"]).get("Attributes") or {}
        )
        tag_map = (ctx.call("sqs", "list_queue_tags", QueueUrl=url) or {}).get("Tags")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES, arn=arn, name=name)
        return
    yield ctx.subject(
        QUEUE, queue(attributes, tag_map), name=name, arn=arn, calls=tuple(c.action for c in CALLS), ids=(url,)
    )
