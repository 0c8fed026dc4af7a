"""Pod Security Standards, baseline: "HostPath Volumes" (``spec.volumes[*].hostPath`` unset); CIS Kubernetes
5.2.12, Checkov CKV_K8S_27 (the Docker socket is one such path). The restricted profile's other volume types
are kubernetes-pod-volumetypes-restricted's."""

from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import as_list, get, pod_templates


def check(props, config):
    for template in pod_templates(props):
        if template.spec is None:
            continue
        where = f" of {template.path}" if template.named else ""
        for volume in as_list(template.spec.get("volumes")):
            if volume.get("hostPath") is not None:
                yield f"Volume {volume.get('name')}{where} mounts the host path {get(volume, 'hostPath.path')}."


POLICY = resource_policy(
    name="kubernetes-pod-hostpath-forbidden",
    description="Pods never mount host paths.",
    types=TYPES,
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "cis:k8s-5.2.12", "pss:baseline-hostpath", "nist:AC-6"],
    remediation="Use a PersistentVolumeClaim, ConfigMap or emptyDir instead of hostPath.",
    enforcement="mandatory",
)
