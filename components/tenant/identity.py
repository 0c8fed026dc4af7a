"""ClusterIdentity: what each cloud needs once per stack to trust the cluster's workloads.

Identity follows the cluster, not the data: a tenant's pods reach its data on any cloud through
OIDC federation from their cluster's service-account issuer. AWS needs the account's IAM OIDC
provider for that issuer (unless the config names an existing one); GCP, for clusters other than
GKE, a Workload Identity Federation pool and provider. Tenants' roles and bindings name these, so
they are created first (the providers refuse principals that do not exist).
"""


from typing import Any, NotRequired, Optional, TypedDict, cast

import pulumi

from components import clouds, conventions
from components.args import ArgsError, input_error, unknown_keys, validate
from components.clouds import AwsAccountArgs, GcpProjectArgs
from components.cluster import ClusterArgs, KubernetesSettings


class ClusterIdentityArgs(TypedDict):
    environment: str
    """The stack's environment: ``dev``, ``staging`` or ``prod`` (names the GCP pool)."""
    cluster: ClusterArgs
    """The cluster; every cloud trusts its service-account token issuer (required here)."""
    aws: NotRequired[AwsAccountArgs]
    """The AWS account whose IAM OIDC provider to create (unless the cluster names an existing provider)."""
    gcp: NotRequired[GcpProjectArgs]
    """The GCP project whose Workload Identity Federation pool to create (clusters other than GKE)."""


class ClusterIdentity(pulumi.ComponentResource):
    """The per-stack identity resources that let a cluster's service accounts federate into AWS and GCP."""

    aws_oidc_provider_arn: Optional[pulumi.Output[str]]
    """The IAM OIDC provider IRSA roles trust (when created here)."""
    gcp_workload_identity_provider: Optional[pulumi.Output[str]]
    """The Workload Identity Federation provider that trusts the issuer (when created here)."""

    def __init__(self, name: str, args: ClusterIdentityArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(conventions.type_token("ClusterIdentity"), name, None, opts)
        try:
            if unknown := unknown_keys(args, ClusterIdentityArgs):
                raise ArgsError(unknown)
            cluster = validate(KubernetesSettings, dict(args["cluster"]), "args.cluster")
            if cluster.oidc_issuer_url is None:
                raise ArgsError(
                    [("args.cluster.oidc_issuer_url", "is required: federation trusts the cluster's issuer")]
                )
            settings = {
                name_: validate(clouds.cloud(name_).settings, dict(cast(Any, args)[name_]), f"args.{name_}")
                for name_ in ("aws", "gcp")
                if args.get(name_) is not None
            }
        except ArgsError as err:
            raise input_error(f"ClusterIdentity {name}", err) from None
        child = pulumi.ResourceOptions(parent=self)
        links: dict[str, Any] = {}
        for cloud_name, cloud_settings in settings.items():
            builder = clouds.cloud(cloud_name).cluster_identity_builder(cluster)
            if builder is not None:
                links.update(builder(name, str(args["environment"]), cluster.oidc_issuer_url, cloud_settings, child))
        self.links = links
        self.aws_oidc_provider_arn = links.get("aws_oidc_provider_arn")
        self.gcp_workload_identity_provider = links.get("gcp_workload_identity_provider")
        self.register_outputs({k: v for k, v in links.items()})


def needed(cluster: KubernetesSettings | None, cloud_names: set[str]) -> bool:
    """Whether any of the tenants' clouds needs a per-stack identity resource for this cluster."""
    if cluster is None or cluster.oidc_issuer_url is None:
        return False
    return any(clouds.cloud(c).cluster_identity_builder(cluster) is not None for c in cloud_names if c in clouds.CLOUDS)
