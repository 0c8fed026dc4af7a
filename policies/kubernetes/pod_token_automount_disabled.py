"""CIS Kubernetes 5.1.6, Checkov CKV_K8S_38: a pod does not opt back in to mounting its service account's
API token (``automountServiceAccountToken: true``)."""

from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import pod_templates


def check(props, config):
    for template in pod_templates(props):
        # Unset inherits the ServiceAccount's setting: kubernetes-serviceaccount-token-automount-disabled checks
        # the stack's service accounts, kubernetes-pod-inherited-token-disabled the pods of any other one.
        if template.spec is not None and template.spec.get("automountServiceAccountToken") is True:
            yield (
                f"{template.subject} mounts its service account's API token, overriding the service account's opt-out."
            )


POLICY = resource_policy(
    name="kubernetes-pod-token-automount-disabled",
    description="Pods do not opt back in to mounting service account API tokens.",
    types=TYPES,
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "cis:k8s-5.1.6"],
    remediation=(
        "Remove automountServiceAccountToken: true from the pod spec, "
        "or mount a short-lived projected token only where the API is called."
    ),
)
