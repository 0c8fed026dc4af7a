"""CIS Kubernetes 5.1.3 "Minimize wildcard use in Roles and ClusterRoles", Checkov CKV_K8S_49: no rule of a
Role or ClusterRole uses ``*`` in its apiGroups, resources or verbs, which grants every current and future
item of that kind. Every rule is read (Checkov reads only the first)."""

from policies.kubernetes._rbac import CLUSTER_ROLE, ROLE, name_of, rules_of, wildcards
from policies.kubernetes._workloads import sdk_types
from policies.meta import resource_policy


def check(props, config):
    for index, rule in enumerate(rules_of(props)):
        fields = wildcards(rule)
        if fields:
            role = f"{props.get('kind') or 'the role'} {name_of(props)}"
            yield f"Rule {index + 1} of {role} uses * in its {', '.join(fields)}."


POLICY = resource_policy(
    name="kubernetes-rbac-role-wildcard-forbidden",
    description="Roles and ClusterRoles name the API groups, resources and verbs they grant, never wildcards.",
    types=sdk_types(ROLE, CLUSTER_ROLE),
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.3", "hipaa:164.308(a)(4)(ii)(B)", "cis:k8s-5.1.3", "nist:AC-6", "iso27001:A.5.15"],
    remediation="List the apiGroups, resources and verbs the subjects need instead of *.",
)
