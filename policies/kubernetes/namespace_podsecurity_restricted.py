"""Tenant isolation with Pod Security Admission (CIS Kubernetes 5.2.1 "Ensure that the cluster has at least
one active policy control mechanism in place"): every namespace the stack labels ``plinth.dev/tenant``
enforces the restricted Pod Security Standard (``pod-security.kubernetes.io/enforce: restricted``). Without
the label the admission controller enforces nothing in the namespace (its default level is privileged);
baseline allows root, privilege escalation and unconfined seccomp. Namespaces that are not a tenant's are
not judged here."""

from components import conventions
from policies.kubernetes._pss import PSA_ENFORCE_LABEL
from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    labels = get(props, "metadata.labels") or {}
    if conventions.LABEL_TENANT not in labels:
        return
    name = get(props, "metadata.name") or "(unnamed)"
    level = labels.get(PSA_ENFORCE_LABEL)
    if level is None:
        yield (
            f"Tenant namespace {name} has no {PSA_ENFORCE_LABEL} label, so Pod Security Admission enforces no "
            "profile in it."
        )
    elif level != "restricted":
        yield f"Tenant namespace {name} enforces the {level} Pod Security Standard, weaker than restricted."


POLICY = resource_policy(
    name="kubernetes-namespace-podsecurity-restricted",
    description="Tenant namespaces enforce the restricted Pod Security Standard.",
    types=["kubernetes:core/v1:Namespace"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "gdpr:Art.25", "cis:k8s-5.2.1", "nist:CM-6", "iso27001:A.8.9"],
    remediation=(
        "Label the namespace pod-security.kubernetes.io/enforce: restricted (Plinth's Tenant component does), "
        "with warn and audit at restricted too."
    ),
    # Tenant isolation: without it any tenant pod may run privileged on a shared node.
    enforcement="mandatory",
)
