"""Secrets Manager: secrets (``secretsmanager.Secret``, with their resource policy) and their rotation
(``secretsmanager.SecretRotation``, when rotation is on). Secret values are never read."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, document, drop_none, tags
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "secretsmanager"
GLOBAL = False
SECRET = "aws:secretsmanager/secret:Secret"
ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"
TYPES = (SECRET, ROTATION)
CALLS = (
    Call("secretsmanager", "list_secrets", "secretsmanager:ListSecrets"),
    Call("secretsmanager", "get_resource_policy", "secretsmanager:GetResourcePolicy"),
)


def secret(s: dict[str, Any], policy: dict[str, Any] | None) -> list[tuple[str, dict[str, Any]]]:
    props = drop_none(
        {
            "name": s.get("Name"),
            "arn": s.get("ARN"),
            "kmsKeyId": s.get("KmsKeyId"),
            "policy": document((policy or {}).get("ResourcePolicy")),
            "tags": tags(s.get("Tags")),
        }
    )
    out = [(SECRET, props)]
    if s.get("RotationEnabled"):
        rules = drop_none({"automaticallyAfterDays": (s.get("RotationRules") or {}).get("AutomaticallyAfterDays")})
        out.append(
            (
                ROTATION,
                drop_none(
                    {"secretId": s.get("ARN"), "rotationLambdaArn": s.get("RotationLambdaARN"), "rotationRules": rules}
                ),
            )
        )
    return out


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        secrets = ctx.pages("secretsmanager", "list_secrets", "SecretList")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    yield from ctx.each(secrets, lambda s: _secret(ctx, s))


def _secret(ctx: Context, s: dict[str, Any]) -> Iterator[Subject | Gap]:
    arn = str(s.get("ARN"))
    try:
        policy = ctx.call("secretsmanager", "get_resource_policy", SecretId=arn)
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES, arn=arn, name=s.get("Name", ""))
        return
    for kind, props in secret(s, policy):
        yield ctx.subject(kind, props, name=str(s.get("Name")), arn=arn, calls=tuple(c.action for c in CALLS))
