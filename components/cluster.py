"""The Kubernetes cluster a stack's tenants, monitoring and workloads run on (``plinth:kubernetes``)."""

from __future__ import annotations

from typing import Annotated, TypedDict

from pydantic import StringConstraints

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


class ClusterArgs(TypedDict, total=False):
    version: str
    """Kubernetes minor version the objects are written for (``"1.33"``)."""
    oidc_issuer_url: str
    """The cluster's service-account token issuer (HTTPS); needed for cloud workload identity."""
    monitoring_namespace: str
    """Namespace whose Prometheus may scrape the tenant (default ``monitoring``)."""
    ingress_namespace: str
    """Namespace of the ingress controller that may reach the tenant (default ``ingress-nginx``)."""
