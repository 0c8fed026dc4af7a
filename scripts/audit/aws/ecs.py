"""ECS: the active task definitions (``ecs.TaskDefinition``; container environment values never shown)."""

from __future__ import annotations

import json
from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, drop_none
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "ecs"
GLOBAL = False
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
TYPES = (TASK_DEFINITION,)
CALLS = (
    Call("ecs", "list_task_definitions", "ecs:ListTaskDefinitions"),
    Call("ecs", "describe_task_definition", "ecs:DescribeTaskDefinition"),
)


def task_definition(t: dict[str, Any]) -> dict[str, Any]:
    """The provider takes ``containerDefinitions`` as a JSON string of the API's container definitions."""
    return drop_none(
        {
            "family": t.get("family"),
            "networkMode": t.get("networkMode"),
            "taskRoleArn": t.get("taskRoleArn"),
            "executionRoleArn": t.get("executionRoleArn"),
            "containerDefinitions": json.dumps(t.get("containerDefinitions") or [], sort_keys=True),
        }
    )


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        arns = ctx.pages("ecs", "list_task_definitions", "taskDefinitionArns", status="ACTIVE")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    for arn in arns:
        name = str(arn).rsplit("/", 1)[-1]
        try:
            t = ctx.call("ecs", "describe_task_definition", taskDefinition=arn)["taskDefinition"]
        except CallFailed as failure:
            yield ctx.gap(failure, TYPES, arn=str(arn), name=name)
            continue
        yield ctx.subject(
            TASK_DEFINITION, task_definition(t), name=name, arn=str(arn), calls=tuple(c.action for c in CALLS),
            sensitive=("containerDefinitions",),
        )  # fmt: skip
