"""Pod Security Standards, restricted: "Volume Types" (a pod's volumes are configMap, csi, downwardAPI,
emptyDir, ephemeral, persistentVolumeClaim, projected or secret; storage such as NFS, iSCSI or cloud disks
comes through a PersistentVolumeClaim). hostPath, which the profile also forbids, is
kubernetes-pod-hostpath-forbidden's finding."""

from policies.kubernetes._pss import RESTRICTED_VOLUME_SOURCES, VOLUME_NON_SOURCE_KEYS
from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import as_list, pod_templates


def check(props, config):
    for template in pod_templates(props):
        if template.spec is None:
            continue
        where = f" of {template.path}" if template.named else ""
        for volume in as_list(template.spec.get("volumes")):
            sources = [
                str(key)
                for key in volume
                if key not in VOLUME_NON_SOURCE_KEYS and key != "hostPath" and volume[key] is not None
            ]
            for source in sources:
                if source not in RESTRICTED_VOLUME_SOURCES:
                    yield (
                        f"Volume {volume.get('name')}{where} is a {source} volume, which the restricted profile "
                        "does not allow in a pod."
                    )


POLICY = resource_policy(
    name="kubernetes-pod-volumetypes-restricted",
    description="Pods use only the volume types the restricted Pod Security Standard allows.",
    types=TYPES,
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "pss:restricted-volume-types", "nist:CM-7"],
    remediation=(
        "Mount the storage through a PersistentVolumeClaim (backed by a PersistentVolume or a CSI driver) "
        "instead of naming it in the pod."
    ),
    # Restricted control; tenant namespaces enforce the restricted profile, so the API server would refuse it.
    enforcement="mandatory",
)
