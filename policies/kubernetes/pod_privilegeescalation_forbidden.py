from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import get, pod_containers


def check(props, config):
    for c in pod_containers(props):
        if get(c.spec, "securityContext.allowPrivilegeEscalation") is not False:
            yield f"{c.label} does not set allowPrivilegeEscalation: false."


POLICY = resource_policy(
    name="kubernetes-pod-privilegeescalation-forbidden",
    description="Containers cannot escalate privileges.",
    types=TYPES,
    check=check,
    severity="high",
    frameworks=["soc2:CC6.8", "cis:k8s-5.2.6"],
    remediation="Set securityContext.allowPrivilegeEscalation: false on every container.",
    enforcement="mandatory",
)
