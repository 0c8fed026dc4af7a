from policies.base import resource_policy
from policies.kubernetes._workloads import TYPES
from policies.props import containers, get, pod_template


def check(props, config):
    _meta, spec = pod_template(props)
    if spec is None:
        return
    for c in containers(spec):
        if get(c, "securityContext.readOnlyRootFilesystem") is not True:
            yield f"Container {c.get('name')} has a writable root filesystem."


POLICY = resource_policy(
    name="kubernetes-pod-readonlyrootfs-required",
    description="Containers run with a read-only root filesystem.",
    pack="security",
    types=TYPES,
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.8"],
    remediation="Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where the app writes.",
    enforcement="advisory",
)
