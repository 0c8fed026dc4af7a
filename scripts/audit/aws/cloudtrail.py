"""CloudTrail: the trails whose home is the region (``cloudtrail.Trail``), with whether they log."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, drop_none
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "cloudtrail"
GLOBAL = False
TRAIL = "aws:cloudtrail/trail:Trail"
TYPES = (TRAIL,)
CALLS = (
    Call("cloudtrail", "describe_trails", "cloudtrail:DescribeTrails"),
    Call("cloudtrail", "get_trail_status", "cloudtrail:GetTrailStatus"),
)


def trail(t: dict[str, Any], status: dict[str, Any] | None) -> dict[str, Any]:
    return drop_none(
        {
            "name": t.get("Name"),
            "s3BucketName": t.get("S3BucketName"),
            "isMultiRegionTrail": bool(t.get("IsMultiRegionTrail")),
            "enableLogFileValidation": bool(t.get("LogFileValidationEnabled")),
            "includeGlobalServiceEvents": t.get("IncludeGlobalServiceEvents"),
            "kmsKeyId": t.get("KmsKeyId"),
            "cloudWatchLogsGroupArn": t.get("CloudWatchLogsLogGroupArn"),
            "enableLogging": bool((status or {}).get("IsLogging")),
        }
    )


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        trails = ctx.call("cloudtrail", "describe_trails", includeShadowTrails=False).get("trailList") or []
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    for t in trails:
        arn = t.get("TrailARN") or ctx.arn("cloudtrail", f"trail/{t.get('Name')}")
        try:
            status = ctx.call("cloudtrail", "get_trail_status", Name=arn)
        except CallFailed as failure:
            yield ctx.gap(failure, TYPES, arn=arn, name=t.get("Name", ""))
            continue
        yield ctx.subject(
            TRAIL, trail(t, status), name=str(t.get("Name")), arn=arn, calls=tuple(c.action for c in CALLS)
        )
