"""AWS part of a tenant: KMS key, S3 data bucket with access logs, and an IRSA workload role.

Ordering follows what AWS enforces, not what the SDK accepts: a KMS key policy may only name
principals that exist (CreateKey fails with MalformedPolicyDocument otherwise), so the workload
role is created first and the key policy names it only when it is created; a role trusting a
federated principal needs the account's IAM OIDC provider for the cluster's issuer.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlparse

import pulumi
import pulumi_aws as aws

from components import conventions
from components.base import known_after
from components.tenant import budget as budgets
from components.tenant.context import CloudResult, TenantContext

KEY_DELETION_WINDOW_DAYS = 30
ABORT_MULTIPART_DAYS = 7
#: Audience of IRSA web identity tokens (https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html).
IRSA_AUDIENCE = "sts.amazonaws.com"
#: The S3 server access logging service principal
#: (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html).
LOGGING_SERVICE = "logging.s3.amazonaws.com"
ACCESS_LOG_PREFIX = "s3-access/"
KMS_USE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]


def bucket_name(ctx: TenantContext) -> str:
    # S3 names are global: the account id keeps two organisations' tenants apart.
    return ctx.physical("data", ctx.settings.account_id, max_len=conventions.S3_BUCKET_MAX)


def data_uri(ctx: TenantContext) -> str:
    """Where the tenant's workloads find its data (model artefacts...): the data bucket, as a URI."""
    return f"s3://{bucket_name(ctx)}/"


def workload_identity(ctx: TenantContext) -> dict[str, Any]:
    """What a pod needs, beyond running as the tenant's ServiceAccount, to act as the tenant on AWS: nothing.
    The EKS pod identity webhook mounts the IRSA token for the role annotated on the ServiceAccount."""
    return {}


def log_bucket_name(ctx: TenantContext) -> str:
    return ctx.physical("logs", ctx.settings.account_id, max_len=conventions.S3_BUCKET_MAX)


def role_name(ctx: TenantContext) -> str:
    return ctx.physical("workload", max_len=conventions.AWS_IAM_ROLE_MAX)


def role_arn(ctx: TenantContext) -> str:
    return f"arn:aws:iam::{ctx.settings.account_id}:role/{role_name(ctx)}"


def oidc_provider(issuer_url: str) -> str:
    """``oidc.eks.<region>.amazonaws.com/id/<ID>`` from the cluster's issuer URL."""
    parsed = urlparse(issuer_url)
    return f"{parsed.netloc}{parsed.path}".rstrip("/")


def oidc_provider_arn(account_id: str, issuer_url: str) -> str:
    """The ARN IAM gives the OIDC provider of ``issuer_url`` in ``account_id``."""
    return f"arn:aws:iam::{account_id}:oidc-provider/{oidc_provider(issuer_url)}"


def key_policy(
    account_id: str, region: str, *, workload_role_arn: str | None, log_bucket: str, data_bucket: str
) -> dict[str, Any]:
    """Account administrators manage the key; the tenant's role may use it only through S3; S3 may use it
    to encrypt the data bucket's access logs. A principal is only named once it exists."""
    statements: list[dict[str, Any]] = [
        {
            "Sid": "AccountAdministration",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "AccessLogDelivery",
            "Effect": "Allow",
            "Principal": {"Service": LOGGING_SERVICE},
            "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": account_id},
                "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{data_bucket}"},
            },
        },
    ]
    if workload_role_arn is not None:
        statements.insert(
            1,
            {
                "Sid": "TenantWorkloadUseViaS3",
                "Effect": "Allow",
                "Principal": {"AWS": workload_role_arn},
                "Action": KMS_USE,
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com", "kms:CallerAccount": account_id}
                },
            },
        )
    return {"Version": "2012-10-17", "Statement": statements}


def tls_only_statement(bucket: str) -> dict[str, Any]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def tls_only_policy(bucket: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [tls_only_statement(bucket)]}


def log_bucket_policy(log_bucket: str, data_bucket: str, account_id: str) -> dict[str, Any]:
    """TLS only, and S3's logging service may write the data bucket's logs under the access-log prefix."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            tls_only_statement(log_bucket),
            {
                "Sid": "S3ServerAccessLogsPolicy",
                "Effect": "Allow",
                "Principal": {"Service": LOGGING_SERVICE},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{log_bucket}/{ACCESS_LOG_PREFIX}*",
                "Condition": {
                    "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{data_bucket}"},
                    "StringEquals": {"aws:SourceAccount": account_id},
                },
            },
        ],
    }


def trust_policy(provider_arn: str, provider: str, subject: str) -> dict[str, Any]:
    """Only the tenant's Kubernetes service account may assume the role (IRSA)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {f"{provider}:sub": subject, f"{provider}:aud": IRSA_AUDIENCE}},
            }
        ],
    }


def workload_policy(bucket: str, key_arn: str, region: str) -> dict[str, Any]:
    """The tenant's bucket and key, nothing else; the key only through S3 (the key policy delegates to IAM)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ListTenantBucket",
                "Effect": "Allow",
                "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
                "Resource": f"arn:aws:s3:::{bucket}",
            },
            {
                "Sid": "TenantObjects",
                "Effect": "Allow",
                "Action": [
                    "s3:GetObject",
                    "s3:PutObject",
                    "s3:DeleteObject",
                    "s3:GetObjectVersion",
                    "s3:AbortMultipartUpload",
                ],
                "Resource": f"arn:aws:s3:::{bucket}/*",
            },
            {
                "Sid": "TenantKeyViaS3",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
                "Resource": key_arn,
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            },
        ],
    }


def needs_cluster_identity(cluster: Any) -> bool:
    """The stack creates the account's IAM OIDC provider unless the config names an existing one."""
    return cluster.oidc_issuer_url is not None and cluster.aws_oidc_provider_arn is None


def cluster_identity(
    name: str, environment: str, issuer_url: str, settings: Any, opts: pulumi.ResourceOptions
) -> dict[str, Any]:
    """The account's IAM OIDC provider for the cluster's issuer, which IRSA role trust names."""
    provider = aws.iam.OpenIdConnectProvider(
        f"{name}-aws-oidc", url=issuer_url, client_id_lists=[IRSA_AUDIENCE], opts=opts
    )
    return {"aws_oidc_provider_arn": known_after(oidc_provider_arn(settings.account_id, issuer_url), provider)}


def _workload_role(ctx: TenantContext) -> aws.iam.Role | None:
    """The IRSA role, when the tenant's cluster can federate into AWS (an OIDC issuer is known)."""
    if ctx.cluster is None or ctx.cluster.oidc_issuer_url is None:
        return None
    issuer = ctx.cluster.oidc_issuer_url
    provider_arn = (
        ctx.links.get("aws_oidc_provider_arn")
        or ctx.cluster.aws_oidc_provider_arn
        or oidc_provider_arn(ctx.settings.account_id, issuer)
    )
    trust = pulumi.Output.from_input(provider_arn).apply(
        lambda arn: json.dumps(trust_policy(arn, oidc_provider(issuer), ctx.workload_subject), sort_keys=True)
    )
    return aws.iam.Role(
        f"{ctx.name}-workload-role",
        name=role_name(ctx),
        description=f"Workload identity of tenant {ctx.spec.id} (IRSA)",
        assume_role_policy=trust,
        max_session_duration=3600,
        tags=ctx.tags,
        opts=ctx.opts,
    )


def _private_bucket(
    ctx: TenantContext, resource: str, bucket: str, key: aws.kms.Key, policy: Any
) -> tuple[aws.s3.Bucket, aws.s3.BucketVersioning]:
    """A bucket with SSE-KMS under the tenant key, ownership enforced, public access blocked, versioning, a policy."""
    name = f"{ctx.name}-{resource}"
    created = aws.s3.Bucket(name, bucket=bucket, force_destroy=False, tags=ctx.tags, opts=ctx.data_opts)
    child = ctx.after(created)
    aws.s3.BucketOwnershipControls(
        f"{name}-ownership", bucket=bucket, rule={"object_ownership": "BucketOwnerEnforced"}, opts=child
    )
    block = aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access",
        bucket=bucket,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=child,
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption",
        bucket=bucket,
        rules=[
            {
                "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn},
                "bucket_key_enabled": True,
            }
        ],
        opts=child,
    )
    versioning = aws.s3.BucketVersioning(
        f"{name}-versioning", bucket=bucket, versioning_configuration={"status": "Enabled"}, opts=child
    )
    aws.s3.BucketPolicy(
        f"{name}-{'tls-only' if resource == 'data' else 'policy'}",
        bucket=bucket,
        policy=json.dumps(policy, sort_keys=True),
        opts=ctx.after(created, block),
    )
    return created, versioning


def build(ctx: TenantContext) -> CloudResult:
    """Register the tenant's AWS resources; returns the identifiers other components consume."""
    name, spec = ctx.name, ctx.spec
    account, region = ctx.settings.account_id, str(ctx.region)
    bucket, logs = bucket_name(ctx), log_bucket_name(ctx)
    role = _workload_role(ctx)

    policy = key_policy(
        account, region, workload_role_arn=role_arn(ctx) if role else None, log_bucket=logs, data_bucket=bucket
    )
    key = aws.kms.Key(
        f"{name}-key",
        description=f"Plinth tenant {spec.id} data key ({ctx.environment})",
        enable_key_rotation=True,
        deletion_window_in_days=KEY_DELETION_WINDOW_DAYS,
        # Known at preview (policies read it), yet created only after the role it names exists.
        policy=known_after(json.dumps(policy, sort_keys=True), *([role] if role else [])),
        tags=ctx.tags,
        opts=ctx.data_opts,
    )
    aws.kms.Alias(
        f"{name}-key-alias", name=f"alias/plinth/{ctx.environment}/{spec.id}", target_key_id=key.key_id, opts=ctx.opts
    )

    log_bucket, log_versioning = _private_bucket(ctx, "logs", logs, key, log_bucket_policy(logs, bucket, account))
    aws.s3.BucketLifecycleConfiguration(
        f"{name}-logs-lifecycle",
        bucket=logs,
        rules=[
            {
                "id": "expire-access-logs",
                "status": "Enabled",
                "filter": {},
                "expiration": {"days": conventions.ACCESS_LOG_RETENTION_DAYS},
                "noncurrent_version_expiration": {"noncurrent_days": 30},
                "abort_incomplete_multipart_upload": {"days_after_initiation": ABORT_MULTIPART_DAYS},
            }
        ],
        opts=ctx.after(log_bucket, log_versioning),
    )
    data, versioning = _private_bucket(ctx, "data", bucket, key, tls_only_policy(bucket))
    aws.s3.BucketLogging(
        f"{name}-data-access-logs",
        bucket=bucket,
        target_bucket=logs,
        target_prefix=ACCESS_LOG_PREFIX,
        opts=ctx.after(data, log_bucket),
    )
    aws.s3.BucketLifecycleConfiguration(
        f"{name}-data-lifecycle",
        bucket=bucket,
        rules=[
            {
                "id": "noncurrent-versions",
                "status": "Enabled",
                "filter": {},
                "noncurrent_version_expiration": {
                    "noncurrent_days": conventions.TIER_NONCURRENT_RETENTION_DAYS[spec.tier]
                },
                "abort_incomplete_multipart_upload": {"days_after_initiation": ABORT_MULTIPART_DAYS},
            }
        ],
        opts=ctx.after(data, versioning),
    )

    outputs: dict[str, Any] = {
        "bucket": bucket,
        "bucket_arn": f"arn:aws:s3:::{bucket}",
        "key_arn": key.arn,
        "region": region,
        "log_bucket": logs,
    }
    annotations: dict[str, Any] = {}
    if role is not None:
        aws.iam.RolePolicy(
            f"{name}-workload-policy",
            role=role_name(ctx),
            policy=key.arn.apply(lambda arn: json.dumps(workload_policy(bucket, arn, region), sort_keys=True)),
            opts=ctx.after(role),
        )
        outputs["role_arn"] = role_arn(ctx)
        annotations["eks.amazonaws.com/role-arn"] = role_arn(ctx)
    monthly_budget(ctx)
    return CloudResult(outputs, annotations)


def budget_name(ctx: TenantContext) -> str:
    return ctx.physical("budget", max_len=conventions.AWS_BUDGET_NAME_MAX)


def monthly_budget(ctx: TenantContext) -> aws.budgets.Budget | None:
    """The tenant's AWS Budget: cost of the resources tagged ``tenant=<id>`` (the tag must be activated as a
    cost allocation tag in the billing console: https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/
    activating-tags.html), one notification per threshold and for the forecast."""
    spec = ctx.spec.budget
    if spec is None:
        return None
    return aws.budgets.Budget(
        f"{ctx.name}-budget",
        name=budget_name(ctx),
        account_id=ctx.settings.account_id,
        budget_type="COST",
        limit_amount=f"{spec.monthly:.2f}",
        limit_unit="USD",
        time_unit="MONTHLY",
        cost_filters=[{"name": "TagKeyValue", "values": [f"user:{conventions.TAG_TENANT}${ctx.spec.id}"]}],
        notifications=[
            {
                "comparison_operator": "GREATER_THAN",
                "threshold": n.threshold,
                "threshold_type": "PERCENTAGE",
                "notification_type": "FORECASTED" if n.forecast else "ACTUAL",
                "subscriber_email_addresses": list(n.emails),
            }
            for n in budgets.notifications(spec)
        ],
        tags=ctx.tags,
        opts=ctx.opts,
    )
