"""IAM on GCP resources never grants a role to allUsers or allAuthenticatedUsers.

One rule for every IAM resource kind (member, binding, whole policy) of the services a platform deploys, as the
peers state it per service: CIS GCP Foundations v3.0 1.9 (Cloud KMS cryptokeys are not anonymously or publicly
accessible) and 7.1 (BigQuery datasets), Checkov CKV_GCP_100 (BigQuery tables), CKV_GCP_101 (Artifact Registry
repositories), CKV_GCP_102 (Cloud Run services), CKV_GCP_107 (Cloud Functions), Prowler kms_key_not_publicly_accessible
and compute_image_not_publicly_shared. Also covers Pub/Sub topics and subscriptions, Secret Manager secrets, service
accounts (public impersonation), projects, Spanner, Bigtable, Dataproc, Workbench and Compute images, snapshots and
disks. Buckets have their own policy (gcp-storage-bucketiam-public-forbidden); BigQuery dataset ACLs given inline or
as DatasetAccess are gcp-bigquery-dataset-public-forbidden.

Mandatory; waivable, because a public Cloud Run service or function behind its own authentication is a deliberate
design that a waiver with an owner and an expiry documents.
"""

from policies.gcp._iam import describe, iam_types, public_grants
from policies.meta import resource_policy

TYPES = [
    *iam_types("bigquery", "datasetIam", "iam", "routineIam", "connectionIam"),
    *iam_types("kms", "cryptoKeyIAM", "keyRingIAM"),
    *iam_types("artifactregistry", "repositoryIam"),
    *iam_types("pubsub", "topicIAM", "subscriptionIAM", "schemaIam"),
    *iam_types("cloudrun", "iam"),
    *iam_types("cloudrunv2", "serviceIam", "jobIam", "workerPoolIam"),
    *iam_types("cloudfunctions", "functionIam"),
    *iam_types("cloudfunctionsv2", "functionIam"),
    *iam_types("secretmanager", "secretIam", "regionalSecretIam"),
    *iam_types("serviceaccount", "iAM"),
    *iam_types("projects", "iAM"),
    *iam_types("spanner", "databaseIAM", "instanceIAM"),
    *iam_types("bigtable", "instanceIam", "tableIam"),
    *iam_types("dataproc", "clusterIAM", "jobIAM"),
    *iam_types("workbench", "instanceIam"),
    *iam_types("compute", "imageIam", "snapshotIam", "machineImageIam", "diskIam", "regionDiskIam"),
]


def check(props, config):
    found = public_grants(props)
    if found:
        yield f"The IAM grant opens the resource to everyone: {describe(found)}."


POLICY = resource_policy(
    name="gcp-iam-grant-public-forbidden",
    description="IAM on GCP resources never grants a role to allUsers or allAuthenticatedUsers.",
    types=TYPES,
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.1", "soc2:CC6.6", "gdpr:Art.32", "cis:gcp-1.9", "cis:gcp-7.1"],
    remediation=(
        "Grant the role to named users, groups or service accounts; put a public endpoint behind a load balancer "
        "with Identity-Aware Proxy or its own authentication, and document a deliberate exception with a waiver."
    ),
    enforcement="mandatory",
)
