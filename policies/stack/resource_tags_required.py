from components import conventions
from policies.base import resource_policy

#: Taggable types Plinth creates or that cost money; the check applies to exactly these.
LABELLED_GCP = (
    "gcp:storage/bucket:Bucket", "gcp:kms/cryptoKey:CryptoKey", "gcp:sql/databaseInstance:DatabaseInstance",
    "gcp:compute/instance:Instance", "gcp:compute/disk:Disk",
)
TAGGED = (
    "aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:iam/role:Role", "aws:rds/instance:Instance", "aws:ec2/instance:Instance",
    "aws:ebs/volume:Volume", "aws:dynamodb/table:Table", "aws:backup/vault:Vault", "aws:backup/plan:Plan",
    "aws:ec2/vpc:Vpc", "aws:ec2/securityGroup:SecurityGroup", "aws:cloudtrail/trail:Trail",
    "azure-native:resources:ResourceGroup", "azure-native:keyvault:Vault", "azure-native:storage:StorageAccount",
    "azure-native:managedidentity:UserAssignedIdentity", "azure-native:compute:Disk", "azure-native:sql:Server",
    "azure-native:compute:VirtualMachine", "azure-native:network:VirtualNetwork", "azure-native:network:NetworkSecurityGroup",
)


def _required(tags):
    keys = list(conventions.REQUIRED_TAGS)
    if conventions.TAG_TENANT in tags:
        keys += list(conventions.REQUIRED_TENANT_TAGS)
    return keys


def _keys(props) -> set[str]:
    """Tag/label keys only: a tag whose value is unknown at preview still counts as present."""
    for key in ("tags", "labels"):
        value = props.get(key)
        if value is not None:
            return set(value)
    return set()


def check(props, config):
    tags = _keys(props)
    key_of = (lambda k: conventions.gcp_label_value(k)) if "labels" in props and "tags" not in props else (lambda k: k)
    missing = [k for k in _required(tags) if key_of(k) not in tags]
    if missing:
        yield f"Missing required tag(s): {', '.join(missing)}."


def remediate(props, config, resource_type):
    """Adds ``managed-by: plinth`` when it is missing; the one required value that is never a guess.

    Everything else (environment, tenant, cost center) stays a violation - reported as mandatory
    when the policy runs at remediate level - because only the tenant spec knows the right value.
    Advisory by default: remediation is opt-in (``{"stack-resource-tags-required": "remediate"}``).
    """
    field = "labels" if resource_type.startswith("gcp:") else "tags"
    current = {k: v for k, v in (props.get(field) or {}).items()}
    if conventions.TAG_MANAGED_BY in current:
        return None
    out = {k: props[k] for k in props}
    out[field] = {**current, conventions.TAG_MANAGED_BY: conventions.MANAGED_BY_VALUE}
    return out


POLICY = resource_policy(
    name="stack-resource-tags-required",
    description="Taggable cloud resources carry the managed-by and environment tags, and tenant resources their tenant and cost center.",
    pack="compliance",
    types=TAGGED + LABELLED_GCP,
    check=check,
    severity="low",
    frameworks=["soc2:C1.1"],
    remediation="Add the tags (Plinth merges them from plinth:tags and the tenant spec); configure the policy at remediate level and the pack adds managed-by: plinth itself.",
    remediate=remediate,
)
