"""CIS Kubernetes 5.7.4 "The default namespace should not be used", Checkov CKV_K8S_21: workloads, Services,
Secrets, ConfigMaps, ServiceAccounts, Roles, RoleBindings and Ingresses are not created in ``default``. An
object that names no namespace lands in its provider's default namespace (the Kubernetes provider's
``namespace`` setting) and, without one, in ``default``. The ``default`` ServiceAccount and the ``kubernetes``
Service, which Kubernetes itself keeps there, are exempt."""

from policies.kubernetes._rbac import DEFAULT_NAMESPACE
from policies.kubernetes._workloads import TYPES, sdk_types
from policies.meta import stack_policy
from policies.props import get

KINDS = ("Service", "Secret", "ConfigMap", "ServiceAccount", "Role", "RoleBinding", "Ingress")
EXEMPT = {("ServiceAccount", "default"), ("Service", "kubernetes")}


def _provider_namespace(resource) -> str | None:
    provider = getattr(resource, "provider", None)
    props = getattr(provider, "props", None) if provider is not None else None
    value = props.get("namespace") if props is not None else None
    return str(value) if value else None


def check(resources, config):
    for r in resources:
        kind = str(r.props.get("kind") or r.resource_type.rsplit(":", 1)[-1])
        name = str(get(r.props, "metadata.name") or r.name)
        if (kind, name) in EXEMPT:
            continue
        stated = get(r.props, "metadata.namespace")
        namespace = str(stated) if stated else (_provider_namespace(r) or DEFAULT_NAMESPACE)
        if namespace != DEFAULT_NAMESPACE:
            continue
        how = "names the default namespace" if stated else "names no namespace, so it lands in the default namespace"
        yield f"{kind} {name} {how}.", r


POLICY = stack_policy(
    name="kubernetes-workload-defaultnamespace-forbidden",
    description="Workloads and their objects live in a namespace of their own, never in default.",
    check=check,
    reads=(*TYPES, *sdk_types(*KINDS)),
    severity="medium",
    frameworks=["soc2:CC6.1", "cis:k8s-5.7.4", "cis:k8s-5.7.1"],
    remediation="Set metadata.namespace to the team's or tenant's namespace (or the provider's namespace option).",
)
