"""Tenant: one tenant spec -> Kubernetes isolation plus per-tenant keys, storage and identity.

Per-cloud work lives in one module per cloud (``aws``, ``gcp``, ``azure``, chosen through
:mod:`components.clouds`) and the cluster part in ``kubernetes``; this module validates the
arguments, decides what to build and how stateful resources are kept.
"""


from typing import Any, NotRequired, Optional, TypedDict, cast

import pulumi
from pydantic.alias_generators import to_camel

from components import clouds, conventions
from components.args import ArgsError, input_error, snake_case, unknown_keys, validate
from components.clouds import AwsAccountArgs, AzureSubscriptionArgs, GcpProjectArgs
from components.cluster import ClusterArgs, KubernetesSettings
from components.tenant import budget as budgets
from components.tenant import kubernetes as kubernetes_part
from components.tenant.context import CloudResult, TenantContext
from components.tenant.spec import TenantSpec, placement_problems, region_of


# --- Arguments (plain types: what a YAML or TypeScript program passes) ------------------------------
class OwnerGroupsArgs(TypedDict):
    """Who administers and who reads the tenant's namespace: identity-provider groups, bound to Roles."""

    admins: list[str]
    """Identity-provider groups bound to the namespaced tenant-admin Role (at least one)."""
    viewers: NotRequired[list[str]]
    """Groups bound to the read-only tenant-viewer Role (never Secrets)."""


class TenantQuotasArgs(TypedDict, total=False):
    """Limits of the tenant's ResourceQuota; each one left out keeps the tier's value."""

    cpu: str
    """CPU requests and limits, a Kubernetes quantity (``"8"``, ``"500m"``)."""
    memory: str
    """Memory requests and limits, a Kubernetes quantity (``"32Gi"``)."""
    pods: int
    """Maximum number of pods."""
    pvcs: int
    """Maximum number of PersistentVolumeClaims."""
    gpus: int
    """Maximum number of ``nvidia.com/gpu`` requested."""
    storage: str
    """Total storage requested by claims, a Kubernetes quantity."""


class TenantBudgetArgs(TypedDict):
    """A monthly budget on the tenant's cloud, scoped to its ``tenant`` tag or label."""

    monthly: float
    """Amount per calendar month in the billing account's currency (AWS: USD)."""
    thresholds: NotRequired[list[int]]
    """Percentages of the amount actually spent that notify (default 80 and 100; from 100 routed like P2)."""
    forecast_threshold: NotRequired[int]
    """Percentage of the amount the month's forecast may reach before it notifies (default 100; 0: none)."""
    notify: NotRequired[list[str]]
    """Email addresses that get warnings (below 100 %, and the forecast): routed like P3 alerts."""
    notify_exceeded: NotRequired[list[str]]
    """Email addresses that hear the budget is spent (from 100 %); default: ``notify``."""
    start_month: NotRequired[str]
    """Azure: the first month counted, ``YYYY-MM`` (default: the month of the first deployment)."""


class EgressRuleArgs(TypedDict):
    """A destination the tenant's pods may reach beyond DNS and their own namespace."""

    cidr: str
    """Destination network, e.g. ``52.95.0.0/16``."""
    ports: NotRequired[list[int]]
    """Destination ports (default 443)."""
    protocol: NotRequired[str]
    """``TCP`` (default) or ``UDP``."""
    acknowledge_internet: NotRequired[str]
    """Why a GDPR or HIPAA tenant may reach the whole internet (required with ``0.0.0.0/0`` for them)."""


class TenantArgs(TypedDict):
    id: str
    """DNS label of at most 20 characters, unique in the stack; names every resource. Never change it."""
    display_name: str
    """Human name of the tenant."""
    tier: str
    """``free``, ``standard``, ``premium`` or ``enterprise``: quotas, retention, protection."""
    cost_center: str
    """Cost center tag of every resource of the tenant."""
    owner_groups: OwnerGroupsArgs
    """Groups bound to the tenant's namespaced roles."""
    environment: str
    """The stack's environment: ``dev``, ``staging`` or ``prod`` (data is never deleted in prod)."""
    compliance: NotRequired[list[str]]
    """Frameworks the tenant's data falls under: ``gdpr``, ``hipaa``, ``soc2``."""
    cloud: NotRequired[str]
    """Where the tenant's keys, storage and identity live: ``aws``, ``gcp``, ``azure`` or ``none``."""
    region: NotRequired[str]
    """Cloud region; defaults to the region of the cloud's settings."""
    data_residency: NotRequired[str]
    """``eu``, ``us`` or ``any`` (default), checked against the region."""
    quotas: NotRequired[TenantQuotasArgs]
    """Overrides of the tier's ResourceQuota."""
    allowed_egress: NotRequired[list[EgressRuleArgs]]
    """Destinations beyond DNS and the tenant's own namespace."""
    data_deletion: NotRequired[str]
    """``retain`` (default) or ``delete`` (never for premium/enterprise tiers or prod)."""
    tags: NotRequired[dict[str, str]]
    """The tenant's own tags; they win over every other tag."""
    budget: NotRequired[TenantBudgetArgs]
    """A monthly budget (AWS Budget, GCP billing budget or Azure consumption budget) with email notifications."""
    stack_tags: NotRequired[dict[str, str]]
    """Tags every resource of the stack carries; the tenant's identity tags and own tags win over them."""
    cluster: NotRequired[ClusterArgs]
    """The cluster the tenant's namespace is created on; without it no Kubernetes objects are created."""
    aws: NotRequired[AwsAccountArgs]
    """The AWS account (when ``cloud`` is ``aws``)."""
    gcp: NotRequired[GcpProjectArgs]
    """The GCP project (when ``cloud`` is ``gcp``)."""
    azure: NotRequired[AzureSubscriptionArgs]
    """The Azure subscription (when ``cloud`` is ``azure``)."""


# --- Outputs ---------------------------------------------------------------------------------------
class TenantAwsOutputs(TypedDict):
    """What a tenant on AWS has: its bucket, key and workload role."""

    bucket: str
    """The tenant's S3 data bucket."""
    log_bucket: str
    """The bucket that receives the data bucket's server access logs."""
    bucket_arn: str
    """ARN of the tenant's S3 data bucket."""
    key_arn: str
    """ARN of the tenant's KMS key."""
    region: str
    """The AWS region of the bucket and the key."""
    role_arn: NotRequired[str]
    """The workload IAM role (when the tenant has a cluster with an OIDC issuer)."""


class TenantGcpOutputs(TypedDict):
    """What a tenant on GCP has: its bucket, key and workload service account."""

    bucket: str
    """The tenant's Cloud Storage data bucket."""
    key_id: str
    """The tenant's Cloud KMS crypto key (``projects/.../cryptoKeys/...``)."""
    region: str
    """The GCP region of the bucket and the key ring."""
    service_account_email: str
    """The tenant's workload service account."""


class TenantAzureOutputs(TypedDict):
    """What a tenant on Azure has: its resource group, storage, Key Vault and workload identity."""

    resource_group: str
    """The resource group holding every Azure resource of the tenant."""
    storage_account: str
    """The tenant's storage account."""
    container: str
    """The blob container for the tenant's data in that account."""
    key_vault: str
    """The tenant's Key Vault."""
    key_id: str
    """The tenant's Key Vault key (versionless URI)."""
    region: str
    """The Azure location of the tenant's resources."""
    identity_client_id: str
    """Client id of the tenant's workload managed identity."""


_SPEC_FIELDS = frozenset(TenantSpec.model_fields)
#: Cluster arguments that name the stack's identity resources (components/tenant/identity.py).
LINK_KEYS = ("aws_oidc_provider_arn", "gcp_workload_identity_provider")
_CLOUD_ARGS = {name: name for name in clouds.CLOUDS}


def tenant_tags(spec: TenantSpec, base: dict[str, str]) -> dict[str, str]:
    """Stack tags, then the tenant's identity tags, then the tenant's own tags (user wins)."""
    merged = conventions.tags(
        base,
        tenant=spec.id,
        tier=spec.tier,
        cost_center=spec.cost_center,
        data_residency=spec.data_residency,
        compliance=".".join(sorted(spec.compliance)) or None,
        data_deletion="delete" if spec.data_deletion == "delete" else None,
    )
    return merged | dict(spec.tags)


def data_options(spec: TenantSpec) -> pulumi.ResourceOptions:
    """How keys, buckets, vaults and storage accounts are kept.

    Unless the spec says ``dataDeletion: delete`` they are both protected and retained on
    delete: removing the tenant (or ``pulumi destroy``) stops with an error naming them, and
    even after someone unprotects them on purpose (``pulumi state unprotect``) Pulumi only
    forgets them - the data stays in the cloud. ``protect`` is also what policy packs can see
    (the analyzer protocol does not carry ``retainOnDelete``).
    """
    keep = spec.data_deletion == "retain"
    return pulumi.ResourceOptions(retain_on_delete=keep, protect=keep)


def collect(values: dict[str, Any]) -> pulumi.Output[dict[str, Any]]:
    """One Output for a flat dict whose values may be Outputs.

    ``Output.from_input`` would make an Output per key; at a thousand tenants those extra
    Outputs are a measurable share of the preview, so only the real Outputs are awaited.
    """
    keys = [k for k, v in values.items() if isinstance(v, pulumi.Output)]
    return pulumi.Output.all(*(values[k] for k in keys)).apply(lambda resolved: {**values, **dict(zip(keys, resolved))})


class Validated:
    """A tenant's arguments after validation: the spec and the stack facts it is checked against."""

    def __init__(self, args: TenantArgs):
        if unknown := unknown_keys(args, TenantArgs):
            raise ArgsError(unknown)
        spec_input = {k: v for k, v in args.items() if k in _SPEC_FIELDS}
        self.spec = validate(TenantSpec, spec_input, "args")
        self.environment = str(args.get("environment", ""))
        if self.environment not in ("dev", "staging", "prod"):
            raise ArgsError([("args.environment", f"must be dev, staging or prod (found {self.environment!r})")])
        cluster = dict(args.get("cluster") or {}) if args.get("cluster") is not None else None
        #: Identity resources named as values that wait for them (Outputs), kept out of validation.
        self.links: dict[str, Any] = {}
        if cluster is not None:
            for key in LINK_KEYS:
                if (
                    isinstance(cluster.get(key), pulumi.Output)
                    or key not in KubernetesSettings.model_fields
                    and key in cluster
                ):
                    self.links[key] = cluster.pop(key)
        self.cluster = validate(KubernetesSettings, cluster, "args.cluster") if cluster is not None else None
        self.settings: Any = None
        if self.spec.cloud != "none" and args.get(self.spec.cloud) is not None:
            entry = clouds.cloud(self.spec.cloud)
            self.settings = validate(entry.settings, dict(cast(Any, args)[self.spec.cloud]), f"args.{self.spec.cloud}")
        self.region = region_of(self.spec, self.settings)
        problems = []
        for scope, key, message in placement_problems(
            self.spec, environment=self.environment, cluster=self.cluster, settings=self.settings, region=self.region
        ):
            if scope == "stack":
                key = key.replace("kubernetes.", "cluster.")
            problems.append((f"args.{_snake_path(key)}", message.replace("the stack has no plinth:", "args has no ")))
        if problems:
            raise ArgsError(problems)


def _snake_path(path: str) -> str:
    return ".".join(snake_case(part) for part in path.split("."))


class Tenant(pulumi.ComponentResource):
    """Everything one tenant needs, secure by default: a Kubernetes namespace with isolation, and on its
    cloud a customer-managed key, a private encrypted bucket or storage account, and a workload identity."""

    namespace: pulumi.Output[Optional[str]]
    """The tenant's Kubernetes namespace (none when there is no cluster)."""
    service_account: pulumi.Output[Optional[str]]
    """The workload ServiceAccount in that namespace, bound to the cloud identity."""
    aws: Optional[pulumi.Output[TenantAwsOutputs]]
    """AWS identifiers (tenants on AWS)."""
    gcp: Optional[pulumi.Output[TenantGcpOutputs]]
    """GCP identifiers (tenants on GCP)."""
    azure: Optional[pulumi.Output[TenantAzureOutputs]]
    """Azure identifiers (tenants on Azure)."""
    summary: pulumi.Output[dict[str, Any]]
    """What other stacks consume (the ``tenants.<id>`` stack output): id, tier, namespace, identifiers."""

    def __init__(self, name: str, args: TenantArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(conventions.type_token("Tenant"), name, None, opts)
        try:
            valid = Validated(args)
        except ArgsError as err:
            raise input_error(f"Tenant {name}", err) from None
        spec = valid.spec
        self.spec = spec
        tags = tenant_tags(spec, dict(args.get("stack_tags") or {}))
        child = pulumi.ResourceOptions(parent=self)
        ctx = TenantContext(
            name=name,
            spec=spec,
            environment=valid.environment,
            cluster=valid.cluster,
            settings=valid.settings,
            region=valid.region,
            links=valid.links,
            tags=tags,
            opts=child,
            data_opts=pulumi.ResourceOptions.merge(child, data_options(spec)),
        )

        result = CloudResult({})
        if spec.cloud != "none":
            result = clouds.cloud(spec.cloud).tenant_builder()(ctx)

        namespace = service_account = None
        if valid.cluster is not None:
            manifests = kubernetes_part.manifests(
                spec,
                valid.environment,
                valid.cluster,
                result.workload_annotations or None,
                result.workload_files or None,
            )
            kubernetes_part.create(name, manifests, child, retain_namespace=spec.data_deletion == "retain")
            namespace, service_account = ctx.namespace, ctx.service_account

        cloud_outputs = collect(result.outputs) if spec.cloud != "none" else None
        self.namespace = pulumi.Output.from_input(namespace)
        self.service_account = pulumi.Output.from_input(service_account)
        self.aws = cloud_outputs if spec.cloud == "aws" else None  # type: ignore[assignment]
        self.gcp = cloud_outputs if spec.cloud == "gcp" else None  # type: ignore[assignment]
        self.azure = cloud_outputs if spec.cloud == "azure" else None  # type: ignore[assignment]
        self.summary = collect(
            {
                "id": spec.id,
                "tier": spec.tier,
                "compliance": list(spec.compliance),
                "cloud": spec.cloud,
                "namespace": namespace,
                "serviceAccount": service_account,
                **{to_camel(k): v for k, v in result.outputs.items()},
            }
        )
        self.register_outputs({"summary": self.summary})


def args_from_spec(
    spec: TenantSpec,
    *,
    environment: str,
    cluster: KubernetesSettings | None,
    cloud_settings: Any,
    stack_tags: dict[str, str],
    links: dict[str, Any] | None = None,
    monitoring: Any = None,
) -> TenantArgs:
    """The component's arguments for one ``plinth:tenants`` entry of a validated stack config.

    ``links``: the stack's ClusterIdentity outputs (``aws_oidc_provider_arn``, ...), which the
    tenant's roles and bindings wait for. ``monitoring``: the stack's monitoring section, whose P2/P3
    routes address the budget's notifications.
    """
    args: dict[str, Any] = spec.model_dump(exclude_none=True)
    if spec.budget is not None:
        # The recipients the stack routes P2/P3 alerts to, where the spec names none.
        args["budget"] = budgets.resolved(spec.budget, monitoring).model_dump(exclude_none=True)
    args["environment"] = environment
    args["stack_tags"] = dict(stack_tags)
    if cluster is not None:
        args["cluster"] = {**cluster.model_dump(exclude_none=True, exclude={"context"}), **(links or {})}
    if spec.cloud != "none" and cloud_settings is not None:
        args[spec.cloud] = cloud_settings.model_dump()
    return args  # type: ignore[return-value]


__all__ = ["Tenant", "TenantArgs", "TenantSpec", "tenant_tags", "data_options", "args_from_spec"]
