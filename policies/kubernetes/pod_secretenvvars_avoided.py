"""CIS Kubernetes 5.4.1 "Prefer using secrets as files over secrets as environment variables", Checkov
CKV_K8S_35: no container takes a Secret through ``env[*].valueFrom.secretKeyRef`` or ``envFrom[*].secretRef``.
Applications and crash handlers log their environment, and a process's environment is readable by every
process of the same user; a mounted Secret is read only when needed and is updated in place."""

from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import as_list, get, pod_containers


def check(props, config):
    for c in pod_containers(props):
        names = [str(v.get("name")) for v in as_list(c.spec.get("env")) if get(v, "valueFrom.secretKeyRef")]
        secrets = [str(get(s, "secretRef.name")) for s in as_list(c.spec.get("envFrom")) if s.get("secretRef")]
        if names:
            yield f"{c.label} reads Secrets into environment variables {', '.join(names)}."
        if secrets:
            yield f"{c.label} loads every key of Secret {', '.join(secrets)} into its environment."


POLICY = resource_policy(
    name="kubernetes-pod-secretenvvars-avoided",
    description="Containers read Secrets from mounted files rather than environment variables.",
    types=TYPES,
    check=check,
    severity="low",
    frameworks=["soc2:CC6.1", "cis:k8s-5.4.1"],
    remediation="Mount the Secret as a volume (readOnly) and have the application read the file.",
)
