"""Every S3 bucket has the companion resources that pulumi-aws 7 splits out of it.

In pulumi-aws 7 a bucket's default encryption, versioning, public access block and policy are
separate resources naming the bucket (``s3.BucketServerSideEncryptionConfiguration``,
``s3.BucketVersioning``, ``s3.BucketPublicAccessBlock``, ``s3.BucketPolicy``; the deprecated
``...V2`` classes too), so a bucket that no companion names silently runs on the service defaults.
Each missing companion is the finding of the peer rule that asks for it:

- encryption: Checkov CKV_AWS_145 (SSE-KMS by default; S3's own default is SSE-S3);
- versioning: Checkov CKV_AWS_21 (S3's default is unversioned);
- public access block: Checkov CKV2_AWS_6 and cdk-nag AwsSolutions-S2; an
  ``s3.AccountPublicAccessBlock`` in the stack with all four flags on covers every bucket;
- a policy that denies plain HTTP: CIS AWS Foundations v3.0 2.1.1, cdk-nag AwsSolutions-S10.

The inline arguments that still exist (``serverSideEncryptionConfiguration``, ``versioning``,
``policy`` on ``s3.Bucket``; their list forms on ``s3.BucketV2``) count as the companion; what they
say is checked by the resource policies (encryption, versioning, TLS). Advisory: S3 applies SSE-S3 and
Block Public Access to new buckets by default, so a missing companion leaves a weaker default than
required, not an open bucket; the resource policies are mandatory for what a companion says.
"""

from dataclasses import dataclass
from typing import Any, Callable

from policies.aws.s3_bucket_public_access_blocked import FLAGS
from policies.companions import missing_companions
from policies.meta import stack_policy

BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
ACCOUNT_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"


@dataclass(frozen=True)
class Companion:
    what: str
    types: tuple[str, ...]
    rule: str
    inline: Callable[[Any], bool]


COMPANIONS = (
    Companion(
        "default encryption",
        (
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
        ),
        "SSE-KMS by default, Checkov CKV_AWS_145",
        lambda p: bool(p.get("serverSideEncryptionConfiguration") or p.get("serverSideEncryptionConfigurations")),
    ),
    Companion(
        "versioning",
        ("aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"),
        "Checkov CKV_AWS_21",
        lambda p: bool(p.get("versioning") or p.get("versionings")),
    ),
    Companion(
        "public access block",
        ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",),
        "Checkov CKV2_AWS_6",
        lambda p: False,
    ),
    Companion(
        "bucket policy denying plain HTTP",
        ("aws:s3/bucketPolicy:BucketPolicy",),
        "CIS AWS 2.1.1",
        lambda p: bool(p.get("policy")),
    ),
)


def account_blocks_public_access(resources) -> bool:
    return any(r.resource_type == ACCOUNT_BLOCK and all(r.props.get(flag) is True for flag in FLAGS) for r in resources)


def check(resources, config):
    account_block = account_blocks_public_access(resources)
    for companion in COMPANIONS:
        if companion.what == "public access block" and account_block:
            continue
        missing = missing_companions(
            resources,
            subjects=BUCKETS,
            companions=companion.types,
            link="bucket",
            subject_names=("bucket",),
            inline=companion.inline,
        )
        for r in missing:
            name = r.props.get("bucket") or r.name
            yield f"Bucket {name} has no {companion.what} ({companion.rule}).", r


POLICY = stack_policy(
    name="aws-s3-bucket-companions-required",
    description=(
        "Every S3 bucket has its default-encryption, versioning, public-access-block and TLS-only policy "
        "companions, or the inline equivalent."
    ),
    check=check,
    reads=[*BUCKETS, ACCOUNT_BLOCK, *(t for c in COMPANIONS for t in c.types)],
    severity="high",
    frameworks=["soc2:CC6.1", "soc2:CC6.6", "soc2:A1.2", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32", "cis:aws-2.1.4"],
    remediation=(
        "Add aws.s3.BucketServerSideEncryptionConfiguration (aws:kms), aws.s3.BucketVersioning (Enabled), "
        "aws.s3.BucketPublicAccessBlock (all four flags) and an aws.s3.BucketPolicy denying aws:SecureTransport "
        "false, each naming the bucket; Plinth's Tenant component creates all four."
    ),
)
