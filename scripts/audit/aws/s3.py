"""S3: buckets and the companions pulumi-aws 7 splits out of them, and the account's public access block.

A live bucket becomes what a pulumi-aws 7 program declares for it: ``s3.Bucket`` (name, tags,
region) plus one companion per setting that is configured - ``BucketAcl``, ``BucketPolicy``,
``BucketPublicAccessBlock``, ``BucketServerSideEncryptionConfiguration``, ``BucketVersioning``,
``BucketOwnershipControls``, ``BucketLogging`` - each naming the bucket in ``bucket``. A setting
that is not configured has no companion, exactly as a program that never declared it, so the
companion policy reports it. Object ownership is the exception: without ownership controls S3
applies ``ObjectWriter`` (ACLs in force), so that is what the companion says.

The account-level public access block comes from S3 Control (``aws:s3/accountPublicAccessBlock``);
"not configured" means all four flags off.
"""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, document, drop_none, tags
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "s3"
GLOBAL = True
BUCKET = "aws:s3/bucket:Bucket"
ACL = "aws:s3/bucketAcl:BucketAcl"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
LOGGING = "aws:s3/bucketLogging:BucketLogging"
ACCOUNT_PAB = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
TYPES = (BUCKET, ACL, POLICY, PAB, SSE, VERSIONING, OWNERSHIP, LOGGING, ACCOUNT_PAB)

CALLS = (
    Call("s3", "list_buckets", "s3:ListAllMyBuckets"),
    Call("s3", "get_bucket_location", "s3:GetBucketLocation"),
    Call("s3", "get_bucket_acl", "s3:GetBucketAcl"),
    Call("s3", "get_bucket_policy", "s3:GetBucketPolicy"),
    Call("s3", "get_public_access_block", "s3:GetBucketPublicAccessBlock"),
    Call("s3", "get_bucket_encryption", "s3:GetEncryptionConfiguration"),
    Call("s3", "get_bucket_versioning", "s3:GetBucketVersioning"),
    Call("s3", "get_bucket_ownership_controls", "s3:GetBucketOwnershipControls"),
    Call("s3", "get_bucket_logging", "s3:GetBucketLogging"),
    Call("s3", "get_bucket_tagging", "s3:GetBucketTagging"),
    Call("s3control", "get_public_access_block", "s3:GetAccountPublicAccessBlock"),
)
FLAGS = (
    ("BlockPublicAcls", "blockPublicAcls"),
    ("BlockPublicPolicy", "blockPublicPolicy"),
    ("IgnorePublicAcls", "ignorePublicAcls"),
    ("RestrictPublicBuckets", "restrictPublicBuckets"),
)
#: What each per-bucket call answers, and the companion type it becomes.
DETAIL = (
    ("get_bucket_acl", ACL, ()),
    ("get_bucket_policy", POLICY, ("NoSuchBucketPolicy",)),
    ("get_public_access_block", PAB, ("NoSuchPublicAccessBlockConfiguration",)),
    ("get_bucket_encryption", SSE, ("ServerSideEncryptionConfigurationNotFoundError",)),
    ("get_bucket_versioning", VERSIONING, ()),
    ("get_bucket_ownership_controls", OWNERSHIP, ("OwnershipControlsNotFoundError",)),
    ("get_bucket_logging", LOGGING, ()),
    ("get_bucket_tagging", BUCKET, ("NoSuchTagSet", "NoSuchTagSetError")),
)


def bucket_region(location: dict[str, Any] | None) -> str:
    """GetBucketLocation's answer as a region (no constraint is us-east-1, ``EU`` is eu-west-1)."""
    constraint = (location or {}).get("LocationConstraint")
    if not constraint:
        return "us-east-1"
    return "eu-west-1" if constraint == "EU" else str(constraint)


def companions(bucket: str, answers: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """``(type, props)`` of a bucket and its companions from the detail calls' answers (None: absent)."""
    out: list[tuple[str, dict[str, Any]]] = []
    tagging = answers.get("get_bucket_tagging")
    out.append((BUCKET, {"bucket": bucket, "tags": tags((tagging or {}).get("TagSet"))}))
    acl = answers.get("get_bucket_acl")
    if acl is not None:
        grants = [
            {
                "grantee": drop_none(
                    {
                        "type": (g.get("Grantee") or {}).get("Type"),
                        "uri": (g.get("Grantee") or {}).get("URI"),
                        "id": (g.get("Grantee") or {}).get("ID"),
                        "emailAddress": (g.get("Grantee") or {}).get("EmailAddress"),
                    }
                ),
                "permission": g.get("Permission"),
            }
            for g in acl.get("Grants") or []
        ]
        owner = drop_none({"id": (acl.get("Owner") or {}).get("ID")})
        out.append((ACL, {"bucket": bucket, "accessControlPolicy": {"grants": grants, "owner": owner}}))
    policy = answers.get("get_bucket_policy")
    if policy is not None and policy.get("Policy"):
        out.append((POLICY, {"bucket": bucket, "policy": document(policy["Policy"])}))
    pab = answers.get("get_public_access_block")
    if pab is not None:
        conf = pab.get("PublicAccessBlockConfiguration") or {}
        out.append((PAB, {"bucket": bucket, **{key: bool(conf.get(api)) for api, key in FLAGS}}))
    sse = answers.get("get_bucket_encryption")
    if sse is not None:
        rules = [
            drop_none(
                {
                    "applyServerSideEncryptionByDefault": drop_none(
                        {
                            "sseAlgorithm": (r.get("ApplyServerSideEncryptionByDefault") or {}).get("SSEAlgorithm"),
                            "kmsMasterKeyId": (r.get("ApplyServerSideEncryptionByDefault") or {}).get("KMSMasterKeyID"),
                        }
                    ),
                    "bucketKeyEnabled": r.get("BucketKeyEnabled"),
                }
            )
            for r in (sse.get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
        ]
        out.append((SSE, {"bucket": bucket, "rules": rules}))
    versioning = answers.get("get_bucket_versioning") or {}
    if versioning.get("Status"):
        conf = drop_none({"status": versioning["Status"], "mfaDelete": versioning.get("MFADelete")})
        out.append((VERSIONING, {"bucket": bucket, "versioningConfiguration": conf}))
    if "get_bucket_ownership_controls" in answers:
        ownership = answers["get_bucket_ownership_controls"]
        rules = ((ownership or {}).get("OwnershipControls") or {}).get("Rules") or []
        effective = rules[0].get("ObjectOwnership") if rules else "ObjectWriter"
        out.append((OWNERSHIP, {"bucket": bucket, "rule": {"objectOwnership": effective}}))
    logging = (answers.get("get_bucket_logging") or {}).get("LoggingEnabled")
    if logging:
        out.append(
            (
                LOGGING,
                drop_none(
                    {
                        "bucket": bucket,
                        "targetBucket": logging.get("TargetBucket"),
                        "targetPrefix": logging.get("TargetPrefix"),
                    }
                ),
            )
        )
    return out


def account_block(answer: dict[str, Any] | None, account: str) -> dict[str, Any]:
    """The account's public access block as ``s3.AccountPublicAccessBlock`` props (absent: all off)."""
    conf = (answer or {}).get("PublicAccessBlockConfiguration") or {}
    return {"accountId": account, **{key: bool(conf.get(api)) for api, key in FLAGS}}


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    yield from _account(ctx)
    try:
        buckets = ctx.call("s3", "list_buckets").get("Buckets") or []
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES[:-1])
        return
    yield from ctx.each(buckets, lambda entry: _located(ctx, entry, regions))


def _located(ctx: Context, entry: dict[str, Any], regions: tuple[str, ...]) -> Iterator[Subject | Gap]:
    """A bucket in its region: ListBuckets names it (``BucketRegion``), else GetBucketLocation says."""
    name = str(entry["Name"])
    arn = f"arn:{ctx.partition}:s3:::{name}"
    try:
        region = str(entry.get("BucketRegion") or "") or bucket_region(
            ctx.call("s3", "get_bucket_location", Bucket=name)
        )
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES[:-1], arn=arn, name=name)
        return
    if regions and region not in regions:
        return
    yield from _bucket(ctx, name, arn, region)


def _bucket(ctx: Context, name: str, arn: str, region: str) -> Iterator[Subject | Gap]:
    answers: dict[str, Any] = {}
    missing: list[str] = []
    calls = [c.action for c in CALLS if c.service == "s3" and c.operation != "list_buckets"]
    for operation, kind, absent in DETAIL:
        try:
            answers[operation] = ctx.api.call("s3", region, operation, absent=absent, Bucket=name)
        except CallFailed as failure:
            missing.append(kind)
            yield ctx.gap(failure, (kind,), arn=arn, name=name)
    for kind, props in companions(name, answers):
        if kind in missing:
            continue
        yield ctx.subject(kind, props, name=name, arn=arn, calls=calls, ids=(name,), region=region)


def _account(ctx: Context) -> Iterator[Subject | Gap]:
    arn = f"arn:{ctx.partition}:s3:{ctx.region}:{ctx.account}:account"
    try:
        answer = ctx.call(
            "s3control",
            "get_public_access_block",
            absent=("NoSuchPublicAccessBlockConfiguration",),
            AccountId=ctx.account,
        )
    except CallFailed as failure:
        yield ctx.gap(failure, (ACCOUNT_PAB,), arn=arn, name=f"account {ctx.account}")
        return
    yield ctx.subject(
        ACCOUNT_PAB,
        account_block(answer, ctx.account),
        name=f"account {ctx.account}",
        arn=arn,
        calls=("s3:GetAccountPublicAccessBlock",),
        ids=(ctx.account,),
    )
