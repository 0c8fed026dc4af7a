"""AWS part of a tenant: KMS key, S3 data bucket and an IRSA workload role, all scoped to the tenant."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlparse

import pulumi
import pulumi_aws as aws

from components import conventions
from components.tenant.context import CloudResult, TenantContext

KEY_DELETION_WINDOW_DAYS = 30
ABORT_MULTIPART_DAYS = 7


def bucket_name(ctx: TenantContext) -> str:
    # S3 names are global: the account id keeps two organisations' tenants apart.
    return ctx.physical("data", ctx.settings.account_id, max_len=conventions.S3_BUCKET_MAX)


def role_name(ctx: TenantContext) -> str:
    return ctx.physical("workload", max_len=conventions.AWS_IAM_ROLE_MAX)


def role_arn(ctx: TenantContext) -> str:
    return f"arn:aws:iam::{ctx.settings.account_id}:role/{role_name(ctx)}"


def oidc_provider(issuer_url: str) -> str:
    """``oidc.eks.<region>.amazonaws.com/id/<ID>`` from the cluster's issuer URL."""
    parsed = urlparse(issuer_url)
    return f"{parsed.netloc}{parsed.path}".rstrip("/")


def key_policy(account_id: str, workload_role_arn: str, region: str) -> dict[str, Any]:
    """Account administrators manage the key; only the tenant's role may use it, and only through S3."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountAdministration",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "TenantWorkloadUseViaS3",
                "Effect": "Allow",
                "Principal": {"AWS": workload_role_arn},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com", "kms:CallerAccount": account_id}},
            },
        ],
    }


def tls_only_policy(bucket: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def trust_policy(account_id: str, provider: str, subject: str) -> dict[str, Any]:
    """Only the tenant's Kubernetes service account may assume the role (IRSA)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": f"arn:aws:iam::{account_id}:oidc-provider/{provider}"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {f"{provider}:sub": subject, f"{provider}:aud": "sts.amazonaws.com"}},
            }
        ],
    }


def workload_policy(bucket: str, key_arn: str) -> dict[str, Any]:
    """The tenant's bucket and key, nothing else."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "ListTenantBucket", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": f"arn:aws:s3:::{bucket}"},
            {
                "Sid": "TenantObjects",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectVersion", "s3:AbortMultipartUpload"],
                "Resource": f"arn:aws:s3:::{bucket}/*",
            },
            {"Sid": "TenantKey", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"], "Resource": key_arn},
        ],
    }


def build(ctx: TenantContext) -> CloudResult:
    """Register the tenant's AWS resources; returns the identifiers other components consume."""
    name, spec = ctx.name, ctx.spec
    account = ctx.settings.account_id
    region = ctx.region
    bucket = bucket_name(ctx)
    workload = ctx.cluster is not None and ctx.cluster.oidc_issuer_url is not None

    key = aws.kms.Key(
        f"{name}-key",
        description=f"Plinth tenant {spec.id} data key ({ctx.environment})",
        enable_key_rotation=True,
        deletion_window_in_days=KEY_DELETION_WINDOW_DAYS,
        policy=json.dumps(key_policy(account, role_arn(ctx), region), sort_keys=True),
        tags=ctx.tags,
        opts=ctx.data_opts,
    )
    aws.kms.Alias(f"{name}-key-alias", name=f"alias/plinth/{ctx.environment}/{spec.id}", target_key_id=key.key_id, opts=ctx.opts)

    data = aws.s3.Bucket(f"{name}-data", bucket=bucket, force_destroy=False, tags=ctx.tags, opts=ctx.data_opts)
    child = ctx.after(data)
    aws.s3.BucketOwnershipControls(f"{name}-data-ownership", bucket=bucket, rule={"object_ownership": "BucketOwnerEnforced"}, opts=child)
    block = aws.s3.BucketPublicAccessBlock(
        f"{name}-data-public-access",
        bucket=bucket,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=child,
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-data-encryption",
        bucket=bucket,
        rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn}, "bucket_key_enabled": True}],
        opts=child,
    )
    versioning = aws.s3.BucketVersioning(f"{name}-data-versioning", bucket=bucket, versioning_configuration={"status": "Enabled"}, opts=child)
    aws.s3.BucketPolicy(
        f"{name}-data-tls-only",
        bucket=bucket,
        policy=json.dumps(tls_only_policy(bucket), sort_keys=True),
        opts=ctx.after(data, block),
    )
    aws.s3.BucketLifecycleConfiguration(
        f"{name}-data-lifecycle",
        bucket=bucket,
        rules=[
            {
                "id": "noncurrent-versions",
                "status": "Enabled",
                "filter": {},
                "noncurrent_version_expiration": {"noncurrent_days": conventions.TIER_NONCURRENT_RETENTION_DAYS[spec.tier]},
                "abort_incomplete_multipart_upload": {"days_after_initiation": ABORT_MULTIPART_DAYS},
            }
        ],
        opts=ctx.after(data, versioning),
    )

    outputs: dict[str, Any] = {"bucket": bucket, "bucket_arn": f"arn:aws:s3:::{bucket}", "key_arn": key.arn, "region": region}
    annotations: dict[str, Any] = {}
    if workload:
        provider = oidc_provider(ctx.cluster.oidc_issuer_url)
        role = aws.iam.Role(
            f"{name}-workload-role",
            name=role_name(ctx),
            description=f"Workload identity of tenant {spec.id} (IRSA)",
            assume_role_policy=json.dumps(trust_policy(account, provider, ctx.workload_subject), sort_keys=True),
            max_session_duration=3600,
            tags=ctx.tags,
            opts=ctx.opts,
        )
        aws.iam.RolePolicy(
            f"{name}-workload-policy",
            role=role_name(ctx),
            policy=key.arn.apply(lambda arn: json.dumps(workload_policy(bucket, arn), sort_keys=True)),
            opts=ctx.after(role),
        )
        outputs["role_arn"] = role_arn(ctx)
        annotations["eks.amazonaws.com/role-arn"] = role_arn(ctx)
    return CloudResult(outputs, annotations)
