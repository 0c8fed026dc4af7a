"""GCP part of a tenant: KMS key ring and key, a CMEK Cloud Storage bucket and a workload service account.

Identity follows the cluster, not the data (DESIGN): pods on a GKE cluster reach the service
account through GKE Workload Identity (the cluster project's ``<project>.svc.id.goog`` pool); pods
on any other cluster (EKS, AKS, ...) through Workload Identity Federation with a pool and OIDC
provider that trust the cluster's issuer (:func:`cluster_identity`, one per stack).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pulumi
import pulumi_gcp as gcp

from components import conventions
from components.base import known_after
from components.tenant import budget as budgets
from components.tenant.context import CloudResult, TenantContext

#: Key rotation period (90 days) and how long destroyed key versions stay recoverable (30 days).
ROTATION_PERIOD = f"{90 * 24 * 3600}s"
DESTROY_SCHEDULED = f"{30 * 24 * 3600}s"
SOFT_DELETE_SECONDS = 7 * 24 * 3600
#: Where a workload mounts its projected ServiceAccount token for Workload Identity Federation.
TOKEN_PATH = "/var/run/secrets/plinth/gcp/token"
CREDENTIALS_FILE = "credential-configuration.json"


def bucket_name(ctx: TenantContext) -> str:
    # GCS names are global: the project id keeps two organisations' tenants apart.
    return ctx.physical("data", ctx.settings.project, max_len=conventions.GCS_BUCKET_MAX)


def service_account_id(ctx: TenantContext) -> str:
    """6-30 chars, starts with a letter; hashed when the tenant id is long."""
    return conventions.physical_name("tn", ctx.environment, ctx.spec.id, max_len=conventions.GCP_SERVICE_ACCOUNT_MAX)


def service_account_email(ctx: TenantContext) -> str:
    return f"{service_account_id(ctx)}@{ctx.settings.project}.iam.gserviceaccount.com"


def gke_member(pool_project: str, namespace: str, service_account: str) -> str:
    """GKE Workload Identity principal of a Kubernetes service account."""
    return f"serviceAccount:{pool_project}.svc.id.goog[{namespace}/{service_account}]"


def federated_member(provider_name: str, subject: str) -> str:
    """Workload Identity Federation principal of one token subject, in the provider's pool."""
    pool = provider_name.split("/providers/", 1)[0]
    return f"principal://iam.googleapis.com/{pool}/subject/{subject}"


def pool_id(environment: str, issuer_url: str) -> str:
    """4-32 characters, ``[a-z][a-z0-9-]*[a-z0-9]``, never ``gcp-...`` (reserved by Google)."""
    return conventions.physical_name(
        "plinth", environment, conventions.short_hash(issuer_url), max_len=conventions.GCP_WIF_ID_MAX
    )


def provider_name(project_number: str, environment: str, issuer_url: str) -> str:
    pool = pool_id(environment, issuer_url)
    return f"projects/{project_number}/locations/global/workloadIdentityPools/{pool}/providers/{pool}-k8s"


def credential_configuration(provider: str, email: str) -> dict[str, Any]:
    """The ``external_account`` file Google's client libraries read (GOOGLE_APPLICATION_CREDENTIALS):
    exchange the pod's projected token (audience ``//iam.googleapis.com/<provider>``) for the tenant's
    service account. https://cloud.google.com/iam/docs/workload-identity-federation-with-kubernetes"""
    return {
        "type": "external_account",
        "audience": f"//iam.googleapis.com/{provider}",
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
        "token_url": "https://sts.googleapis.com/v1/token",
        "credential_source": {"file": TOKEN_PATH, "format": {"type": "text"}},
        "service_account_impersonation_url": f"https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/{email}:generateAccessToken",
    }


def data_uri(ctx: TenantContext) -> str:
    """Where the tenant's workloads find its data (model artefacts...): the data bucket, as a URI."""
    return f"gs://{bucket_name(ctx)}/"


def workload_identity(ctx: TenantContext) -> dict[str, Any]:
    """What a pod needs to act as the tenant on GCP. On GKE nothing (the ServiceAccount's annotation); on
    any other cluster with an issuer, the Workload Identity Federation provider whose audience its
    projected token must carry (:func:`federation_volume`)."""
    cluster = ctx.cluster
    if cluster is None or cluster.distribution == "gke" or cluster.oidc_issuer_url is None:
        return {}
    provider = provider_name(ctx.settings.project_number, ctx.environment, cluster.oidc_issuer_url)
    return {"gcp_workload_identity_provider": provider}


#: Where a pod mounts the credential configuration and its token (the directory of TOKEN_PATH).
CREDENTIALS_DIR = TOKEN_PATH.rsplit("/", 1)[0]
#: Lifetime of the projected token; the kubelet renews it at 80 %.
TOKEN_SECONDS = 3600


def federation_volume(provider: str) -> dict[str, Any]:
    """The projected volume a pod on a cluster other than GKE mounts at CREDENTIALS_DIR: the tenant's
    ``workload-identity`` ConfigMap (the credential configuration, which reads the token from TOKEN_PATH)
    and a ServiceAccount token for the provider's audience. Set GOOGLE_APPLICATION_CREDENTIALS to
    ``CREDENTIALS_DIR/CREDENTIALS_FILE``."""
    from components.tenant.kubernetes import IDENTITY_CONFIG_MAP

    return {
        "name": "gcp-workload-identity",
        "projected": {
            "sources": [
                {
                    "configMap": {
                        "name": IDENTITY_CONFIG_MAP,
                        "items": [{"key": CREDENTIALS_FILE, "path": CREDENTIALS_FILE}],
                    }
                },
                {
                    "serviceAccountToken": {
                        "audience": f"//iam.googleapis.com/{provider}",
                        "expirationSeconds": TOKEN_SECONDS,
                        "path": TOKEN_PATH.rsplit("/", 1)[1],
                    }
                },
            ]
        },
    }


def key_ring_id(ctx: TenantContext) -> str:
    """``projects/<p>/locations/<region>/keyRings/<name>``: the provider's id format."""
    ring = ctx.physical("keyring", max_len=conventions.GCP_KMS_MAX)
    return f"projects/{ctx.settings.project}/locations/{ctx.region}/keyRings/{ring}"


def crypto_key_id(ctx: TenantContext) -> str:
    return f"{key_ring_id(ctx)}/cryptoKeys/{ctx.physical('data', max_len=conventions.GCP_KMS_MAX)}"


def needs_cluster_identity(cluster: Any) -> bool:
    """Clusters other than GKE reach GCP through a Workload Identity Federation pool for their issuer."""
    return cluster.oidc_issuer_url is not None and cluster.distribution != "gke"


def cluster_identity(
    name: str, environment: str, issuer_url: str, settings: Any, opts: pulumi.ResourceOptions
) -> dict[str, Any]:
    """A Workload Identity Federation pool and OIDC provider that trust the cluster's service-account tokens."""
    pool = pool_id(environment, issuer_url)
    created = gcp.iam.WorkloadIdentityPool(
        f"{name}-gcp-pool",
        workload_identity_pool_id=pool,
        project=settings.project,
        display_name=f"Plinth {environment} cluster"[:32],
        description=f"Kubernetes service accounts of {issuer_url}"[:256],
        opts=opts,
    )
    provider = gcp.iam.WorkloadIdentityPoolProvider(
        f"{name}-gcp-provider",
        workload_identity_pool_id=pool,
        workload_identity_pool_provider_id=f"{pool}-k8s",
        project=settings.project,
        display_name="Kubernetes issuer",
        # The subject is system:serviceaccount:<namespace>:<name>; only Kubernetes service accounts get in.
        attribute_mapping={"google.subject": "assertion.sub"},
        attribute_condition="assertion.sub.startsWith('system:serviceaccount:')",
        oidc={"issuer_uri": issuer_url},
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[created])),
    )
    return {
        "gcp_workload_identity_provider": known_after(
            provider_name(settings.project_number, environment, issuer_url), provider
        )
    }


def _storage_agent_member(ctx: TenantContext) -> pulumi.Output[str]:
    """The project's Cloud Storage service agent, which encrypts objects with the bucket's default key.

    Google creates the agent on first use; the provider's lookup (the storage API's
    projects.serviceAccount.get) creates it when missing, so the key grant works in a fresh project.
    It takes the project number (the API accepts either), which the offline engine answers from.
    """
    agent = gcp.storage.get_project_service_account_output(project=ctx.settings.project_number)
    return agent.email_address.apply(lambda email: f"serviceAccount:{email}")


def _workload_binding(ctx: TenantContext, account: gcp.serviceaccount.Account) -> CloudResult | None:
    """Let the tenant's Kubernetes ServiceAccount act as its GCP service account, the way its cluster allows."""
    cluster = ctx.cluster
    if cluster is None:
        return None
    email = service_account_email(ctx)
    sa_resource = f"projects/{ctx.settings.project}/serviceAccounts/{email}"
    if cluster.distribution == "gke":
        member: Any = gke_member(cluster.gke_project or ctx.settings.project, ctx.namespace, ctx.service_account)
        annotations: dict[str, Any] = {"iam.gke.io/gcp-service-account": email}
        files: dict[str, Any] = {}
    elif cluster.oidc_issuer_url is not None:
        provider = ctx.links.get("gcp_workload_identity_provider") or provider_name(
            ctx.settings.project_number, ctx.environment, cluster.oidc_issuer_url
        )
        provider_output = pulumi.Output.from_input(provider)
        member = provider_output.apply(lambda p: federated_member(p, ctx.workload_subject))
        annotations = {}
        files = {
            CREDENTIALS_FILE: provider_output.apply(
                lambda p: json.dumps(credential_configuration(p, email), indent=2, sort_keys=True)
            )
        }
    else:
        return None
    gcp.serviceaccount.IAMMember(
        f"{ctx.name}-workload-identity",
        service_account_id=sa_resource,
        role="roles/iam.workloadIdentityUser",
        member=member,
        opts=ctx.after(account),
    )
    return CloudResult({}, annotations, files)


def build(ctx: TenantContext) -> CloudResult:
    name, spec = ctx.name, ctx.spec
    project, region = ctx.settings.project, str(ctx.region)
    ring = gcp.kms.KeyRing(
        f"{name}-keyring", name=key_ring_id(ctx).rsplit("/", 1)[1], location=region, project=project, opts=ctx.data_opts
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
        member=_storage_agent_member(ctx),
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
                "condition": {
                    "days_since_noncurrent_time": conventions.TIER_NONCURRENT_RETENTION_DAYS[spec.tier],
                    "with_state": "ARCHIVED",
                },
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
    outputs: dict[str, Any] = {
        "bucket": bucket_name(ctx),
        "key_id": crypto_key_id(ctx),
        "region": region,
        "service_account_email": service_account_email(ctx),
    }
    binding = _workload_binding(ctx, account)
    gcp.storage.BucketIAMMember(
        f"{name}-data-workload-access",
        bucket=bucket_name(ctx),
        role="roles/storage.objectUser",
        member=f"serviceAccount:{service_account_email(ctx)}",
        opts=ctx.after(bucket, account),
    )
    monthly_budget(ctx)
    if binding is None:
        return CloudResult(outputs)
    return CloudResult(outputs, binding.workload_annotations, binding.workload_files)


def monthly_budget(ctx: TenantContext) -> gcp.billing.Budget | None:
    """The tenant's billing budget on the stack's billing account: the project's cost of resources labelled
    ``tenant=<id>`` (a budget filter takes one label), each threshold and the forecast notifying email
    notification channels (GCP sends every threshold to all of a budget's channels)."""
    spec = ctx.spec.budget
    if spec is None:
        return None
    project = ctx.settings.project
    emails = list(dict.fromkeys([*spec.notify, *spec.notify_exceeded]))
    channels = [
        gcp.monitoring.NotificationChannel(
            f"{ctx.name}-budget-{hashlib.sha256(email.encode()).hexdigest()[:8]}",
            project=project,
            display_name=f"Plinth {ctx.environment} {ctx.spec.id} budget: {email}",
            type="email",
            labels={"email_address": email},
            user_labels=ctx.labels,
            opts=ctx.opts,
        )
        for email in emails
    ]
    units = int(spec.monthly)
    tenant_label = conventions.gcp_labels({conventions.TAG_TENANT: ctx.spec.id})
    return gcp.billing.Budget(
        f"{ctx.name}-budget",
        billing_account=ctx.settings.billing_account,
        display_name=ctx.physical("budget", max_len=conventions.GCP_BUDGET_NAME_MAX),
        budget_filter={
            "projects": [f"projects/{ctx.settings.project_number}"],
            "labels": tenant_label,
            "calendar_period": "MONTH",
            "credit_types_treatment": "INCLUDE_ALL_CREDITS",
        },
        amount={"specified_amount": {"units": str(units), "nanos": round((spec.monthly - units) * 1e9)}},
        threshold_rules=[
            {
                "threshold_percent": n.threshold / 100,
                "spend_basis": "FORECASTED_SPEND" if n.forecast else "CURRENT_SPEND",
            }
            for n in budgets.notifications(spec)
        ],
        all_updates_rule={"monitoring_notification_channels": [c.id for c in channels]},
        opts=ctx.after(*channels),
    )
