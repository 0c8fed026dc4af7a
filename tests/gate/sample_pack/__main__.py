"""A tiny real CrossGuard pack for the gate's protocol tests (independent of Plinth's packs)."""

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


PolicyPack(
    name="sample",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[
        ResourceValidationPolicy(
            name="test-bucket-versioning-required", description="Buckets are versioned.",
            validate=bucket_versioned, enforcement_level=EnforcementLevel.MANDATORY, severity=Severity.HIGH,
            tags=["soc2:A1.2"], remediation_steps="Set versioned: true.",
        ),
        ResourceValidationPolicy(
            name="test-bucket-size-limited", description="Buckets stay under a size limit.", validate=max_size,
            config_schema=PolicyConfigSchema(properties={"maxGb": {"type": "integer", "default": 100, "minimum": 1}}),
            severity=Severity.LOW,
        ),
        ResourceValidationPolicy(
            name="test-bucket-owner-tagged", description="Buckets carry an owner tag.", remediate=add_owner_tag,
            enforcement_level=EnforcementLevel.REMEDIATE,
        ),
        StackValidationPolicy(
            name="test-stack-bucket-protected", description="Some bucket is protected.", validate=one_bucket_protected,
            enforcement_level=EnforcementLevel.MANDATORY,
        ),
    ],
)
