"""Pod Security Standards, baseline: "Host Ports" (``ports[*].hostPort`` unset or 0 on every container and
init container); CIS Kubernetes 5.2.13, Checkov CKV_K8S_26. A host port publishes the container on the node's
address, past the namespace's NetworkPolicies. Ephemeral containers are skipped: the API refuses ports on
them."""

from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import as_list, pod_containers


def check(props, config):
    for c in pod_containers(props):
        if c.ephemeral:
            continue
        for port in as_list(c.spec.get("ports")):
            host = port.get("hostPort")
            if host not in (None, 0):
                shown = f"{host:g}" if isinstance(host, (int, float)) else str(host)
                yield f"{c.label} binds host port {shown}."


POLICY = resource_policy(
    name="kubernetes-pod-hostports-forbidden",
    description="Containers do not bind ports on the node's network.",
    types=TYPES,
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.6", "cis:k8s-5.2.13", "pss:baseline-host-ports", "nist:SC-7"],
    remediation="Remove ports[].hostPort and publish the container through a Service (and an Ingress) instead.",
    # Baseline control; tenant namespaces enforce the restricted profile, so the API server would refuse it.
    enforcement="mandatory",
)
