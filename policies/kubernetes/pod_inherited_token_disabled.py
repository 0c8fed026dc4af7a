"""A pod that leaves ``automountServiceAccountToken`` unset inherits its service account's setting.

For the service accounts the stack defines, kubernetes-serviceaccount-token-automount-disabled
checks that setting. A pod running as any other service account - most often the namespace's
``default`` one, which Kubernetes creates with token automount on - gets an API token mounted
unless the pod itself opts out (CIS Kubernetes 5.1.5 and 5.1.6).
"""

from policies.kubernetes._workloads import TYPES
from policies.meta import stack_policy
from policies.props import get, pod_templates

SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"
SERVICE_ACCOUNT_PATCH = "kubernetes:core/v1:ServiceAccountPatch"
#: The namespace of an object that names none (the provider's default namespace).
DEFAULT_NAMESPACE = "default"


def _namespace(props) -> str:
    return str(get(props, "metadata.namespace") or DEFAULT_NAMESPACE)


def managed_service_accounts(resources) -> set[tuple[str, str]]:
    """(namespace, name) of the service accounts whose token automount the stack decides.

    A ServiceAccount the stack defines (the service-account policy checks its setting), or a
    ServiceAccountPatch that turns automount off on an existing one (such as ``default``).
    """
    managed = set()
    for r in resources:
        if r.resource_type == SERVICE_ACCOUNT or (
            r.resource_type == SERVICE_ACCOUNT_PATCH and r.props.get("automountServiceAccountToken") is False
        ):
            name = get(r.props, "metadata.name")
            if name:
                managed.add((_namespace(r.props), str(name)))
    return managed


def check(resources, config):
    managed = managed_service_accounts(resources)
    for r in resources:
        if r.resource_type not in TYPES:
            continue
        namespace = _namespace(r.props)
        for template in pod_templates(r.props):
            spec = template.spec
            if spec is None or spec.get("automountServiceAccountToken") is not None:
                continue  # false: opted out; true: kubernetes-pod-token-automount-disabled reports it
            account = str(spec.get("serviceAccountName") or spec.get("serviceAccount") or "default")
            if (namespace, account) in managed:
                continue
            which = "the namespace's default service account" if account == "default" else f"service account {account}"
            pods = f"the pods of {template.path}" if template.named else "its pods"
            yield (
                f"{r.props.get('kind') or 'Workload'} {get(r.props, 'metadata.name') or r.name} runs {pods} as "
                f"{which} in {namespace}, which this stack does not define, and does not set "
                "automountServiceAccountToken: false, so Kubernetes mounts that account's API token.",
                r,
            )


POLICY = stack_policy(
    name="kubernetes-pod-inherited-token-disabled",
    description=(
        "Pods that run as a service account the stack does not define, such as the namespace's default one, "
        "opt out of mounting its API token."
    ),
    check=check,
    reads=(*TYPES, SERVICE_ACCOUNT, SERVICE_ACCOUNT_PATCH),
    severity="medium",
    frameworks=["soc2:CC6.1", "cis:k8s-5.1.5", "cis:k8s-5.1.6"],
    remediation=(
        "Set automountServiceAccountToken: false in the pod spec, or run the pod as a ServiceAccount the stack "
        "defines with automountServiceAccountToken: false (Plinth's Tenant creates one per tenant)."
    ),
)
