from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import get, pod_containers


def check(props, config):
    for c in pod_containers(props):
        if get(c.spec, "securityContext.privileged") is True:
            yield f"{c.label} runs privileged."


POLICY = resource_policy(
    name="kubernetes-pod-privileged-forbidden",
    description="Containers never run privileged.",
    types=TYPES,
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.8", "cis:k8s-5.2.2"],
    remediation="Remove securityContext.privileged or set it to false.",
    enforcement="mandatory",
    never_waive=True,
)
