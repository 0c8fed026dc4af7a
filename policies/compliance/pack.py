"""The plinth-compliance pack: tenant isolation, data protection, residency, logging, backup retention
and tags, mapped to SOC2, HIPAA, GDPR and CIS.

Membership is this list: a policy is in the pack because it is imported and named here (each policy
is in exactly one pack; tests/policies/test_packs.py checks it). Importable without the policy SDK;
__main__.py hands the pack to policies.sdk.serve, which builds the PolicyPack.
"""

from policies.aws import (
    backup_plan_retention_minimum,
    backup_vault_locked_hipaa,
    cloudtrail_trail_validated,
    cloudwatch_loggroup_retention_set,
    dynamodb_table_pitr_enabled,
    ec2_vpc_flowlogs_enabled,
    eks_cluster_logging_enabled,
    kms_cmk_required,
    rds_cluster_backtrack_enabled,
    rds_database_deletion_protected,
    rds_instance_backup_retained,
    s3_bucket_logging_enabled,
    s3_bucket_versioning_enabled,
)
from policies.azure import (
    compute_disk_cmk_required,
    storage_account_encryption_hardened,
)
from policies.gcp import (
    sql_instance_cmek_required,
    storage_bucket_cmek_required,
)
from policies.kubernetes import (
    namespace_podsecurity_restricted,
    rbac_clusterrolebinding_tenant_forbidden,
)
from policies.stack import (
    gdpr_data_resident,
    resource_tags_required,
    stateful_resource_protected,
    tenant_namespace_isolated,
)

NAME = "plinth-compliance"
POLICIES = tuple(
    module.POLICY
    for module in (
        backup_plan_retention_minimum,
        backup_vault_locked_hipaa,
        cloudtrail_trail_validated,
        rds_instance_backup_retained,
        s3_bucket_logging_enabled,
        s3_bucket_versioning_enabled,
        cloudwatch_loggroup_retention_set,
        dynamodb_table_pitr_enabled,
        ec2_vpc_flowlogs_enabled,
        eks_cluster_logging_enabled,
        kms_cmk_required,
        rds_cluster_backtrack_enabled,
        rds_database_deletion_protected,
        sql_instance_cmek_required,
        storage_bucket_cmek_required,
        compute_disk_cmk_required,
        storage_account_encryption_hardened,
        gdpr_data_resident,
        resource_tags_required,
        stateful_resource_protected,
        tenant_namespace_isolated,
        namespace_podsecurity_restricted,
        rbac_clusterrolebinding_tenant_forbidden,
    )
)
INITIAL_CONFIG = None
