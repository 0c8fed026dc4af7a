"""The plinth-compliance pack: tenant isolation, data protection, residency, logging, backup retention
and tags, mapped to SOC2, HIPAA, GDPR and CIS.

Membership is this list: a policy is in the pack because it is imported and named here (each policy
is in exactly one pack; tests/policies/test_packs.py checks it). Importable without the policy SDK;
__main__.py hands the pack to policies.sdk.serve, which builds the PolicyPack.
"""

from policies.aws import (
    backup_plan_crossregion_copied,
    backup_plan_retention_minimum,
    backup_vault_cmk_required,
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
    cosmosdb_account_cmk_required,
    dataprotection_vault_cmk_required,
    dataprotection_vault_crossregion_enabled,
    dataprotection_vault_immutable_hipaa,
    keyvault_vault_logging_enabled,
    monitor_subscriptiondiagnostic_categories_required,
    operationalinsights_workspace_retention_minimum,
    sql_server_tdecmk_required,
    storage_account_encryption_hardened,
    storage_account_softdelete_enabled,
)
from policies.gcp import (
    backupdisasterrecovery_vault_cmek_required,
    bigquery_dataset_cmek_required,
    bigquery_table_cmek_required,
    compute_disk_cmek_required,
    datastore_deletionprotection_enabled,
    logging_bucket_cmek_required,
    logging_bucket_retention_minimum,
    logging_sinkbucket_retention_locked,
    pubsub_topic_cmek_required,
    sql_instance_backup_enabled,
    sql_instance_cmek_required,
    sql_instance_pitr_enabled,
    storage_bucket_cmek_required,
    storage_bucket_crossregion_copied,
    storage_bucket_versioning_enabled,
)
from policies.kubernetes import (
    autoscaler_minreplicas_production,
    namespace_podsecurity_restricted,
    rbac_clusterrolebinding_tenant_forbidden,
    rollout_analysis_required,
    velero_schedule_namespace_covered,
)
from policies.stack import (
    backup_restoredrill_present,
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
        backup_plan_crossregion_copied,
        backup_vault_cmk_required,
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
        bigquery_dataset_cmek_required,
        bigquery_table_cmek_required,
        pubsub_topic_cmek_required,
        compute_disk_cmek_required,
        logging_bucket_cmek_required,
        logging_bucket_retention_minimum,
        sql_instance_backup_enabled,
        sql_instance_pitr_enabled,
        datastore_deletionprotection_enabled,
        storage_bucket_versioning_enabled,
        logging_sinkbucket_retention_locked,
        compute_disk_cmk_required,
        storage_account_encryption_hardened,
        cosmosdb_account_cmk_required,
        sql_server_tdecmk_required,
        storage_account_softdelete_enabled,
        keyvault_vault_logging_enabled,
        monitor_subscriptiondiagnostic_categories_required,
        operationalinsights_workspace_retention_minimum,
        dataprotection_vault_cmk_required,
        dataprotection_vault_crossregion_enabled,
        dataprotection_vault_immutable_hipaa,
        backupdisasterrecovery_vault_cmek_required,
        storage_bucket_crossregion_copied,
        velero_schedule_namespace_covered,
        backup_restoredrill_present,
        gdpr_data_resident,
        resource_tags_required,
        stateful_resource_protected,
        tenant_namespace_isolated,
        namespace_podsecurity_restricted,
        rbac_clusterrolebinding_tenant_forbidden,
        rollout_analysis_required,
        autoscaler_minreplicas_production,
    )
)
INITIAL_CONFIG = None
