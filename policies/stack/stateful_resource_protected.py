from components import conventions
from policies.meta import stack_policy
from policies.props import tags_of

#: The catalogue's cloud data stores; Kubernetes ones are retained instead (see components/conventions.py).
STATEFUL = conventions.STATEFUL_CLOUD_TYPES


def check(resources, config):
    # Only ``protect`` reaches policy packs: the analyzer protocol (AnalyzerResourceOptions) does not
    # carry retainOnDelete, so a resource that is only retained cannot be told apart here.
    for r in resources:
        if r.resource_type not in STATEFUL or r.opts.protect:
            continue
        if tags_of(r.props).get(conventions.TAG_DATA_DELETION) == "delete":
            continue  # the tenant spec allows deleting this data on purpose
        kind = r.resource_type.rsplit(":", 1)[-1]
        yield f"{kind} {r.name} holds data but is not protected: removing it from the program would delete it.", r


POLICY = stack_policy(
    name="stack-stateful-resource-protected",
    description="Resources that hold data are protected against deletion.",
    check=check,
    reads=sorted(STATEFUL),
    severity="high",
    frameworks=["soc2:A1.2", "soc2:C1.1", "hipaa:164.308(a)(7)(i)", "gdpr:Art.32"],
    remediation=(
        "Set protect (and retainOnDelete) on the resource; Plinth's Tenant does this unless dataDeletion: delete."
    ),
    enforcement="mandatory",
)
