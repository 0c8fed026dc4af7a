"""SNS: topics (``sns.Topic``, with the topic policy as its ``policy`` input)."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, document, drop_none, tags
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "sns"
GLOBAL = False
TOPIC = "aws:sns/topic:Topic"
TYPES = (TOPIC,)
CALLS = (
    Call("sns", "list_topics", "sns:ListTopics"),
    Call("sns", "get_topic_attributes", "sns:GetTopicAttributes"),
    Call("sns", "list_tags_for_resource", "sns:ListTagsForResource"),
)


def topic(attributes: dict[str, Any], tag_list: Any) -> dict[str, Any]:
    return drop_none(
        {
            "name": str(attributes.get("TopicArn", "")).rsplit(":", 1)[-1] or None,
            "kmsMasterKeyId": attributes.get("KmsMasterKeyId") or None,
            "policy": document(attributes.get("Policy")),
            "tags": tags(tag_list),
        }
    )


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        topics = ctx.pages("sns", "list_topics", "Topics")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    yield from ctx.each(topics, lambda entry: _topic(ctx, entry))


def _topic(ctx: Context, entry: dict[str, Any]) -> Iterator[Subject | Gap]:
    arn = str(entry["TopicArn"])
    name = arn.rsplit(":", 1)[-1]
    try:
        attributes = ctx.call("sns", "get_topic_attributes", TopicArn=arn).get("Attributes") or {}
        tag_list = ctx.call("sns", "list_tags_for_resource", ResourceArn=arn).get("Tags")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES, arn=arn, name=name)
        return
    yield ctx.subject(TOPIC, topic(attributes, tag_list), name=name, arn=arn, calls=tuple(c.action for c in CALLS))
