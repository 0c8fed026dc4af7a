import os

from components import conventions
from policies.base import resource_policy
from policies.props import tags_of

#: Taggable types Plinth creates; the check applies to these and any other type with tags/labels.
PREFIXES = ("aws:", "azure-native:", "gcp:")
LABELLED_GCP = ("gcp:storage/bucket:Bucket", "gcp:kms/cryptoKey:CryptoKey", "gcp:sql/databaseInstance:DatabaseInstance", "gcp:compute/instance:Instance")
TAGGED = (
    "aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:iam/role:Role", "aws:rds/instance:Instance", "aws:ec2/instance:Instance",
    "aws:ebs/volume:Volume", "aws:dynamodb/table:Table", "aws:backup/vault:Vault", "aws:backup/plan:Plan",
    "azure-native:resources:ResourceGroup", "azure-native:keyvault:Vault", "azure-native:storage:StorageAccount",
    "azure-native:managedidentity:UserAssignedIdentity", "azure-native:compute:Disk", "azure-native:sql:Server",
)


def _required(tags):
    keys = list(conventions.REQUIRED_TAGS)
    if conventions.TAG_TENANT in tags:
        keys += list(conventions.REQUIRED_TENANT_TAGS)
    return keys


def check(props, config):
    tags = tags_of(props)
    key_of = (lambda k: conventions.gcp_label_value(k)) if "labels" in props and "tags" not in props else (lambda k: k)
    missing = [k for k in _required(tags) if key_of(k) not in tags]
    if missing:
        yield f"Missing required tag(s): {', '.join(missing)}."


def remediate(props, config):
    """Adds managed-by and environment (the stack name) when they are missing; never changes a value."""
    field = "labels" if "labels" in props and "tags" not in props else "tags"
    current = dict(props.get(field) or {})
    stack = os.environ.get("PULUMI_STACK", "")
    wanted = {conventions.TAG_MANAGED_BY: conventions.MANAGED_BY_VALUE, conventions.TAG_ENVIRONMENT: stack}
    added = {k: v for k, v in wanted.items() if v and k not in current}
    if not added:
        return None
    out = {k: props[k] for k in props}
    out[field] = {**current, **added}
    return out


POLICY = resource_policy(
    name="stack-resource-tags-required",
    description="Taggable cloud resources carry the managed-by and environment tags, and tenant resources their tenant and cost center.",
    pack="compliance",
    types=TAGGED + LABELLED_GCP,
    check=check,
    severity="low",
    frameworks=["soc2:C1.1"],
    remediation="Add the tags (Plinth merges them from plinth:tags and the tenant spec); run the pack at remediate level to add managed-by and environment automatically.",
    remediate=remediate,
)
