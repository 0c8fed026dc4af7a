"""KMS: customer-managed keys with their rotation and key policy (``kms.Key``).

Keys AWS manages for a service (``KeyManager`` AWS) are not the account's to configure and are left
out; a key pending deletion is left out too. Rotation is read only for symmetric keys (the others
cannot rotate; the policy does not apply to them).
"""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, document, drop_none, tags
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "kms"
GLOBAL = False
KEY = "aws:kms/key:Key"
TYPES = (KEY,)
PENDING = ("PendingDeletion", "PendingReplicaDeletion")
CALLS = (
    Call("kms", "list_keys", "kms:ListKeys"),
    Call("kms", "describe_key", "kms:DescribeKey"),
    Call("kms", "get_key_rotation_status", "kms:GetKeyRotationStatus"),
    Call("kms", "get_key_policy", "kms:GetKeyPolicy"),
    Call("kms", "list_resource_tags", "kms:ListResourceTags"),
)


def key(
    metadata: dict[str, Any], rotation: dict[str, Any] | None, policy: dict[str, Any] | None, tag_list: Any
) -> dict[str, Any]:
    return drop_none(
        {
            "description": metadata.get("Description") or None,
            "keyUsage": metadata.get("KeyUsage"),
            "customerMasterKeySpec": metadata.get("KeySpec") or metadata.get("CustomerMasterKeySpec"),
            "isEnabled": metadata.get("Enabled"),
            "multiRegion": metadata.get("MultiRegion"),
            "enableKeyRotation": bool((rotation or {}).get("KeyRotationEnabled")) if rotation is not None else None,
            "policy": document((policy or {}).get("Policy")),
            "tags": tags(tag_list, "TagKey", "TagValue"),
        }
    )


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        keys = ctx.pages("kms", "list_keys", "Keys")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    yield from ctx.each(keys, lambda entry: _key(ctx, entry))


def _key(ctx: Context, entry: dict[str, Any]) -> Iterator[Subject | Gap]:
    key_id = entry["KeyId"]
    arn = entry.get("KeyArn") or ctx.arn("kms", f"key/{key_id}")
    try:
        metadata = ctx.call("kms", "describe_key", KeyId=key_id)["KeyMetadata"]
        if metadata.get("KeyManager") == "AWS" or metadata.get("KeyState") in PENDING:
            return
        spec = metadata.get("KeySpec") or metadata.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT"
        rotation = ctx.call("kms", "get_key_rotation_status", KeyId=key_id) if spec == "SYMMETRIC_DEFAULT" else None
        policy = ctx.call("kms", "get_key_policy", KeyId=key_id, PolicyName="default")
        tag_list = ctx.pages("kms", "list_resource_tags", "Tags", KeyId=key_id)
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES, arn=arn, name=key_id)
        return
    yield ctx.subject(
        KEY,
        key(metadata, rotation, policy, tag_list),
        name=key_id,
        arn=arn,
        calls=tuple(c.action for c in CALLS[1:]),
        ids=(key_id,),
    )
