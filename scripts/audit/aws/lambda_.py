"""Lambda: functions (environment variables never shown), their URL (``lambda.FunctionUrl``, the
unqualified one) and the statements of their resource policy as ``lambda.Permission`` resources."""

from __future__ import annotations

import json
from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, drop_none, tags
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "lambda"
GLOBAL = False
FUNCTION = "aws:lambda/function:Function"
URL = "aws:lambda/functionUrl:FunctionUrl"
PERMISSION = "aws:lambda/permission:Permission"
TYPES = (FUNCTION, URL, PERMISSION)
CALLS = (
    Call("lambda", "list_functions", "lambda:ListFunctions"),
    Call("lambda", "get_function_url_config", "lambda:GetFunctionUrlConfig"),
    Call("lambda", "get_policy", "lambda:GetPolicy"),
    Call("lambda", "list_tags", "lambda:ListTags"),
)


def function(f: dict[str, Any], tag_map: dict[str, Any] | None) -> dict[str, Any]:
    return drop_none(
        {
            "name": f.get("FunctionName"),
            "runtime": f.get("Runtime"),
            "role": f.get("Role"),
            "kmsKeyArn": f.get("KMSKeyArn"),
            "environment": {"variables": dict((f.get("Environment") or {}).get("Variables") or {})},
            "tags": tags(tag_map or {}),
        }
    )


def permissions(function_name: str, policy: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One ``lambda.Permission`` per statement of the function's resource policy."""
    doc = json.loads((policy or {}).get("Policy") or "{}")
    out = []
    for st in doc.get("Statement") or []:
        principal = st.get("Principal")
        if isinstance(principal, dict):
            principal = principal.get("Service") or principal.get("AWS")
        condition = st.get("Condition") or {}
        source_arn = (condition.get("ArnLike") or {}).get("AWS:SourceArn") or (condition.get("ArnLike") or {}).get(
            "aws:SourceArn"
        )
        source_account = (condition.get("StringEquals") or {}).get("AWS:SourceAccount") or (
            condition.get("StringEquals") or {}
        ).get("aws:SourceAccount")
        org = (condition.get("StringEquals") or {}).get("aws:PrincipalOrgID")
        out.append(
            drop_none(
                {
                    "function": function_name,
                    "statementId": st.get("Sid"),
                    "action": st.get("Action"),
                    "principal": str(principal) if principal is not None else None,
                    "sourceArn": source_arn,
                    "sourceAccount": source_account,
                    "principalOrgId": org,
                }
            )
        )
    return out


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        functions = ctx.pages("lambda", "list_functions", "Functions")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    yield from ctx.each(functions, lambda f: _function(ctx, f))


def _function(ctx: Context, f: dict[str, Any]) -> Iterator[Subject | Gap]:
    name, arn = str(f["FunctionName"]), str(f["FunctionArn"])
    try:
        tag_map = ctx.call("lambda", "list_tags", Resource=arn).get("Tags")
        url = ctx.call("lambda", "get_function_url_config", FunctionName=name, absent=("ResourceNotFoundException",))
        policy = ctx.call("lambda", "get_policy", FunctionName=name, absent=("ResourceNotFoundException",))
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES, arn=arn, name=name)
        return
    calls = tuple(c.action for c in CALLS)
    yield ctx.subject(FUNCTION, function(f, tag_map), name=name, arn=arn, calls=calls, sensitive=("environment",))
    if url:
        props = drop_none({"functionName": name, "authorizationType": url.get("AuthType")})
        yield ctx.subject(URL, props, name=name, arn=arn, calls=calls)
    for props in permissions(name, policy):
        yield ctx.subject(PERMISSION, props, name=f"{name}/{props.get('statementId', '')}", arn=arn, calls=calls)
