from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import as_list, get, pod_template


def check(props, config):
    _meta, spec = pod_template(props)
    if spec is None:
        return
    for volume in as_list(spec.get("volumes")):
        if volume.get("hostPath") is not None:
            yield f"Volume {volume.get('name')} mounts the host path {get(volume, 'hostPath.path')}."


POLICY = resource_policy(
    name="kubernetes-pod-hostpath-forbidden",
    description="Pods never mount host paths.",
    types=TYPES,
    check=check,
    severity="high",
    frameworks=["soc2:CC6.8", "cis:k8s-5.2.12"],
    remediation="Use a PersistentVolumeClaim, ConfigMap or emptyDir instead of hostPath.",
    enforcement="mandatory",
)
