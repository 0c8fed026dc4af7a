"""Pod Security Standards, "Seccomp": baseline forbids the Unconfined profile at pod or container level;
restricted requires RuntimeDefault or Localhost on the pod (``spec.securityContext.seccompProfile.type``)
or on every container, init and ephemeral ones included. Windows pods are exempt (seccomp is Linux-only).
A legacy annotation counts for the pod or container it names when the field is unset, since the API server
copies it into the field (``seccomp.security.alpha.kubernetes.io/pod``,
``container.seccomp.security.alpha.kubernetes.io/<name>``: runtime/default, docker/default, localhost/...).
CIS Kubernetes 5.7.2, Checkov CKV_K8S_31."""

from policies.kubernetes._pss import (
    CONFINED_PROFILE_TYPES,
    LOCALHOST_PREFIX,
    SECCOMP_ANNOTATION_VALUES,
    SECCOMP_CONTAINER_ANNOTATION,
    SECCOMP_POD_ANNOTATION,
)
from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import get, pod_templates


def state(profile_type, annotation) -> str:
    """``confined``, ``unconfined``, ``invalid`` or ``unset`` for a field (which wins) and a legacy annotation."""
    if profile_type is not None:
        if profile_type in CONFINED_PROFILE_TYPES:
            return "confined"
        return "unconfined" if profile_type == "Unconfined" else "invalid"
    if annotation is None:
        return "unset"
    value = str(annotation)
    if value in SECCOMP_ANNOTATION_VALUES or value.startswith(LOCALHOST_PREFIX):
        return "confined"
    return "unconfined" if value == "unconfined" else "invalid"


def _check_template(template):
    pod = state(
        get(template.spec, "securityContext.seccompProfile.type"), template.annotations.get(SECCOMP_POD_ANNOTATION)
    )
    if pod in ("unconfined", "invalid"):
        what = "Unconfined" if pod == "unconfined" else "an unknown type"
        yield f"{template.subject} sets the seccomp profile to {what}."
    for c in template.containers():
        own = state(
            get(c.spec, "securityContext.seccompProfile.type"),
            template.annotations.get(SECCOMP_CONTAINER_ANNOTATION + c.name),
        )
        if own == "unconfined":
            yield f"{c.label} sets the seccomp profile to Unconfined."
        elif own == "invalid":
            yield f"{c.label} sets an unknown seccomp profile type."
        elif own == "unset" and pod == "unset":
            yield f"{c.label} has no seccomp profile, and neither has the pod: it runs unconfined."


def check(props, config):
    for template in pod_templates(props):
        if template.spec is None or template.windows:
            continue
        yield from _check_template(template)


POLICY = resource_policy(
    name="kubernetes-pod-seccomp-required",
    description="Pods run under the RuntimeDefault or a Localhost seccomp profile, never Unconfined.",
    types=TYPES,
    check=check,
    severity="high",
    frameworks=[
        "soc2:CC6.1",
        "cis:k8s-5.7.2",
        "pss:baseline-seccomp",
        "pss:restricted-seccomp",
        "nist:SC-39",
    ],
    remediation="Set spec.securityContext.seccompProfile.type: RuntimeDefault (or Localhost with localhostProfile).",
    # Restricted control; tenant namespaces enforce the restricted profile, so the API server would refuse it.
    enforcement="mandatory",
)
