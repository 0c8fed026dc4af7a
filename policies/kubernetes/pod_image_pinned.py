"""Checkov CKV_K8S_14 "Image Tag should be fixed - not latest or blank" (a digest, CKV_K8S_43, also pins):
a mutable tag lets the same manifest run different code."""

from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import pod_containers


def check(props, config):
    for c in pod_containers(props):
        image = str(c.spec.get("image") or "")
        if "@sha256:" in image:
            continue
        tag = image.rsplit("/", 1)[-1].partition(":")[2]
        if tag in ("", "latest"):
            yield f"{c.label} uses the mutable image {image or '(none)'}."


POLICY = resource_policy(
    name="kubernetes-pod-image-pinned",
    description="Container images are pinned to a version tag or a digest, never latest.",
    types=TYPES,
    check=check,
    severity="medium",
    frameworks=["soc2:CC8.1"],
    remediation="Reference images by digest (image@sha256:...) or an immutable version tag.",
    enforcement="advisory",
)
