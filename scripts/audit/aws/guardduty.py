"""GuardDuty: each region's detectors (``guardduty.Detector``) and the region itself, so an audit check
can say a region has no enabled detector."""

from __future__ import annotations

from typing import Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, tags
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "guardduty"
GLOBAL = False
DETECTOR = "aws:guardduty/detector:Detector"
#: Audit-only subject, one per audited region (the audit adds it, whatever the services answer).
REGION = "plinth:audit:AwsRegion"
TYPES = (DETECTOR,)
CALLS = (
    Call("guardduty", "list_detectors", "guardduty:ListDetectors"),
    Call("guardduty", "get_detector", "guardduty:GetDetector"),
)


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        ids = ctx.pages("guardduty", "list_detectors", "DetectorIds")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    for detector_id in ids:
        arn = ctx.arn("guardduty", f"detector/{detector_id}")
        try:
            answer = ctx.call("guardduty", "get_detector", DetectorId=detector_id)
        except CallFailed as failure:
            yield ctx.gap(failure, TYPES, arn=arn, name=detector_id)
            continue
        props = {"enable": answer.get("Status") == "ENABLED", "tags": tags(answer.get("Tags"))}
        yield ctx.subject(DETECTOR, props, name=detector_id, arn=arn, calls=tuple(c.action for c in CALLS))
