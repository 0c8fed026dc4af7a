"""The Kubernetes cluster a stack's tenants, monitoring and workloads run on (``plinth:kubernetes``)."""


from typing import Annotated, Literal, TypedDict

import pulumi
from pydantic import StringConstraints, model_validator

from components import conventions
from components.base import DnsLabel, StrictModel

HttpsUrl = Annotated[str, StringConstraints(pattern=r"^https://[^\s/]+(/[^\s]*)?$", max_length=512)]


class KubernetesSettings(StrictModel):
    """The cluster tenants are isolated on."""

    context: str | None = None
    """kubeconfig context for the Kubernetes provider; unset uses the ambient kubeconfig."""
    version: Annotated[str, StringConstraints(pattern=r"^1\.\d{2}$")] = "1.33"
    """Kubernetes minor version objects are validated against."""
    oidc_issuer_url: HttpsUrl | None = None
    """The cluster's service-account token issuer; needed for cloud workload identity."""
    monitoring_namespace: DnsLabel = conventions.MONITORING_NAMESPACE
    ingress_namespace: DnsLabel = conventions.INGRESS_NAMESPACE
    distribution: Literal["eks", "gke", "aks", "other"] = "other"
    """What runs the cluster: decides how workloads reach GCP (GKE Workload Identity only on GKE)."""
    gke_project: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")] | None = None
    """distribution gke: the cluster's project, whose ``<project>.svc.id.goog`` pool the workloads are in
    (default: plinth:gcp.project)."""
    aws_oidc_provider_arn: (
        Annotated[str, StringConstraints(pattern=r"^arn:aws[a-z-]*:iam::\d{12}:oidc-provider/.+$")] | None
    ) = None
    """An existing IAM OIDC provider for the issuer (e.g. made by eksctl); without it Plinth creates one."""

    @model_validator(mode="after")
    def _gke(self) -> "KubernetesSettings":
        if self.gke_project is not None and self.distribution != "gke":
            raise ValueError(
                "gkeProject is set but distribution is not gke: set distribution: gke or remove gkeProject"
            )
        return self


class ClusterArgs(TypedDict, total=False):
    """The Kubernetes cluster a component's objects are created on, and how its workloads reach the clouds."""

    version: str
    """Kubernetes minor version the objects are written for (``"1.33"``)."""
    oidc_issuer_url: str
    """The cluster's service-account token issuer (HTTPS); needed for cloud workload identity."""
    monitoring_namespace: str
    """Namespace whose Prometheus may scrape the tenant (default ``monitoring``)."""
    ingress_namespace: str
    """Namespace of the ingress controller that may reach the tenant (default ``ingress-nginx``)."""
    distribution: str
    """``eks``, ``gke``, ``aks`` or ``other`` (default): GKE Workload Identity is only used on GKE."""
    gke_project: str
    """distribution gke: the project of the cluster's workload identity pool."""
    aws_oidc_provider_arn: pulumi.Input[str]
    """The account's IAM OIDC provider for the issuer (default: the conventional ARN, which must exist)."""
    gcp_workload_identity_provider: pulumi.Input[str]
    """Clusters other than GKE: the full name of the Workload Identity Federation provider that trusts the
    issuer (``projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>``)."""
