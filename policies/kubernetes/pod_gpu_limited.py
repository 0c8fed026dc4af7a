from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import get, pod_templates, tier_of

CONFIG = {
    "maxGpusPerPod": {
        "type": "object",
        "description": "Most GPUs one pod may request, per tenant tier (label plinth.dev/tier).",
        "additionalProperties": {"type": "integer", "minimum": 0},
        "default": {"free": 0, "standard": 0, "premium": 2, "enterprise": 8},
    }
}


GPU = "nvidia.com/gpu"


def _gpus(container) -> float:
    """GPUs a container takes: its limit, or its request when only that is set (they must be equal)."""
    values = [get(container, f"resources.{kind}", {}).get(GPU) for kind in ("limits", "requests")]
    return max((float(v) for v in values if v is not None), default=0.0)


def check(props, config):
    for template in pod_templates(props):
        meta = template.metadata
        tier = tier_of(props) or (tier_of({"metadata": meta}) if meta else None)
        if template.spec is None or tier is None:
            continue
        gpus = sum(_gpus(c.spec) for c in template.containers())
        limit = config["maxGpusPerPod"].get(tier)
        if limit is not None and gpus > limit:
            subject = f"Each pod of {template.path}" if template.named else "The pod"
            yield f"{subject} asks for {gpus:g} GPU(s); the {tier} tier allows {limit:g}."


POLICY = resource_policy(
    name="kubernetes-pod-gpu-limited",
    description="Pods request no more GPUs than the tenant's tier allows.",
    types=TYPES,
    check=check,
    severity="medium",
    frameworks=[],
    remediation="Lower resources.limits['nvidia.com/gpu'] (and requests) or move the tenant to a higher tier.",
    config=CONFIG,
)
