"""Checkov CKV_K8S_11 and CKV_K8S_13: CPU and memory limits on every container and init container, so one
pod cannot take a node's capacity (SOC2 A1.1). Ephemeral containers are skipped: the API refuses resources
on them."""

from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import get, pod_containers


def check(props, config):
    for c in pod_containers(props):
        if c.ephemeral:
            continue  # the API forbids resources on ephemeral containers
        limits = get(c.spec, "resources.limits", {})
        missing = [k for k in ("cpu", "memory") if k not in limits]
        if missing:
            yield f"{c.label} has no {' or '.join(missing)} limit."


POLICY = resource_policy(
    name="kubernetes-pod-resourcelimits-required",
    description="Containers declare CPU and memory limits.",
    types=TYPES,
    check=check,
    severity="medium",
    frameworks=["soc2:A1.1"],
    remediation="Set resources.limits.cpu and resources.limits.memory on every container and init container.",
    enforcement="advisory",
)
