"""A tiny real CrossGuard pack for the gate's protocol tests (independent of Plinth's packs).

It behaves as the gate's interfaces with Plinth's packs say a Plinth pack does:

* with ``PLINTH_POLICY_DESCRIBE`` set it writes its self-description there before serving;
* a violation an unexpired suppression covers is reported as
  ``[suppressed] <message> (waived by <owner> until <date>: <reason>)``, always advisory;
* a check that raises (other than for a value unknown at preview) reports
  ``[not checked] <ExceptionType>: <reason>`` for that resource instead of failing the call.
"""

import datetime as dt
import json
import os
from pathlib import Path

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy import policy as sdk
from pulumi_policy.proxy import UnknownValueError

SUPPRESSIONS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "resource": {"type": "string"},
            "reason": {"type": "string"},
            "owner": {"type": "string"},
            "expires": {"type": "string"},
        },
        "required": ["resource", "reason", "owner", "expires"],
    },
}


def guarded(check):
    """Run a check; anything but an unknown value becomes one "not checked" report for the resource."""

    def validate(args, report):
        try:
            check(args, report)
        except UnknownValueError:
            raise
        except Exception as err:  # noqa: BLE001 - the point of the guard
            report(f"[not checked] {type(err).__name__}: {err}")

    return validate


def waivable(check):
    """Violations an unexpired suppression (config ``suppressions``) covers are reported as suppressed."""

    def validate(args, report):
        active = [
            s
            for s in (args.get_config() or {}).get("suppressions", [])
            if s["resource"] == args.name and dt.date.fromisoformat(s["expires"]) >= dt.date.today()
        ]

        def waive(message, urn=None):
            if active:
                s = active[0]
                message = f"[suppressed] {message} (waived by {s['owner']} until {s['expires']}: {s['reason']})"
            report(message, urn)

        check(args, waive)

    return validate


def bucket_versioned(args: ResourceValidationArgs, report: ReportViolation):
    if args.resource_type == "test:index:Bucket" and not args.props.get("versioned"):
        report("Buckets must be versioned.")


def max_size(args: ResourceValidationArgs, report: ReportViolation):
    if args.resource_type == "test:index:Bucket" and args.props["sizeGb"] > args.get_config()["maxGb"]:
        report(f"Bucket of {args.props['sizeGb']:g} GB exceeds {args.get_config()['maxGb']:g} GB.")


def add_owner_tag(args: ResourceValidationArgs):
    if args.resource_type == "test:index:Bucket" and "owner" not in (args.props.get("tags") or {}):
        props = dict(args.props)
        props["tags"] = dict(props.get("tags") or {}, owner="platform")
        return props
    return None


def one_bucket_protected(args: StackValidationArgs, report: ReportViolation):
    buckets = [r for r in args.resources if r.resource_type == "test:index:Bucket"]
    if buckets and not any(r.opts.protect for r in buckets):
        report("At least one bucket must be protected.")


def _advisory_when_suppressed():
    """A waiver never blocks: "[suppressed]" reports go out as advisory, whatever the policy's level."""
    original = sdk._PolicyAnalyzerServicer._create_report_violation

    def create(self, response, name, description, level, severity=None):
        report = original(self, response, name, description, level, severity)
        advisory = original(self, response, name, description, EnforcementLevel.ADVISORY, severity)

        def report_violation(message, urn=None):
            (advisory if (message or "").startswith("[suppressed]") else report)(message, urn)

        return report_violation

    sdk._PolicyAnalyzerServicer._create_report_violation = create


def describe(path: str) -> None:
    """The pack's self-description, written atomically before the pack serves."""
    types = ["test:index:Bucket"]
    policies = {
        name: {"kind": kind, "types": types, "severity": "", "frameworks": [], "neverWaive": False}
        for name, kind in (
            ("test-bucket-versioning-required", "resource"),
            ("test-bucket-size-limited", "resource"),
            ("test-bucket-owner-tagged", "resource"),
            ("test-stack-bucket-protected", "stack"),
        )
    }
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps({"pack": "sample", "version": "", "policies": policies}))
    tmp.replace(target)


if os.environ.get("PLINTH_POLICY_DESCRIBE"):
    describe(os.environ["PLINTH_POLICY_DESCRIBE"])
_advisory_when_suppressed()

PolicyPack(
    name="sample",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[
        ResourceValidationPolicy(
            name="test-bucket-versioning-required",
            description="Buckets are versioned.",
            validate=waivable(bucket_versioned),
            enforcement_level=EnforcementLevel.MANDATORY,
            severity=Severity.HIGH,
            tags=["soc2:A1.2"],
            remediation_steps="Set versioned: true.",
            config_schema=PolicyConfigSchema(properties={"suppressions": SUPPRESSIONS}),
        ),
        ResourceValidationPolicy(
            name="test-bucket-size-limited",
            description="Buckets stay under a size limit.",
            validate=guarded(max_size),
            config_schema=PolicyConfigSchema(properties={"maxGb": {"type": "integer", "default": 100, "minimum": 1}}),
            severity=Severity.LOW,
        ),
        ResourceValidationPolicy(
            name="test-bucket-owner-tagged",
            description="Buckets carry an owner tag.",
            remediate=add_owner_tag,
            enforcement_level=EnforcementLevel.REMEDIATE,
        ),
        StackValidationPolicy(
            name="test-stack-bucket-protected",
            description="Some bucket is protected.",
            validate=one_bucket_protected,
            enforcement_level=EnforcementLevel.MANDATORY,
        ),
    ],
)
