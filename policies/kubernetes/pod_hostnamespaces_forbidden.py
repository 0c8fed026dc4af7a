"""Pod Security Standards, baseline: "Host Namespaces" (``hostNetwork``, ``hostPID``, ``hostIPC`` false or
unset); CIS Kubernetes 5.2.3-5.2.5, Checkov CKV_K8S_17, CKV_K8S_18, CKV_K8S_19."""

from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import pod_templates


def check(props, config):
    for template in pod_templates(props):
        if template.spec is None:
            continue
        for key in ("hostNetwork", "hostPID", "hostIPC"):
            if template.spec.get(key) is True:
                yield f"{template.subject} sets {key}: true."


POLICY = resource_policy(
    name="kubernetes-pod-hostnamespaces-forbidden",
    description="Pods never share the host network, PID or IPC namespaces.",
    types=TYPES,
    check=check,
    severity="critical",
    frameworks=[
        "soc2:CC6.1",
        "cis:k8s-5.2.3",
        "cis:k8s-5.2.4",
        "cis:k8s-5.2.5",
        "pss:baseline-host-namespaces",
        "nist:SC-39",
    ],
    remediation="Remove hostNetwork, hostPID and hostIPC from the pod spec.",
    enforcement="mandatory",
)
