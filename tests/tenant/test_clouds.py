"""Per-cloud secure settings of the dev stack's tenants (acme on AWS, globex on GCP, initech on Azure)."""

from __future__ import annotations

import pytest

from components import conventions
from scripts.engine import UNKNOWN
from tests.tenant.helpers import named, of_kind, only, policy_document, run_platform, stack, tenant, tenant_resources


# --- AWS -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def acme(dev_plan):
    return tenant_resources(dev_plan, "acme")


def test_aws_key_rotates_and_waits_thirty_days_before_deletion(acme):
    key = only(acme, "aws:kms/key:Key").inputs
    assert key["enableKeyRotation"] is True and key["deletionWindowInDays"] == 30
    statements = {s["Sid"]: s for s in policy_document(key["policy"])["Statement"]}
    use = statements["TenantWorkloadUseViaS3"]
    assert use["Principal"]["AWS"].endswith(":role/plinth-dev-acme-workload")
    assert use["Condition"]["StringEquals"]["kms:ViaService"] == "s3.eu-west-1.amazonaws.com"
    assert "kms:*" not in use["Action"]


def test_aws_bucket_is_encrypted_with_the_tenant_key_and_bucket_key(acme):
    rule = named(
        acme,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "acme-data-encryption",
    ).inputs["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    assert rule["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == UNKNOWN, "the key ARN is known after apply"
    assert rule["bucketKeyEnabled"] is True


def test_aws_bucket_blocks_public_access_enforces_tls_ownership_and_versions(acme):
    block = named(acme, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "acme-data-public-access").inputs
    assert all(
        block[flag] is True
        for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )
    assert named(acme, "aws:s3/bucketVersioning:BucketVersioning", "acme-data-versioning").inputs[
        "versioningConfiguration"
    ] == {"status": "Enabled"}
    assert named(acme, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "acme-data-ownership").inputs[
        "rule"
    ] == {"objectOwnership": "BucketOwnerEnforced"}
    deny = policy_document(named(acme, "aws:s3/bucketPolicy:BucketPolicy", "acme-data-tls-only").inputs["policy"])[
        "Statement"
    ][0]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    bucket = named(acme, "aws:s3/bucket:Bucket", "acme-data").inputs
    assert bucket["bucket"] == "plinth-dev-acme-data-210987654321" and bucket.get("forceDestroy") is False
    assert bucket["tags"]["tenant"] == "acme" and bucket["tags"]["managed-by"] == "plinth"


def test_aws_lifecycle_keeps_noncurrent_versions_by_tier(acme):
    rule = named(
        acme, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "acme-data-lifecycle"
    ).inputs["rules"][0]
    assert (
        rule["noncurrentVersionExpiration"]["noncurrentDays"] == conventions.TIER_NONCURRENT_RETENTION_DAYS["premium"]
    )


def test_aws_workload_role_trusts_only_the_tenant_service_account(acme):
    trust = policy_document(only(acme, "aws:iam/role:Role").inputs["assumeRolePolicy"])["Statement"]
    assert len(trust) == 1 and trust[0]["Action"] == "sts:AssumeRoleWithWebIdentity"
    conditions = trust[0]["Condition"]["StringEquals"]
    provider = "oidc.eks.eu-west-1.amazonaws.com/id/5C2B8A1F0E6D4B3A9C7E1D2F3A4B5C6D"
    assert conditions == {
        f"{provider}:sub": "system:serviceaccount:tenant-acme:workload",
        f"{provider}:aud": "sts.amazonaws.com",
    }
    assert trust[0]["Principal"]["Federated"] == f"arn:aws:iam::210987654321:oidc-provider/{provider}"


def test_aws_workload_policy_is_scoped_to_the_tenant_bucket_and_key():
    # Outside preview the key ARN is known, so the policy document can be read in full.
    plan = run_platform(stack(tenant(cloud="aws")), preview=False)
    statements = policy_document(
        only(tenant_resources(plan, "acme"), "aws:iam/rolePolicy:RolePolicy").inputs["policy"]
    )["Statement"]
    resources = [r for s in statements for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])]
    assert "*" not in resources
    assert all("plinth-dev-acme-data-123456789012" in r or ":key/" in r or "acme" in r for r in resources)
    assert not any(a == "*" or a.endswith(":*") for s in statements for a in s["Action"])


# --- GCP -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def globex(dev_plan):
    return tenant_resources(dev_plan, "globex")


def test_gcp_key_rotates_every_90_days(globex):
    key = only(globex, "gcp:kms/cryptoKey:CryptoKey").inputs
    assert key["rotationPeriod"] == "7776000s" and key["purpose"] == "ENCRYPT_DECRYPT"
    assert only(globex, "gcp:kms/keyRing:KeyRing").inputs["location"] == "europe-west4"


def test_gcp_bucket_uses_cmek_uniform_access_and_prevents_public_access(globex):
    bucket = only(globex, "gcp:storage/bucket:Bucket").inputs
    assert bucket["uniformBucketLevelAccess"] is True
    assert bucket["publicAccessPrevention"] == "enforced"
    assert bucket["versioning"] == {"enabled": True}
    key = only(globex, "gcp:kms/cryptoKey:CryptoKey").inputs
    assert bucket["encryption"]["defaultKmsKeyName"] == f"{key['keyRing']}/cryptoKeys/{key['name']}", (
        "the tenant's own key"
    )
    assert bucket["labels"]["tenant"] == "globex" and bucket["labels"]["compliance"] == "hipaa_soc2"
    days = [r["condition"].get("daysSinceNoncurrentTime") for r in bucket["lifecycleRules"]]
    assert conventions.TIER_NONCURRENT_RETENTION_DAYS["enterprise"] in days
    agent = only(globex, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").inputs
    assert agent["member"] == "serviceAccount:service-482193756012@gs-project-accounts.iam.gserviceaccount.com"


def test_gcp_service_account_is_bound_to_the_tenant_kubernetes_account_and_bucket(globex):
    binding = only(globex, "gcp:serviceaccount/iAMMember:IAMMember").inputs
    assert binding["role"] == "roles/iam.workloadIdentityUser"
    # The dev cluster is EKS: its pods reach GCP through Workload Identity Federation, never through a
    # GKE pool (which only pods of a GKE cluster can use).
    pool = binding["member"].split("/subject/")[0]
    assert pool.startswith(
        "principal://iam.googleapis.com/projects/482193756012/locations/global/workloadIdentityPools/"
    )
    assert binding["member"].endswith("/subject/system:serviceaccount:tenant-globex:workload")
    access = only(globex, "gcp:storage/bucketIAMMember:BucketIAMMember").inputs
    assert access["role"] == "roles/storage.objectUser"
    assert access["member"] == "serviceAccount:tn-dev-globex@plinth-dev-4821.iam.gserviceaccount.com"
    assert access["role"] not in ("roles/owner", "roles/editor", "roles/storage.admin")


# --- Azure ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def initech(dev_plan):
    return tenant_resources(dev_plan, "initech")


def test_azure_key_vault_uses_rbac_purge_protection_soft_delete_and_a_firewall(initech):
    props = only(initech, "azure-native:keyvault:Vault").inputs["properties"]
    assert props["enableRbacAuthorization"] is True and props["enablePurgeProtection"] is True
    assert props["enableSoftDelete"] is True and props["softDeleteRetentionInDays"] == 90
    assert props["networkAcls"] == {"defaultAction": "Deny", "bypass": "AzureServices"}
    key = only(initech, "azure-native:keyvault:Key").inputs["properties"]
    assert key["rotationPolicy"]["lifetimeActions"][0]["action"]["type"] == "rotate"


def test_azure_storage_account_is_locked_down_and_uses_the_tenant_key(initech):
    account = only(initech, "azure-native:storage:StorageAccount").inputs
    assert len(account["accountName"]) <= 24 and account["accountName"].isalnum()
    assert account["enableHttpsTrafficOnly"] is True and account["minimumTlsVersion"] == "TLS1_2"
    assert account["allowBlobPublicAccess"] is False and account["allowSharedKeyAccess"] is False
    encryption = account["encryption"]
    assert encryption["requireInfrastructureEncryption"] is True and encryption["keySource"] == "Microsoft.Keyvault"
    vault = only(initech, "azure-native:keyvault:Vault").inputs["vaultName"]
    assert encryption["keyVaultProperties"] == {"keyName": "data", "keyVaultUri": f"https://{vault}.vault.azure.net/"}
    assert account["networkRuleSet"]["defaultAction"] == "Deny"
    assert account["tags"]["tenant"] == "initech"


def test_azure_workload_identity_federates_only_the_tenant_service_account(initech):
    federation = only(initech, "azure-native:managedidentity:FederatedIdentityCredential").inputs
    assert federation["subject"] == "system:serviceaccount:tenant-initech:workload"
    assert federation["audiences"] == ["api://AzureADTokenExchange"]
    assert federation["issuer"].startswith("https://")
    roles = {r.name: r.inputs for r in of_kind(initech, "azure-native:authorization:RoleAssignment")}
    data = roles["initech-workload-data-access"]
    assert data["roleDefinitionId"].endswith("/ba92f5b4-2d11-453d-a403-e96b0029c9fe"), (
        "Storage Blob Data Contributor, not Owner"
    )
    assert data["principalType"] == "ServicePrincipal"
