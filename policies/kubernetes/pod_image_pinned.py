from policies.base import resource_policy
from policies.kubernetes._workloads import TYPES
from policies.props import containers, pod_template


def check(props, config):
    _meta, spec = pod_template(props)
    if spec is None:
        return
    for c in containers(spec):
        image = str(c.get("image") or "")
        if "@sha256:" in image:
            continue
        tag = image.rsplit("/", 1)[-1].partition(":")[2]
        if tag in ("", "latest"):
            yield f"Container {c.get('name')} uses the mutable image {image or '(none)'}."


POLICY = resource_policy(
    name="kubernetes-pod-image-pinned",
    description="Container images are pinned to a version tag or a digest, never latest.",
    pack="security",
    types=TYPES,
    check=check,
    severity="medium",
    frameworks=["soc2:CC8.1"],
    remediation="Reference images by digest (image@sha256:...) or an immutable version tag.",
    enforcement="advisory",
)
