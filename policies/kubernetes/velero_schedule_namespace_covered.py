"""Every tenant namespace is backed up by a Velero schedule.

A namespace a schedule does not include (or excludes, or a paused schedule) has no backup at all
(https://velero.io/docs/main/api-types/schedule/).
"""

from components import conventions
from policies.meta import stack_policy
from policies.props import as_list, get

NAMESPACE = "kubernetes:core/v1:Namespace"
SCHEDULE = "kubernetes:velero.io/v1:Schedule"


def covered(schedule_props, namespace: str) -> bool:
    if get(schedule_props, "spec.paused") is True:
        return False
    included = [str(n) for n in as_list(get(schedule_props, "spec.template.includedNamespaces"))]
    excluded = [str(n) for n in as_list(get(schedule_props, "spec.template.excludedNamespaces"))]
    return (not included or "*" in included or namespace in included) and namespace not in excluded


def check(resources, config):
    schedules = [r for r in resources if r.resource_type == SCHEDULE]
    for r in resources:
        labels = get(r.props, "metadata.labels") or {}
        if r.resource_type != NAMESPACE or not labels.get(conventions.LABEL_TENANT):
            continue
        name = str(get(r.props, "metadata.name") or r.name)
        if not any(covered(s.props, name) for s in schedules):
            yield f"Tenant namespace {name} is in no Velero schedule: nothing backs it up.", r


POLICY = stack_policy(
    name="kubernetes-velero-schedule-namespace-covered",
    description="Every tenant namespace is backed up by a Velero schedule.",
    check=check,
    reads=[NAMESPACE, SCHEDULE],
    severity="medium",
    frameworks=["soc2:A1.2", "hipaa:164.308(a)(7)(ii)(A)", "gdpr:Art.32(1)(c)"],
    remediation="Add a velero.io/v1 Schedule whose template includes the namespace (plinth: plinth:backup.velero).",
)
