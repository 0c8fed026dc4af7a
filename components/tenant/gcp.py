"""GCP part of a tenant: KMS key ring and key, a CMEK Cloud Storage bucket and a workload service account."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_gcp as gcp

from components import conventions
from components.tenant.context import CloudResult, TenantContext

#: Key rotation period (90 days) and how long destroyed key versions stay recoverable (30 days).
ROTATION_PERIOD = f"{90 * 24 * 3600}s"
DESTROY_SCHEDULED = f"{30 * 24 * 3600}s"
SOFT_DELETE_SECONDS = 7 * 24 * 3600


def bucket_name(ctx: TenantContext) -> str:
    # GCS names are global: the project id keeps two organisations' tenants apart.
    return ctx.physical("data", ctx.settings.project, max_len=conventions.GCS_BUCKET_MAX)


def service_account_id(ctx: TenantContext) -> str:
    """6-30 chars, starts with a letter; hashed when the tenant id is long."""
    return conventions.physical_name("tn", ctx.environment, ctx.spec.id, max_len=conventions.GCP_SERVICE_ACCOUNT_MAX)


def service_account_email(ctx: TenantContext) -> str:
    return f"{service_account_id(ctx)}@{ctx.settings.project}.iam.gserviceaccount.com"


def storage_agent(project_number: str) -> str:
    """The Cloud Storage service agent, which encrypts objects with the bucket's default key."""
    return f"serviceAccount:service-{project_number}@gs-project-accounts.iam.gserviceaccount.com"


def workload_member(project: str, namespace: str, service_account: str) -> str:
    """GKE workload identity principal of a Kubernetes service account."""
    return f"serviceAccount:{project}.svc.id.goog[{namespace}/{service_account}]"


def key_ring_id(ctx: TenantContext) -> str:
    """``projects/<p>/locations/<region>/keyRings/<name>``: the provider's id format."""
    return f"projects/{ctx.settings.project}/locations/{ctx.region}/keyRings/{ctx.physical('keyring', max_len=conventions.GCP_KMS_MAX)}"


def crypto_key_id(ctx: TenantContext) -> str:
    return f"{key_ring_id(ctx)}/cryptoKeys/{ctx.physical('data', max_len=conventions.GCP_KMS_MAX)}"


def build(ctx: TenantContext) -> CloudResult:
    name, spec = ctx.name, ctx.spec
    project, region = ctx.settings.project, ctx.region
    ring = gcp.kms.KeyRing(
        f"{name}-keyring",
        name=key_ring_id(ctx).rsplit("/", 1)[1],
        location=region,
        project=project,
        opts=ctx.data_opts,
    )
    key = gcp.kms.CryptoKey(
        f"{name}-key",
        name=crypto_key_id(ctx).rsplit("/", 1)[1],
        key_ring=key_ring_id(ctx),
        purpose="ENCRYPT_DECRYPT",
        rotation_period=ROTATION_PERIOD,
        destroy_scheduled_duration=DESTROY_SCHEDULED,
        labels=ctx.labels,
        opts=ctx.after(ring, data=True),
    )
    agent = gcp.kms.CryptoKeyIAMMember(
        f"{name}-key-storage-agent",
        crypto_key_id=crypto_key_id(ctx),
        role="roles/cloudkms.cryptoKeyEncrypterDecrypter",
        member=storage_agent(ctx.settings.project_number),
        opts=ctx.after(key),
    )
    bucket = gcp.storage.Bucket(
        f"{name}-data",
        name=bucket_name(ctx),
        project=project,
        location=region.upper(),
        uniform_bucket_level_access=True,
        public_access_prevention="enforced",
        versioning={"enabled": True},
        encryption={"default_kms_key_name": crypto_key_id(ctx)},
        soft_delete_policy={"retention_duration_seconds": SOFT_DELETE_SECONDS},
        lifecycle_rules=[
            {
                "action": {"type": "Delete"},
                "condition": {"days_since_noncurrent_time": conventions.TIER_NONCURRENT_RETENTION_DAYS[spec.tier], "with_state": "ARCHIVED"},
            },
            {"action": {"type": "AbortIncompleteMultipartUpload"}, "condition": {"age": 7}},
        ],
        force_destroy=False,
        labels=ctx.labels,
        opts=ctx.after(key, agent, data=True),
    )
    account = gcp.serviceaccount.Account(
        f"{name}-workload-sa",
        account_id=service_account_id(ctx),
        display_name=f"Plinth tenant {spec.id} workloads",
        project=project,
        opts=ctx.opts,
    )
    outputs: dict[str, Any] = {"bucket": bucket_name(ctx), "key_id": crypto_key_id(ctx), "region": region, "service_account_email": service_account_email(ctx)}
    annotations: dict[str, Any] = {}
    if ctx.cluster is not None:
        gcp.serviceaccount.IAMMember(
            f"{name}-workload-identity",
            service_account_id=f"projects/{project}/serviceAccounts/{service_account_email(ctx)}",
            role="roles/iam.workloadIdentityUser",
            member=workload_member(project, ctx.namespace, ctx.service_account),
            opts=ctx.after(account),
        )
        annotations["iam.gke.io/gcp-service-account"] = service_account_email(ctx)
    gcp.storage.BucketIAMMember(
        f"{name}-data-workload-access",
        bucket=bucket_name(ctx),
        role="roles/storage.objectUser",
        member=f"serviceAccount:{service_account_email(ctx)}",
        opts=ctx.after(bucket, account),
    )
    return CloudResult(outputs, annotations)
