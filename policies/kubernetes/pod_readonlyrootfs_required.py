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
    frameworks=["soc2:CC6.8"],
    remediation="Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where the app writes.",
    enforcement="advisory",
)
