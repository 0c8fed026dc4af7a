"""What a real `pulumi up` enforces and the mock engine does not: principals exist before a policy names
them, identity follows the cluster, service agents appear on first use, networks decide reachability,
role assignments propagate, names follow every provider rule."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components import conventions
from components.config import ConfigError, parse
from components.tenant import aws as aws_part
from components.tenant import azure as azure_part
from components.tenant import gcp as gcp_part
from components.tenant.context import TenantContext
from components.tenant.spec import TenantSpec
from tests.tenant.helpers import (
    BASE_STACK,
    named,
    of_kind,
    only,
    policy_document,
    run_platform,
    stack,
    tenant,
    tenant_resources,
)


def _statements(resource) -> dict[str, Any]:
    return {s["Sid"]: s for s in policy_document(resource.inputs["policy"])["Statement"]}


def test_aws_tenant_without_a_cluster_gets_a_key_policy_naming_only_existing_principals():
    plan = run_platform(stack(tenant(cloud="aws"), kubernetes=None))
    resources = tenant_resources(plan, "acme")
    assert not of_kind(resources, "aws:iam/role:Role")
    key = only(resources, "aws:kms/key:Key")
    principals = [s["Principal"] for s in _statements(key).values()]
    assert not any("role/" in json.dumps(p) for p in principals), (
        "KMS refuses a key policy naming a role that does not exist"
    )


def test_the_key_waits_for_the_role_its_policy_names(dev_plan):
    resources = tenant_resources(dev_plan, "acme")
    role, key = only(resources, "aws:iam/role:Role"), only(resources, "aws:kms/key:Key")
    assert role.urn in key.dependencies and role.urn in key.property_dependencies["policy"], (
        "CreateKey fails while the named role does not exist: the key must be created after it"
    )
    assert (
        _statements(key)["TenantWorkloadUseViaS3"]["Principal"]["AWS"]
        == "arn:aws:iam::210987654321:role/plinth-dev-acme-workload"
    )


def test_the_role_trusts_an_oidc_provider_the_stack_creates_first(dev_plan):
    provider = only(dev_plan.resources, "aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert provider.inputs["url"] == "https://oidc.eks.eu-west-1.amazonaws.com/id/5C2B8A1F0E6D4B3A9C7E1D2F3A4B5C6D"
    assert provider.inputs["clientIdLists"] == ["sts.amazonaws.com"]
    role = only(tenant_resources(dev_plan, "acme"), "aws:iam/role:Role")
    assert provider.urn in role.dependencies


def test_an_existing_oidc_provider_is_used_not_created():
    arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789"
    plan = run_platform(stack(tenant(cloud="aws"), kubernetes={**BASE_STACK["kubernetes"], "awsOidcProviderArn": arn}))
    assert not plan.of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    trust = policy_document(only(tenant_resources(plan, "acme"), "aws:iam/role:Role").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"]["Federated"] == arn


def test_workload_key_use_is_only_through_s3_in_the_role_policy_too():
    plan = run_platform(stack(tenant(cloud="aws")), preview=False)
    statements = {
        s["Sid"]: s
        for s in policy_document(
            only(tenant_resources(plan, "acme"), "aws:iam/rolePolicy:RolePolicy").inputs["policy"]
        )["Statement"]
    }
    assert statements["TenantKeyViaS3"]["Condition"] == {
        "StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}
    }, "the key policy delegates to IAM (root statement), so the IAM policy must carry the via-S3 condition"


def test_every_aws_tenant_bucket_records_access_logs_to_a_separate_encrypted_bucket(dev_plan):
    resources = tenant_resources(dev_plan, "acme")
    logging = only(resources, "aws:s3/bucketLogging:BucketLogging").inputs
    assert logging["bucket"] == "plinth-dev-acme-data-210987654321"
    assert logging["targetBucket"] == "plinth-dev-acme-logs-210987654321" and logging["targetPrefix"] == "s3-access/"
    logs = named(resources, "aws:s3/bucket:Bucket", "acme-logs")
    assert logs.protect and logs.retain_on_delete, "access logs are audit evidence: never deleted with the stack"
    encryption = named(
        resources,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "acme-logs-encryption",
    )
    assert encryption.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    delivery = {
        s.get("Sid"): s
        for s in policy_document(
            named(resources, "aws:s3/bucketPolicy:BucketPolicy", "acme-logs-policy").inputs["policy"]
        )["Statement"]
    }
    allow = delivery["S3ServerAccessLogsPolicy"]
    assert allow["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert allow["Condition"]["ArnLike"]["aws:SourceArn"] == "arn:aws:s3:::plinth-dev-acme-data-210987654321"
    key = _statements(only(resources, "aws:kms/key:Key"))
    assert key["AccessLogDelivery"]["Principal"] == {"Service": "logging.s3.amazonaws.com"}, (
        "S3 may encrypt the logs it delivers"
    )


def test_gcp_identity_follows_the_cluster():
    eks = run_platform(stack(tenant(cloud="gcp"), kubernetes={**BASE_STACK["kubernetes"], "distribution": "eks"}))
    member = only(tenant_resources(eks, "acme"), "gcp:serviceaccount/iAMMember:IAMMember").inputs["member"]
    assert member.startswith(
        "principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/"
    )
    provider = only(eks.resources, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider")
    assert provider.inputs["oidc"]["issuerUri"] == BASE_STACK["kubernetes"]["oidcIssuerUrl"]
    binding = only(tenant_resources(eks, "acme"), "gcp:serviceaccount/iAMMember:IAMMember")
    assert provider.urn in binding.dependencies, "the principal's pool must exist before it is granted anything"
    config = only(tenant_resources(eks, "acme"), "kubernetes:core/v1:ConfigMap").inputs["data"][
        "credential-configuration.json"
    ]
    assert (
        json.loads(config)["audience"]
        == "//iam.googleapis.com/"
        + member.split("principal://iam.googleapis.com/")[1].split("/subject/")[0]
        + "/providers/"
        + member.split("workloadIdentityPools/")[1].split("/")[0]
        + "-k8s"
    )

    gke = run_platform(stack(tenant(cloud="gcp"), kubernetes={"distribution": "gke", "gkeProject": "cluster-proj-1"}))
    member = only(tenant_resources(gke, "acme"), "gcp:serviceaccount/iAMMember:IAMMember").inputs["member"]
    assert member == "serviceAccount:cluster-proj-1.svc.id.goog[tenant-acme/workload]", (
        "GKE pods use their cluster project's pool"
    )
    assert not gke.of_type("gcp:iam/workloadIdentityPool:WorkloadIdentityPool")
    sa = only(tenant_resources(gke, "acme"), "kubernetes:core/v1:ServiceAccount").inputs
    assert sa["metadata"]["annotations"] == {
        "iam.gke.io/gcp-service-account": "tn-dev-acme@plinth-test-123.iam.gserviceaccount.com"
    }


def test_gcp_tenant_on_another_cluster_without_an_issuer_is_refused():
    with pytest.raises(
        ConfigError, match=r"plinth:kubernetes\.oidcIssuerUrl: tenant 'acme' needs workload identity on gcp"
    ):
        parse(stack(tenant(cloud="gcp"), kubernetes={"distribution": "aks"}), source="test")


def test_the_storage_agent_comes_from_the_providers_lookup_not_a_hand_built_address(dev_plan):
    grant = only(tenant_resources(dev_plan, "globex"), "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").inputs
    # The lookup (storage API projects.serviceAccount.get) creates the agent on first use in a fresh project;
    # offline the engine answers it from the project number the program passes.
    assert grant["member"] == "serviceAccount:service-482193756012@gs-project-accounts.iam.gserviceaccount.com"


def test_azure_storage_admits_the_clusters_networks_and_waits_for_the_key_grant(dev_plan):
    resources = tenant_resources(dev_plan, "initech")
    account = only(resources, "azure-native:storage:StorageAccount")
    rules = account.inputs["networkRuleSet"]
    assert rules["defaultAction"] == "Deny"
    assert rules["ipRules"] == [
        {"iPAddressOrRange": "52.30.12.10", "action": "Allow"},
        {"iPAddressOrRange": "52.30.12.11", "action": "Allow"},
    ]
    sleep = only(resources, "time:index/sleep:Sleep")
    grant = named(resources, "azure-native:authorization:RoleAssignment", "initech-storage-key-access")
    assert grant.urn in sleep.dependencies and sleep.inputs["createDuration"] == "120s"
    assert sleep.urn in account.dependencies, "the account uses the key only after the grant has had time to propagate"


def test_azure_storage_without_allowed_networks_warns_that_workloads_cannot_reach_it():
    plan = run_platform(stack(tenant(cloud="azure")))
    warnings = [d.message for d in plan.diagnostics if d.severity == "warning"]
    assert any("denies every network" in w and "allowedSubnetIds" in w for w in warnings), warnings
    closed = only(tenant_resources(plan, "acme"), "azure-native:storage:StorageAccount").inputs
    assert closed["publicNetworkAccess"] == "Disabled", "no network needs the public endpoint: private endpoints only"
    subnet = (
        "/subscriptions/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/resourceGroups/aks/providers/Microsoft.Network"
        "/virtualNetworks/v/subnets/nodes"
    )
    plan = run_platform(stack(tenant(cloud="azure"), azure={**BASE_STACK["azure"], "allowedSubnetIds": [subnet]}))
    account = only(tenant_resources(plan, "acme"), "azure-native:storage:StorageAccount").inputs
    assert account["networkRuleSet"]["virtualNetworkRules"] == [{"virtualNetworkResourceId": subnet, "action": "Allow"}]
    assert account["publicNetworkAccess"] == "Enabled", "service endpoints and IP rules need the public endpoint"
    assert not [d for d in plan.diagnostics if d.severity == "warning"]


@pytest.mark.parametrize("bad", ["10.0.0.0/8", "192.168.1.4", "52.30.12.10/32", "not-an-ip"])
def test_azure_allowed_ranges_must_be_public_ipv4_azure_accepts(bad):
    with pytest.raises(ConfigError, match=r"plinth:azure\.allowedIpRanges"):
        parse(stack(tenant(), azure={**BASE_STACK["azure"], "allowedIpRanges": [bad]}), source="test")


def test_tenant_namespaces_turn_off_token_automount_on_the_default_service_account(dev_plan):
    for tenant_id in ("acme", "globex", "initech", "hooli"):
        patch = only(tenant_resources(dev_plan, tenant_id), "kubernetes:core/v1:ServiceAccountPatch")
        assert patch.inputs["metadata"]["name"] == "default" and patch.inputs["automountServiceAccountToken"] is False
        namespace = only(tenant_resources(dev_plan, tenant_id), "kubernetes:core/v1:Namespace")
        assert namespace.urn in patch.dependencies


def test_a_tenant_id_that_would_put_google_in_a_bucket_name_is_refused():
    with pytest.raises(
        ConfigError, match=r"plinth:tenants\[0\]\.id: tenant id 'g00gle-labs' cannot name a Cloud Storage bucket"
    ):
        parse(stack(tenant(id="g00gle-labs", cloud="gcp")), source="test")
    parse(stack(tenant(id="g00gle-labs", cloud="aws")), source="test")  # only Cloud Storage has the rule


SNAKE_OK = {
    "tags",
    "labels",
    "attributeMapping",
    "triggers",
    "dimensions",
    "values",
    "userLabels",
    "data",
    "stringData",
}


def _snake_keys(value: Any, path: str = "") -> list[str]:
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if "_" in key and path.split(".")[-1] not in SNAKE_OK:
                found.append(f"{path}.{key}")
            if key not in SNAKE_OK:
                found.extend(_snake_keys(item, f"{path}.{key}" if path else key))
    elif isinstance(value, list):
        for item in value:
            found.extend(_snake_keys(item, path))
    return found


def test_every_nested_cloud_input_key_is_one_the_provider_knows(dev_plan):
    """A nested key the SDK does not know stays snake_case in the plan and the provider silently drops it
    (e.g. ``ip_address_or_range`` instead of azure-native's ``i_p_address_or_range``)."""
    for r in dev_plan.resources:
        if r.type.split(":")[0] in ("aws", "gcp", "azure-native"):
            assert not _snake_keys(r.inputs), f"{r.name}: keys the provider does not know: {_snake_keys(r.inputs)}"


# --- names ---------------------------------------------------------------------------------------------
IDS = st.from_regex(r"\A[a-z]([a-z0-9-]{0,18}[a-z0-9])?\Z").filter(lambda i: "--" not in i)


@settings(max_examples=200, deadline=None)
@given(IDS, st.sampled_from(["dev", "staging", "prod"]))
def test_every_generated_name_follows_its_providers_rules(tenant_id, environment):
    spec = TenantSpec.model_validate({**tenant(id=tenant_id), "cloud": "none"})
    from components.clouds import AwsSettings, AzureSettings, GcpSettings

    def ctx(settings: Any) -> TenantContext:
        return TenantContext(
            name=tenant_id,
            spec=spec,
            environment=environment,
            cluster=None,
            settings=settings,
            region=None,
            links={},
            tags={},
            opts=None,
            data_opts=None,
        )  # type: ignore[arg-type]

    aws_ctx = ctx(AwsSettings.model_validate(BASE_STACK["aws"]))
    gcp_ctx = ctx(GcpSettings.model_validate(BASE_STACK["gcp"]))
    az_ctx = ctx(AzureSettings.model_validate(BASE_STACK["azure"]))
    names = {
        "s3-bucket": [aws_part.bucket_name(aws_ctx), aws_part.log_bucket_name(aws_ctx)],
        "aws-iam-role": [aws_part.role_name(aws_ctx)],
        "aws-kms-alias": [f"alias/plinth/{environment}/{tenant_id}"],
        "gcp-service-account": [gcp_part.service_account_id(gcp_ctx)],
        "gcp-kms": [gcp_part.key_ring_id(gcp_ctx).rsplit("/", 1)[1], gcp_part.crypto_key_id(gcp_ctx).rsplit("/", 1)[1]],
        "gcp-wif": [gcp_part.pool_id(environment, "https://issuer.example.com/" + tenant_id)],
        "azure-key-vault": [azure_part.vault_name(az_ctx)],
        "azure-storage-account": [azure_part.storage_account_name(az_ctx)],
        "azure-resource-group": [azure_part.resource_group_name(az_ctx)],
        "azure-managed-identity": [az_ctx.physical("storage", max_len=128), az_ctx.physical("workload", max_len=128)],
        "azure-federated-credential": [az_ctx.physical("k8s", max_len=120)],
        "kubernetes-namespace": [conventions.namespace_name(tenant_id)],
    }
    if not conventions.gcs_bucket_name_problems(tenant_id, BASE_STACK["gcp"]["project"]):
        names["gcs-bucket"] = [gcp_part.bucket_name(gcp_ctx)]
    for kind, values in names.items():
        for name in values:
            assert not conventions.name_problems(kind, name), conventions.name_problems(kind, name)
    provider = gcp_part.provider_name("1", environment, "x").rsplit("/", 1)[1]
    assert not conventions.name_problems("gcp-wif", provider)


@pytest.mark.parametrize("key", ["ingressNamespace", "monitoringNamespace"])
def test_a_platform_namespace_can_never_be_a_tenant_namespace(key):
    doc = stack(tenant(), tenant(id="globex"), kubernetes={**BASE_STACK["kubernetes"], key: "tenant-globex"})
    with pytest.raises(ConfigError, match=rf"plinth:kubernetes\.{key}: 'tenant-globex' is tenant globex's namespace"):
        parse(doc, source="test")


def test_internet_egress_for_regulated_tenants_needs_an_acknowledgement():
    rule = {"cidr": "0.0.0.0/0", "ports": [443]}
    with pytest.raises(
        ConfigError, match=r"plinth:tenants\[0\]\.allowedEgress\[0\]\.cidr: 0\.0\.0\.0/0 lets a gdpr tenant's pods"
    ):
        parse(stack(tenant(compliance=["gdpr"], cloud="aws", allowedEgress=[rule])), source="test")
    parse(
        stack(
            tenant(
                compliance=["gdpr"],
                cloud="aws",
                allowedEgress=[{**rule, "acknowledgeInternet": "calls partner APIs, PLAT-42"}],
            )
        ),
        source="test",
    )
    parse(stack(tenant(compliance=["soc2"], allowedEgress=[rule])), source="test")


def test_azure_tenants_keep_audit_logs_soft_delete_and_expiring_keys(dev_plan):
    resources = tenant_resources(dev_plan, "initech")
    vault = only(resources, "azure-native:keyvault:Vault").inputs["properties"]
    assert vault["publicNetworkAccess"] == "Disabled", "only trusted services (storage encryption) reach the vault"
    setting = only(resources, "azure-native:monitor:DiagnosticSetting").inputs
    assert setting["resourceUri"].endswith(
        "/providers/Microsoft.KeyVault/vaults/" + only(resources, "azure-native:keyvault:Vault").inputs["vaultName"]
    )
    assert setting["logs"] == [{"categoryGroup": "audit", "enabled": True}]
    workspace = only(resources, "azure-native:operationalinsights:Workspace")
    assert setting["workspaceId"].endswith("/workspaces/" + workspace.inputs["workspaceName"])
    assert workspace.inputs["retentionInDays"] == 365 and workspace.protect, "audit evidence is kept like data"
    blob = only(resources, "azure-native:storage:BlobServiceProperties").inputs
    assert blob["deleteRetentionPolicy"] == {"enabled": True, "days": 30} and blob["isVersioningEnabled"] is True
    key = only(resources, "azure-native:keyvault:Key")
    offset = only(resources, "time:index/offset:Offset")
    assert offset.urn in key.property_dependencies["properties"] and offset.inputs["offsetYears"] == 1
