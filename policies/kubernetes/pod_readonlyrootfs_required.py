"""A read-only root filesystem on every container (Checkov CKV_K8S_22), one of the security-context settings
CIS Kubernetes 5.7.3 "Apply Security Context to Your Pods and Containers" asks for; not part of the Pod
Security Standards, so advisory."""

from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import get, pod_containers


def check(props, config):
    for c in pod_containers(props):
        if get(c.spec, "securityContext.readOnlyRootFilesystem") is not True:
            yield f"{c.label} has a writable root filesystem."


POLICY = resource_policy(
    name="kubernetes-pod-readonlyrootfs-required",
    description="Containers run with a read-only root filesystem.",
    types=TYPES,
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "cis:k8s-5.7.3"],
    remediation="Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where the app writes.",
    enforcement="advisory",
)
