"""The clouds Plinth deploys to: one entry per cloud, so no other module switches on a cloud's name.

An entry says how the stack configures the cloud (its settings model and the region key), how a
region is named and whether it is in the EU/EEA (GDPR residency), how resources carry metadata
(tags, or GCP's restricted labels), where a resource's location is read from, how workloads get an
identity there, and how Plinth's explicit provider for one region is made. Provider SDKs are
imported only when a provider is made, so reading config stays fast.

Adding a cloud means one entry here, one ``components/tenant/<cloud>.py`` and one ``components/backup/<cloud>.py``
module.
"""

import importlib
import ipaddress
import re
from dataclasses import dataclass
from typing import Annotated, Any, Callable, Mapping, NotRequired, TypedDict

import pulumi
from pydantic import Field, StringConstraints, field_validator

from components.base import StrictModel

# --- Settings of each cloud (the stack config's plinth:aws / plinth:gcp / plinth:azure) -------------
AWS_REGION = r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$"
GCP_REGION = r"^[a-z]+-[a-z]+\d+$"
AZURE_REGION = r"^[a-z][a-z0-9]+$"
Uuid = Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")]


class AwsSettings(StrictModel):
    """The AWS account a stack deploys to."""

    region: Annotated[str, StringConstraints(pattern=AWS_REGION)]
    account_id: Annotated[str, StringConstraints(pattern=r"^\d{12}$")]
    """The account the stack deploys to (for key policies and IRSA trust)."""


class GcpSettings(StrictModel):
    """The GCP project a stack deploys to."""

    project: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")]
    region: Annotated[str, StringConstraints(pattern=GCP_REGION)]
    project_number: Annotated[str, StringConstraints(pattern=r"^\d{6,20}$")]
    """Numeric project id (names the project's workload identity pools and service agents)."""
    billing_account: Annotated[str, StringConstraints(pattern=r"^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$")] | None = None
    """The Cloud Billing account the project bills to (``012345-6789AB-CDEF01``): needed for tenant budgets."""


SubnetId = Annotated[
    str,
    StringConstraints(
        pattern=r"^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+/subnets/[^/]+$"
    ),
]
Duration = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]*(s|m)$")]


class AzureSettings(StrictModel):
    """The Azure subscription a stack deploys to."""

    location: Annotated[str, StringConstraints(pattern=AZURE_REGION)]
    tenant_id: Uuid
    """The Entra ID (Azure AD) tenant that Key Vaults trust."""
    subscription_id: Uuid
    allowed_subnet_ids: list[SubnetId] = Field(default_factory=list)
    """Subnets whose workloads reach tenant storage accounts (e.g. the AKS node subnet; it needs the
    Microsoft.Storage service endpoint). Storage accounts deny every other network."""
    allowed_ip_ranges: list[str] = Field(default_factory=list)
    """Public egress addresses of the cluster (NAT gateway IPs or prefixes up to /30) allowed to reach
    tenant storage accounts, for clusters outside Azure."""
    role_assignment_propagation: Duration = "120s"
    """How long to wait after granting the storage account's identity the key before the account uses
    it: Azure role assignments take effect after a delay (up to minutes)."""

    @field_validator("allowed_ip_ranges")
    @classmethod
    def _public_ranges(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                network = ipaddress.ip_network(item, strict=True)
            except ValueError as err:
                raise ValueError(f"{item!r} is not an IPv4 address or range ({err})") from None
            if network.version != 4 or not network.is_global:
                raise ValueError(
                    f"{item!r} is not a public IPv4 address or range: Azure storage firewalls only take public IPv4"
                )
            if network.prefixlen in (31, 32) and "/" in item:
                raise ValueError(
                    f"{item!r}: Azure storage rules do not take /31 or /32 ranges; write the single addresses"
                )
        return value


# Plain-typed settings for components' arguments (same fields, Python names).
class AwsAccountArgs(TypedDict):
    """The AWS account resources are created in."""

    region: str
    """Default region of the account (the tenant's region when it sets none)."""
    account_id: str
    """The 12-digit account the tenant's resources live in."""


class GcpProjectArgs(TypedDict):
    """The GCP project resources are created in."""

    project: str
    """The project id the tenant's resources live in."""
    region: str
    """Default region (the tenant's region when it sets none)."""
    project_number: str
    """The project's numeric id."""
    billing_account: NotRequired[str]
    """The Cloud Billing account the project bills to (tenant budgets need it)."""


class AzureSubscriptionArgs(TypedDict):
    """The Azure subscription resources are created in."""

    location: str
    """Default location (the tenant's region when it sets none)."""
    tenant_id: str
    """The Entra ID tenant that Key Vaults trust."""
    subscription_id: str
    """The subscription the tenant's resource group lives in."""
    allowed_subnet_ids: NotRequired[list[str]]
    """Subnets whose workloads may reach tenant storage (they need the Microsoft.Storage service endpoint)."""
    allowed_ip_ranges: NotRequired[list[str]]
    """Public egress IPv4 addresses or ranges of the cluster allowed to reach tenant storage."""
    role_assignment_propagation: NotRequired[str]
    """Wait after a role assignment before it is relied on (default ``120s``)."""


#: Azure regions inside the EU/EEA (https://learn.microsoft.com/azure/reliability/regions-list).
AZURE_EU_REGIONS: frozenset[str] = frozenset(
    {
        "westeurope",
        "northeurope",
        "francecentral",
        "francesouth",
        "germanywestcentral",
        "germanynorth",
        "swedencentral",
        "swedensouth",
        "italynorth",
        "polandcentral",
        "spaincentral",
        "norwayeast",
        "norwaywest",
        "austriaeast",
        "belgiumcentral",
        "denmarkeast",
    }
)


# --- Providers (SDKs imported only here, only when called) -----------------------------------------
def _aws_provider(name: str, settings: Any, region: str, opts: pulumi.ResourceOptions) -> pulumi.ProviderResource:
    import pulumi_aws as aws

    return aws.Provider(name, region=region, allowed_account_ids=[settings.account_id], opts=opts)


def _gcp_provider(name: str, settings: Any, region: str, opts: pulumi.ResourceOptions) -> pulumi.ProviderResource:
    import pulumi_gcp as gcp

    return gcp.Provider(name, project=settings.project, region=region, opts=opts)


def _azure_provider(name: str, settings: Any, region: str, opts: pulumi.ResourceOptions) -> pulumi.ProviderResource:
    import pulumi_azure_native as azure_native

    return azure_native.Provider(
        name, location=region, subscription_id=settings.subscription_id, tenant_id=settings.tenant_id, opts=opts
    )


@dataclass(frozen=True)
class Cloud:
    """Everything Plinth needs to know about one cloud."""

    name: str
    """A tenant's ``cloud`` value and the stack-config key of the cloud's settings (``plinth:<name>``)."""
    package: str
    """The Pulumi package of its resources (the first part of their type tokens)."""
    settings: type[StrictModel]
    region_key: str
    """The settings field that holds the stack's default region (``region`` or ``location``)."""
    region_pattern: str
    is_eu: Callable[[str], bool]
    """Whether a region is inside the EU/EEA (GDPR data residency)."""
    uses_labels: bool
    """True: resources carry GCP labels (restricted keys and values) instead of tags."""
    location_keys: tuple[str, ...]
    """Properties that hold a resource's own location, in the order they are read."""
    provider_location_key: str
    """The provider configuration key of its region."""
    identity: str
    """How a Kubernetes workload gets an identity in this cloud (documentation, README)."""
    make_provider: Callable[[str, Any, str, pulumi.ResourceOptions], pulumi.ProviderResource]
    tenant_module: str
    """The module that builds a tenant's resources on this cloud (``build(ctx)``)."""
    backup_module: str
    """The module that backs up a tenant's data on this cloud: ``problems``, ``datasets`` (recovery point
    objectives) and ``build(ctx)`` (components/backup/)."""

    def default_region(self, settings: Any) -> str:
        return str(getattr(settings, self.region_key))

    def valid_region(self, region: str) -> bool:
        return re.match(self.region_pattern, region) is not None

    def normalise_location(self, value: str) -> str:
        """Locations as the provider accepts them, compared case- and space-insensitively."""
        return value.replace(" ", "").lower()

    def location_of(self, props: Mapping[str, Any], provider_props: Mapping[str, Any] | None) -> str | None:
        """Where a resource lives: its own location property, else its provider's region."""
        for key in self.location_keys:
            value = props.get(key)
            if isinstance(value, str) and value:
                return self.normalise_location(value)
        value = (provider_props or {}).get(self.provider_location_key)
        return self.normalise_location(value) if isinstance(value, str) and value else None

    def tenant_builder(self) -> Callable[..., Any]:
        build: Callable[..., Any] = importlib.import_module(self.tenant_module).build
        return build

    def tenant_function(self, name: str) -> Callable[..., Any]:
        """A pure function of the cloud's tenant module that workloads use: ``data_uri(ctx)`` (where the
        tenant's bucket is, as a URI) or ``workload_identity(ctx)`` (what a pod needs to act as the tenant)."""
        function: Callable[..., Any] = getattr(importlib.import_module(self.tenant_module), name)
        return function

    def cluster_identity_builder(self, cluster: Any) -> Callable[..., dict[str, Any]] | None:
        """What the stack creates once so this cloud trusts the cluster's workloads (None: nothing)."""
        module = importlib.import_module(self.tenant_module)
        needs = getattr(module, "needs_cluster_identity", None)
        if needs is None or not needs(cluster):
            return None
        builder: Callable[..., dict[str, Any]] = module.cluster_identity
        return builder


CLOUDS: dict[str, Cloud] = {
    "aws": Cloud(
        name="aws",
        package="aws",
        settings=AwsSettings,
        region_key="region",
        region_pattern=AWS_REGION,
        is_eu=lambda region: region.startswith("eu-"),
        uses_labels=False,
        location_keys=("region",),
        provider_location_key="region",
        identity="IAM role trusted through the cluster's IAM OIDC provider (IRSA)",
        make_provider=_aws_provider,
        tenant_module="components.tenant.aws",
        backup_module="components.backup.aws",
    ),
    "gcp": Cloud(
        name="gcp",
        package="gcp",
        settings=GcpSettings,
        region_key="region",
        region_pattern=GCP_REGION,
        # "eu" is the EU multi-region; "europe-*" the EU regions.
        is_eu=lambda region: region.startswith("europe-") or region == "eu",
        uses_labels=True,
        location_keys=("location", "region"),
        provider_location_key="region",
        identity="service account reached through GKE Workload Identity or Workload Identity Federation",
        make_provider=_gcp_provider,
        tenant_module="components.tenant.gcp",
        backup_module="components.backup.gcp",
    ),
    "azure": Cloud(
        name="azure",
        package="azure-native",
        settings=AzureSettings,
        region_key="location",
        region_pattern=AZURE_REGION,
        is_eu=lambda region: region in AZURE_EU_REGIONS,
        uses_labels=False,
        location_keys=("location",),
        provider_location_key="location",
        identity="user-assigned managed identity with a federated credential for the cluster's issuer",
        make_provider=_azure_provider,
        tenant_module="components.tenant.azure",
        backup_module="components.backup.azure",
    ),
}
#: Resource packages -> cloud.
BY_PACKAGE: dict[str, Cloud] = {c.package: c for c in CLOUDS.values()}


def cloud(name: str) -> Cloud:
    """The entry of ``name``; KeyError names the clouds there are."""
    try:
        return CLOUDS[name]
    except KeyError:
        raise KeyError(f"unknown cloud {name!r}; clouds: {', '.join(CLOUDS)}") from None


def of_type(type_token: str) -> Cloud | None:
    """The cloud a resource type belongs to (``aws:s3/bucket:Bucket`` -> aws), or None."""
    return BY_PACKAGE.get(type_token.split(":", 1)[0])


def is_eu_region(cloud_name: str, region: str) -> bool:
    """True when ``region`` of ``cloud_name`` is in the EU/EEA; False for unknown clouds."""
    entry = CLOUDS.get(cloud_name)
    return entry is not None and entry.is_eu(region)
