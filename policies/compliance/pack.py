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
    rds_instance_backup_retained,
    s3_bucket_logging_enabled,
    s3_bucket_versioning_enabled,
)
from policies.azure import (
    compute_disk_cmk_required,
    dataprotection_vault_cmk_required,
    dataprotection_vault_crossregion_enabled,
    dataprotection_vault_immutable_hipaa,
    storage_account_encryption_hardened,
)
from policies.gcp import (
    backupdisasterrecovery_vault_cmek_required,
    sql_instance_cmek_required,
    storage_bucket_cmek_required,
    storage_bucket_crossregion_copied,
)
from policies.kubernetes import velero_schedule_namespace_covered
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
        sql_instance_cmek_required,
        storage_bucket_cmek_required,
        compute_disk_cmk_required,
        storage_account_encryption_hardened,
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
    )
)
INITIAL_CONFIG = None
