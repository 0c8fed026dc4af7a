from components import conventions
from policies.props import tags_of
from policies.base import stack_policy

STATEFUL = {
    "aws:kms/key:Key", "aws:s3/bucket:Bucket", "aws:rds/instance:Instance", "aws:rds/cluster:Cluster",
    "aws:dynamodb/table:Table", "aws:ebs/volume:Volume", "aws:backup/vault:Vault",
    "gcp:kms/keyRing:KeyRing", "gcp:kms/cryptoKey:CryptoKey", "gcp:storage/bucket:Bucket", "gcp:sql/databaseInstance:DatabaseInstance",
    "azure-native:keyvault:Vault", "azure-native:keyvault:Key", "azure-native:storage:StorageAccount",
    "azure-native:compute:Disk", "azure-native:sql:Server", "azure-native:resources:ResourceGroup",
}


def check(resources, config):
    # Only ``protect`` reaches policy packs: the analyzer protocol (AnalyzerResourceOptions) does not
    # carry retainOnDelete, so a resource that is only retained cannot be told apart here.
    for r in resources:
        if r.resource_type not in STATEFUL or r.opts.protect:
            continue
        if tags_of(r.props).get(conventions.TAG_DATA_DELETION) == "delete":
            continue  # the tenant spec allows deleting this data on purpose
        yield f"{r.resource_type.rsplit(':', 1)[-1]} {r.name} holds data but is not protected: removing it from the program would delete it.", r


POLICY = stack_policy(
    name="stack-stateful-resource-protected",
    description="Resources that hold data are protected against deletion.",
    pack="compliance",
    check=check,
    reads=sorted(STATEFUL),
    severity="high",
    frameworks=["soc2:A1.2", "soc2:C1.2", "hipaa:164.308(a)(7)(ii)(A)", "gdpr:Art.32"],
    remediation="Set protect (and retainOnDelete) on the resource; Plinth's Tenant does this unless dataDeletion: delete.",
    enforcement="mandatory",
)
