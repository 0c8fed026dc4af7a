"""Pod Security Standards, baseline: "AppArmor" (the runtime's default profile is not overridden with
Unconfined): ``appArmorProfile.type`` on the pod and every container is unset, RuntimeDefault or Localhost,
and the legacy ``container.apparmor.security.beta.kubernetes.io/<container>`` annotations are unset,
runtime/default or localhost/<profile>."""

from policies.kubernetes._pss import (
    APPARMOR_ANNOTATION,
    APPARMOR_ANNOTATION_VALUES,
    CONFINED_PROFILE_TYPES,
    LOCALHOST_PREFIX,
)
from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import get, pod_templates


def _field(value) -> bool:
    return value is None or value in CONFINED_PROFILE_TYPES


def _annotation(value) -> bool:
    return value is None or str(value) in APPARMOR_ANNOTATION_VALUES or str(value).startswith(LOCALHOST_PREFIX)


def check(props, config):
    for template in pod_templates(props):
        if template.spec is None:
            continue
        pod = get(template.spec, "securityContext.appArmorProfile.type")
        if not _field(pod):
            yield f"{template.subject} sets the AppArmor profile type {pod}."
        for c in template.containers():
            own = get(c.spec, "securityContext.appArmorProfile.type")
            if not _field(own):
                yield f"{c.label} sets the AppArmor profile type {own}."
        for key in template.annotations:
            if str(key).startswith(APPARMOR_ANNOTATION) and not _annotation(template.annotations[key]):
                container, profile = str(key)[len(APPARMOR_ANNOTATION) :], template.annotations[key]
                yield f"Annotation {key} runs container {container} with the AppArmor profile {profile}."


POLICY = resource_policy(
    name="kubernetes-pod-apparmor-restricted",
    description="Pods never replace the runtime's default AppArmor profile with Unconfined.",
    types=TYPES,
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "pss:baseline-apparmor", "nist:SC-39"],
    remediation=(
        "Remove appArmorProfile (or set type: RuntimeDefault or Localhost) and the "
        "container.apparmor.security.beta.kubernetes.io annotations that say unconfined."
    ),
    # Baseline control; tenant namespaces enforce the restricted profile, so the API server would refuse it.
    enforcement="mandatory",
)
