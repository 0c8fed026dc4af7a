"""GCP coverage policies beyond one mutation: every IAM resource kind, every resource type a policy reads, what a
property's absence means (the provider's default), and the resources each policy leaves alone (not applicable)."""

from __future__ import annotations

import json

import pytest

from policies.meta import all_policies
from tests.policies.cases_gcp_azure import CLUSTER, INSTANCE, KEY, NODE_POOL, SECURE_POOL_CONFIG
from tests.policies.harness import UNKNOWN, analyze, analyze_stack

P = {p.name: p for p in all_policies()}


def policy_data(*bindings: tuple[str, list[str]]) -> str:
    return json.dumps({"bindings": [{"role": role, "members": members} for role, members in bindings]})


# --- Public IAM on every binding kind -----------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "type_", "props"),
    [
        (
            "gcp-storage-bucketiam-public-forbidden",
            "gcp:storage/bucketIAMBinding:BucketIAMBinding",
            {"bucket": "b", "role": "roles/storage.objectViewer", "members": ["user:a@example.com", "allUsers"]},
        ),
        (
            "gcp-storage-bucketiam-public-forbidden",
            "gcp:storage/bucketIAMPolicy:BucketIAMPolicy",
            {"bucket": "b", "policyData": policy_data(("roles/storage.objectViewer", ["allAuthenticatedUsers"]))},
        ),
        (
            "gcp-storage-bucketiam-public-forbidden",
            "gcp:storage/managedFolderIamMember:ManagedFolderIamMember",
            {"bucket": "b", "managedFolder": "f/", "role": "roles/storage.objectViewer", "member": "allUsers"},
        ),
        (
            "gcp-iam-grant-public-forbidden",
            "gcp:bigquery/iamBinding:IamBinding",
            {"tableId": "t", "role": "roles/bigquery.dataViewer", "members": ["allAuthenticatedUsers"]},
        ),
        (
            "gcp-iam-grant-public-forbidden",
            "gcp:kms/cryptoKeyIAMPolicy:CryptoKeyIAMPolicy",
            {"cryptoKeyId": KEY, "policyData": policy_data(("roles/cloudkms.cryptoKeyDecrypter", ["allUsers"]))},
        ),
        (
            "gcp-iam-grant-public-forbidden",
            "gcp:kms/keyRingIAMMember:KeyRingIAMMember",
            {"keyRingId": "r", "role": "roles/cloudkms.viewer", "member": "allUsers"},
        ),
        (
            "gcp-iam-grant-public-forbidden",
            "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
            {"repository": "r", "role": "roles/artifactregistry.reader", "member": "allUsers"},
        ),
        (
            "gcp-iam-grant-public-forbidden",
            "gcp:pubsub/topicIAMBinding:TopicIAMBinding",
            {"topic": "t", "role": "roles/pubsub.publisher", "members": ["allUsers"]},
        ),
        (
            "gcp-iam-grant-public-forbidden",
            "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember",
            {"subscription": "s", "role": "roles/pubsub.subscriber", "member": "allAuthenticatedUsers"},
        ),
        (
            "gcp-iam-grant-public-forbidden",
            "gcp:cloudrun/iamMember:IamMember",
            {"service": "s", "location": "l", "role": "roles/run.invoker", "member": "allUsers"},
        ),
        (
            "gcp-iam-grant-public-forbidden",
            "gcp:cloudrunv2/serviceIamPolicy:ServiceIamPolicy",
            {"name": "s", "policyData": policy_data(("roles/run.invoker", ["allUsers"]))},
        ),
        (
            "gcp-iam-grant-public-forbidden",
            "gcp:cloudfunctions/functionIamMember:FunctionIamMember",
            {"cloudFunction": "f", "role": "roles/cloudfunctions.invoker", "member": "allUsers"},
        ),
        (
            "gcp-iam-grant-public-forbidden",
            "gcp:cloudfunctionsv2/functionIamBinding:FunctionIamBinding",
            {"cloudFunction": "f", "role": "roles/cloudfunctions.invoker", "members": ["allUsers"]},
        ),
        (
            "gcp-iam-grant-public-forbidden",
            "gcp:projects/iAMMember:IAMMember",
            {"project": "p", "role": "roles/viewer", "member": "allAuthenticatedUsers"},
        ),
        (
            "gcp-iam-grant-public-forbidden",
            "gcp:serviceaccount/iAMBinding:IAMBinding",
            {"serviceAccountId": "sa", "role": "roles/iam.serviceAccountTokenCreator", "members": ["allUsers"]},
        ),
        (
            "gcp-iam-grant-public-forbidden",
            "gcp:secretmanager/secretIamMember:SecretIamMember",
            {"secretId": "s", "role": "roles/secretmanager.secretAccessor", "member": "allUsers"},
        ),
        (
            "gcp-iam-grant-public-forbidden",
            "gcp:compute/imageIamMember:ImageIamMember",
            {"image": "i", "role": "roles/compute.imageUser", "member": "allAuthenticatedUsers"},
        ),
        (
            "gcp-iam-grant-public-forbidden",
            "gcp:workbench/instanceIamMember:InstanceIamMember",
            {"name": "nb", "role": "roles/notebooks.viewer", "member": "allUsers"},
        ),
        (
            "gcp-bigquery-dataset-public-forbidden",
            "gcp:bigquery/datasetAccess:DatasetAccess",
            {"datasetId": "d", "role": "READER", "specialGroup": "allAuthenticatedUsers"},
        ),
    ],
)
def test_public_principals_on_every_iam_resource_kind(policy, type_, props):
    outcome = analyze(P[policy], type_, props)
    assert outcome.violations and "all" in outcome.violations[0], f"{policy} missed a public grant on {type_}"


def test_iam_policies_pass_named_principals_and_read_policy_data_unknown_as_not_checked():
    policy = P["gcp-iam-grant-public-forbidden"]
    named = {
        "cryptoKeyId": KEY,
        "policyData": policy_data(("roles/cloudkms.cryptoKeyDecrypter", ["group:ops@example.com"])),
    }
    assert analyze(policy, "gcp:kms/cryptoKeyIAMPolicy:CryptoKeyIAMPolicy", named).passed
    out = analyze(policy, "gcp:kms/cryptoKeyIAMPolicy:CryptoKeyIAMPolicy", {"cryptoKeyId": KEY, "policyData": UNKNOWN})
    assert out.unknown and not out.violations, "a policy document unknown at preview is not a pass"
    assert "gcp:storage/bucketIAMMember:BucketIAMMember" not in policy.types, "buckets have their own policy"


def test_bigquery_dataset_acl_entries_for_named_principals_and_views_pass():
    policy = P["gcp-bigquery-dataset-public-forbidden"]
    ok = {
        "datasetId": "d",
        "accesses": [
            {"role": "roles/bigquery.dataViewer", "iamMember": "serviceAccount:a@p.iam.gserviceaccount.com"},
            {"view": {"projectId": "p", "datasetId": "other", "tableId": "v"}},
            {"role": "READER", "domain": "example.com"},
        ],
    }
    assert analyze(policy, "gcp:bigquery/dataset:Dataset", ok).passed
    assert analyze(policy, "gcp:bigquery/dataset:Dataset", {"datasetId": "d"}).passed, "no inline ACL: nothing public"


# --- Network exposure ------------------------------------------------------------------------------

FIREWALL = "gcp:compute/firewall:Firewall"


def test_firewall_opens_only_web_ports_to_the_world():
    policy = P["gcp-compute-firewall-admin-ports-restricted"]
    web = {"network": "n", "sourceRanges": ["0.0.0.0/0"], "allows": [{"protocol": "tcp", "ports": ["80", "443"]}]}
    assert analyze(policy, FIREWALL, web).passed
    app = {**web, "allows": [{"protocol": "tcp", "ports": ["8080"]}]}
    assert analyze(policy, FIREWALL, app).violations == ["The firewall opens tcp port(s) 8080 to the internet."]
    udp = {**web, "allows": [{"protocol": "udp", "ports": ["53"]}]}
    assert "udp port(s) 53" in analyze(policy, FIREWALL, udp).violations[0]
    every = analyze(policy, FIREWALL, {**web, "allows": [{"protocol": "all"}]})
    assert "0-79 (incl. 22)" in every.violations[0] and "444-65535" in every.violations[0]
    ipv6 = {**web, "sourceRanges": ["::/0"], "allows": [{"protocol": "tcp", "ports": ["5432"]}]}
    assert "5432" in analyze(policy, FIREWALL, ipv6).violations[0]
    assert analyze(policy, FIREWALL, app, config={"allowedPorts": [8080]}).passed, "allowedPorts widens the web ports"


def test_firewall_without_any_source_applies_to_the_whole_internet():
    policy = P["gcp-compute-firewall-admin-ports-restricted"]
    ssh = {"network": "n", "allows": [{"protocol": "tcp", "ports": ["22"]}]}
    assert "22" in analyze(policy, FIREWALL, ssh).violations[0], "no sourceRanges/Tags/ServiceAccounts is 0.0.0.0/0"
    assert analyze(policy, FIREWALL, {**ssh, "sourceTags": ["bastion"]}).passed
    assert analyze(policy, FIREWALL, {**ssh, "sourceServiceAccounts": ["b@p.iam.gserviceaccount.com"]}).passed


@pytest.mark.parametrize(
    "props",
    [
        {"network": "n", "direction": "EGRESS", "destinationRanges": ["0.0.0.0/0"], "allows": [{"protocol": "all"}]},
        {"network": "n", "sourceRanges": ["0.0.0.0/0"], "disabled": True, "allows": [{"protocol": "all"}]},
        {"network": "n", "sourceRanges": ["0.0.0.0/0"], "allows": [{"protocol": "icmp"}]},
        {"network": "n", "sourceRanges": ["10.0.0.0/8"], "allows": [{"protocol": "all"}]},
        {"network": "n", "sourceRanges": ["0.0.0.0/0"], "denies": [{"protocol": "all"}]},
    ],
)
def test_firewall_rules_that_open_nothing_to_the_world_are_not_applicable(props):
    assert analyze(P["gcp-compute-firewall-admin-ports-restricted"], FIREWALL, props).passed


def test_cloud_sql_has_a_public_ip_unless_ipv4_is_disabled():
    policy = P["gcp-sql-instance-public-forbidden"]
    sql = "gcp:sql/databaseInstance:DatabaseInstance"
    both = {"settings": {"ipConfiguration": {"privateNetwork": "n"}}}
    assert "public IPv4" in analyze(policy, sql, both).violations[0], "ipv4Enabled defaults to true beside a private IP"
    assert analyze(policy, sql, {"settings": {"ipConfiguration": {"ipv4Enabled": False, "privateNetwork": "n"}}}).passed


@pytest.mark.parametrize(
    "type_",
    ["gcp:compute/instanceTemplate:InstanceTemplate", "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate"],
)
def test_instance_templates_are_judged_like_instances(type_):
    template = {
        "machineType": "e2-small",
        "disks": [{"boot": True, "sourceImage": "debian-12", "diskEncryptionKey": {"kmsKeySelfLink": KEY}}],
        "networkInterfaces": [{"network": "n", "accessConfigs": [{}]}],
        "canIpForward": True,
        "serviceAccount": {"scopes": ["cloud-platform"]},
    }
    assert analyze(P["gcp-compute-instance-publicip-forbidden"], type_, template).violations
    assert analyze(P["gcp-compute-instance-ipforwarding-disabled"], type_, template).violations
    assert analyze(P["gcp-compute-instance-defaultsa-forbidden"], type_, template).violations
    assert analyze(P["gcp-compute-instance-fullscope-forbidden"], type_, template).violations
    disk = P["gcp-compute-disk-cmek-required"]
    assert analyze(disk, type_, template).passed
    assert "Template disk" in analyze(disk, type_, {**template, "disks": [{"boot": True}]}).violations[0]


def test_instances_without_a_service_account_and_gke_nodes_are_not_applicable():
    no_account = {k: v for k, v in INSTANCE.items() if k != "serviceAccount"}
    for name in ("gcp-compute-instance-defaultsa-forbidden", "gcp-compute-instance-fullscope-forbidden"):
        assert analyze(P[name], "gcp:compute/instance:Instance", no_account).passed, f"{name}: no account attached"
    gke_node = {
        **INSTANCE,
        "name": "gke-pool-1-abc",
        "canIpForward": True,
        "serviceAccount": {"scopes": ["cloud-platform"]},
    }
    for name in ("gcp-compute-instance-ipforwarding-disabled", "gcp-compute-instance-fullscope-forbidden"):
        assert analyze(P[name], "gcp:compute/instance:Instance", gke_node).passed, (
            f"{name}: GKE nodes are judged by pool"
        )


def test_boot_disk_without_a_key_uses_google_managed_encryption():
    policy = P["gcp-compute-disk-cmek-required"]
    plain = {**INSTANCE, "bootDisk": {"initializeParams": {"image": "debian-12"}}}
    assert analyze(policy, "gcp:compute/instance:Instance", plain).violations == [
        "The boot disk is encrypted with Google-managed keys."
    ]
    csek = {**INSTANCE, "bootDisk": {"diskEncryptionKeyRaw": "c2VjcmV0LWtleS1tYXRlcmlhbC0zMmJ5dGVzIQ=="}}
    assert analyze(policy, "gcp:compute/instance:Instance", csek).passed, "a customer-supplied key passes (CIS 4.7)"
    region = {"region": "europe-west4", "diskEncryptionKey": {"rawKey": "c2VjcmV0"}}
    assert analyze(policy, "gcp:compute/regionDisk:RegionDisk", region).passed


# --- GKE --------------------------------------------------------------------------------------------

GKE = "gcp:container/cluster:Cluster"
POOL = "gcp:container/nodePool:NodePool"
AUTOPILOT = {"location": "europe-west4", "enableAutopilot": True, "privateClusterConfig": {"enablePrivateNodes": True}}


def test_node_checks_read_each_pool_of_a_cluster_and_its_default_pool():
    default_pool = {**CLUSTER, "removeDefaultNodePool": False}
    assert (
        "The default node pool runs as the Compute Engine default"
        in analyze(P["gcp-container-nodepool-defaultsa-forbidden"], GKE, default_pool).violations[0]
    ), "no nodeConfig: the default pool runs as the default account"
    listed = {
        **CLUSTER,
        "removeDefaultNodePool": False,
        "nodePools": [
            {"name": "good", "nodeConfig": SECURE_POOL_CONFIG},
            {"name": "cpu", "nodeConfig": {"serviceAccount": "default"}, "management": {"autoUpgrade": False}},
        ],
    }
    sa = analyze(P["gcp-container-nodepool-defaultsa-forbidden"], GKE, listed)
    assert sa.violations == ["Node pool cpu runs as the Compute Engine default service account."]
    upgrade = analyze(P["gcp-container-nodepool-autoupgrade-enabled"], GKE, listed)
    assert upgrade.violations == [
        "Node pool cpu does not upgrade its nodes automatically (management.autoUpgrade: false)."
    ]
    shielded = analyze(P["gcp-container-nodepool-shielded-required"], GKE, listed)
    assert [v.split(" boots")[0] for v in shielded.violations] == ["Node pool cpu"]


def test_autopilot_clusters_manage_their_nodes():
    for name in (
        "gcp-container-cluster-networkpolicy-enabled",
        "gcp-container-cluster-workloadidentity-enabled",
        "gcp-container-nodepool-shielded-required",
        "gcp-container-nodepool-autoupgrade-enabled",
    ):
        assert analyze(P[name], GKE, AUTOPILOT).passed, f"{name}: Autopilot manages this"
    sa = P["gcp-container-nodepool-defaultsa-forbidden"]
    assert analyze(sa, GKE, AUTOPILOT).violations == [
        "Autopilot nodes run as the Compute Engine default service account."
    ]
    dedicated = {
        **AUTOPILOT,
        "clusterAutoscaling": {"autoProvisioningDefaults": {"serviceAccount": "n@p.iam.gserviceaccount.com"}},
    }
    assert analyze(sa, GKE, dedicated).passed


def test_provider_defaults_decide_the_absent_gke_settings():
    # Shielded nodes, integrity monitoring, auto-upgrade/repair and client certificates: secure by default.
    bare_pool = {
        "cluster": "c",
        "nodeConfig": {
            "serviceAccount": "n@p.iam.gserviceaccount.com",
            "shieldedInstanceConfig": {"enableSecureBoot": True},
        },
    }
    assert analyze(P["gcp-container-nodepool-shielded-required"], POOL, bare_pool).passed
    assert analyze(P["gcp-container-nodepool-autoupgrade-enabled"], POOL, bare_pool).passed
    assert analyze(P["gcp-container-cluster-legacyauth-disabled"], GKE, CLUSTER).passed
    assert analyze(P["gcp-container-cluster-workloadidentity-enabled"], POOL, bare_pool).passed, (
        "pools inherit GKE_METADATA"
    )
    off = {**CLUSTER, "enableShieldedNodes": False}
    assert (
        "enableShieldedNodes: false" in analyze(P["gcp-container-nodepool-shielded-required"], GKE, off).violations[0]
    )
    # Network policy: Calico passes, the legacy datapath without it does not.
    calico = {
        **CLUSTER,
        "datapathProvider": "LEGACY_DATAPATH",
        "networkPolicy": {"enabled": True, "provider": "CALICO"},
    }
    assert analyze(P["gcp-container-cluster-networkpolicy-enabled"], GKE, calico).passed


def test_node_pools_can_turn_private_nodes_off_and_clusters_checks_skip_pools():
    policy = P["gcp-container-cluster-privatenodes-required"]
    assert analyze(policy, POOL, NODE_POOL).passed, "a pool inherits the cluster's private nodes"
    endpoint = {**CLUSTER, "privateClusterConfig": {"enablePrivateEndpoint": True}}
    assert analyze(policy, GKE, endpoint).passed, "a private endpoint implies private nodes"
    public = {**NODE_POOL, "networkConfig": {"enablePrivateNodes": False}}
    assert analyze(policy, POOL, public).violations
    for name in ("gcp-container-cluster-legacyauth-disabled", "gcp-container-cluster-controlplane-restricted"):
        assert P[name].types == (GKE,), f"{name} is a cluster setting"


# --- Identity ----------------------------------------------------------------------------------------


def test_basic_roles_to_anyone_and_admin_roles_to_service_accounts():
    policy = P["gcp-projects-iam-primitive-forbidden"]
    member = "gcp:projects/iAMMember:IAMMember"
    assert (
        "basic role roles/viewer"
        in analyze(policy, member, {"project": "p", "role": "roles/viewer", "member": "user:a@example.com"}).violations[
            0
        ]
    )
    sa_admin = {
        "project": "p",
        "role": "roles/compute.instanceAdmin.v1",
        "member": "serviceAccount:ci@p.iam.gserviceaccount.com",
    }
    assert "administrative role" in analyze(policy, member, sa_admin).violations[0]
    assert analyze(policy, member, {**sa_admin, "member": "group:ops@example.com"}).passed, (
        "admin roles for people: CIS 1.5 is about SAs"
    )
    folder = {"folder": "folders/1", "policyData": policy_data(("roles/owner", ["group:admins@example.com"]))}
    assert analyze(policy, "gcp:folder/iAMPolicy:IAMPolicy", folder).violations
    org = {"orgId": "1", "role": "roles/editor", "members": ["user:x@example.com"]}
    assert analyze(policy, "gcp:organizations/iAMBinding:IAMBinding", org).violations


def test_impersonation_roles_at_folder_level_and_on_one_service_account():
    policy = P["gcp-projects-iam-impersonation-forbidden"]
    folder = {
        "folder": "folders/1",
        "role": "roles/iam.serviceAccountTokenCreator",
        "members": ["group:ci@example.com"],
    }
    assert analyze(policy, "gcp:folder/iAMBinding:IAMBinding", folder).violations
    assert "gcp:serviceaccount/iAMMember:IAMMember" not in policy.types, "granting it on one service account is the fix"


def test_user_managed_keys_are_found_whatever_is_unknown():
    policy = P["gcp-serviceaccount-key-usermanaged-forbidden"]
    key = {"type": "gcp:serviceaccount/key:Key", "name": "ci-key", "props": {"serviceAccountId": UNKNOWN}}
    out = analyze_stack(policy, [key])
    assert (
        out.violations
        == ["ci-key is a user-managed service-account key: a long-lived credential outside Google's control."]
        and not out.unknown
    ), "the key's existence is the finding; an unknown account id does not hide it"
    account = {"type": "gcp:serviceaccount/account:Account", "name": "sa", "props": {"accountId": "sa"}}
    assert analyze_stack(policy, [account]).passed, "service accounts without keys"


# --- Serverless credentials, ML, resilience --------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "props"),
    [
        (
            "gcp:cloudfunctions/function:Function",
            {"runtime": "python312", "environmentVariables": {"API_KEY": "abcdef0123456789"}},
        ),
        (
            "gcp:cloudfunctions/function:Function",
            {
                "runtime": "python312",
                "buildEnvironmentVariables": {"PIP_INDEX_URL": "https://u:s3cret@pypi.example.com/simple"},
            },
        ),
        (
            "gcp:cloudrun/service:Service",
            {
                "template": {
                    "spec": {
                        "containers": [{"image": "i", "envs": [{"name": "DB_PASSWORD", "value": "hunter2hunter2"}]}]
                    }
                }
            },
        ),
        (
            "gcp:cloudrunv2/service:Service",
            {
                "template": {
                    "containers": [{"image": "i", "envs": [{"name": "AWS_KEY", "value": "AKIAIOSFODNN7EXAMPLE"}]}]
                }
            },
        ),
        (
            "gcp:cloudrunv2/job:Job",
            {
                "template": {
                    "template": {
                        "containers": [
                            {"image": "i", "envs": [{"name": "TOKEN", "value": "xoxb-123456789012-abcdefghijklmnop"}]}
                        ]
                    }
                }
            },
        ),
    ],
)
def test_plaintext_credentials_in_every_serverless_environment(type_, props):
    out = analyze(P["gcp-serverless-environment-credentials-forbidden"], type_, props)
    assert out.violations, type_
    assert not any(secret in out.violations[0] for secret in ("hunter2", "AKIA", "s3cret", "xoxb-")), (
        "values are never echoed"
    )


def test_secret_references_in_cloud_run_are_not_literals():
    ref = {
        "template": {
            "containers": [
                {
                    "image": "i",
                    "envs": [
                        {"name": "DB_PASSWORD", "valueSource": {"secretKeyRef": {"secret": "db", "version": "latest"}}}
                    ],
                }
            ]
        }
    }
    assert analyze(P["gcp-serverless-environment-credentials-forbidden"], "gcp:cloudrunv2/service:Service", ref).passed


def test_read_replicas_take_no_backups_of_their_own():
    replica = {"databaseVersion": "POSTGRES_16", "masterInstanceName": "primary", "settings": {"tier": "db-f1-micro"}}
    for name in ("gcp-sql-instance-backup-enabled", "gcp-sql-instance-pitr-enabled"):
        assert analyze(P[name], "gcp:sql/databaseInstance:DatabaseInstance", replica).passed, name
    mysql = {
        "databaseVersion": "MYSQL_8_0",
        "settings": {"backupConfiguration": {"enabled": True, "binaryLogEnabled": True}},
    }
    assert analyze(P["gcp-sql-instance-pitr-enabled"], "gcp:sql/databaseInstance:DatabaseInstance", mysql).passed


def test_deletion_protection_defaults_to_on_for_every_store():
    policy = P["gcp-datastore-deletionprotection-enabled"]
    for type_ in policy.types:
        assert analyze(policy, type_, {"name": "x"}).passed, f"{type_}: the provider's default is true"
        assert analyze(policy, type_, {"name": "x", "deletionProtection": False}).violations, type_


def test_log_retention_minimum_is_configurable():
    policy = P["gcp-logging-bucket-retention-minimum"]
    bucket = {"bucketId": "b", "location": "global", "retentionDays": 90.0}
    assert analyze(policy, "gcp:logging/folderBucketConfig:FolderBucketConfig", bucket).violations
    assert analyze(
        policy, "gcp:logging/folderBucketConfig:FolderBucketConfig", bucket, config={"minimumDays": 30}
    ).passed


LOG_BUCKET = {"type": "gcp:storage/bucket:Bucket", "name": "logs", "props": {"name": "acme-logs", "location": "EU"}}
SINK = {
    "type": "gcp:logging/projectSink:ProjectSink",
    "name": "audit",
    "props": {"name": "audit", "destination": "storage.googleapis.com/acme-logs", "filter": "logName:cloudaudit"},
}


def test_buckets_that_receive_exported_logs_lock_their_retention():
    policy = P["gcp-logging-sinkbucket-retention-locked"]
    out = analyze_stack(policy, [LOG_BUCKET, SINK])
    assert out.violations == ["Bucket logs receives exported logs but has no locked retention policy."]
    locked = {
        **LOG_BUCKET,
        "props": {**LOG_BUCKET["props"], "retentionPolicy": {"retentionPeriod": "31536000", "isLocked": True}},
    }
    assert analyze_stack(policy, [locked, SINK]).passed
    unlocked = {**locked, "props": {**locked["props"], "retentionPolicy": {"retentionPeriod": "31536000"}}}
    assert analyze_stack(policy, [unlocked, SINK]).violations, "a retention policy that is not locked can be removed"
    assert analyze_stack(policy, [LOG_BUCKET]).passed, "a bucket no sink writes to is not a log bucket"
    bigquery = {**SINK, "props": {**SINK["props"], "destination": "bigquery.googleapis.com/projects/p/datasets/logs"}}
    assert analyze_stack(policy, [LOG_BUCKET, bigquery]).passed
    assert analyze_stack(policy, [LOG_BUCKET, {**SINK, "props": {**SINK["props"], "destination": UNKNOWN}}]).unknown
