from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import pod_template


def check(props, config):
    _meta, spec = pod_template(props)
    if spec is None:
        return
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(key) is True:
            yield f"The pod sets {key}: true."


POLICY = resource_policy(
    name="kubernetes-pod-hostnamespaces-forbidden",
    description="Pods never share the host network, PID or IPC namespaces.",
    types=TYPES,
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.8", "cis:k8s-5.2.3", "cis:k8s-5.2.4", "cis:k8s-5.2.5"],
    remediation="Remove hostNetwork, hostPID and hostIPC from the pod spec.",
    enforcement="mandatory",
)
