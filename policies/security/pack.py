"""The plinth-security pack: encryption at rest, public exposure, transport, network, identity and
Kubernetes workload security.

Membership is this list: a policy is in the pack because it is imported and named here (each policy
is in exactly one pack; tests/policies/test_packs.py checks it). Importable without the policy SDK;
__main__.py hands the pack to policies.sdk.serve, which builds the PolicyPack.
"""

from policies.aws import (
    dynamodb_table_encryption_required,
    ebs_volume_encryption_required,
    ec2_instance_imdsv2_required,
    ec2_instance_public_ip_forbidden,
    ec2_securitygroup_admin_ports_restricted,
    iam_policy_wildcard_forbidden,
    iam_role_admin_forbidden,
    kms_key_rotation_enabled,
    rds_instance_encryption_required,
    rds_instance_public_forbidden,
    s3_bucket_encryption_required,
    s3_bucket_public_access_blocked,
    s3_bucket_public_acl_forbidden,
    s3_bucketpolicy_tls_required,
)
from policies.azure import (
    authorization_roleassignment_owner_forbidden,
    keyvault_vault_recoverable,
    network_nsg_admin_ports_restricted,
    sql_database_tde_enabled,
    sql_server_public_forbidden,
    storage_account_public_blob_forbidden,
    storage_account_transport_secured,
)
from policies.gcp import (
    compute_firewall_admin_ports_restricted,
    kms_cryptokey_rotation_required,
    projects_iam_primitive_forbidden,
    sql_instance_public_forbidden,
    sql_instance_ssl_required,
    storage_bucket_public_access_prevented,
    storage_bucket_uniform_access_required,
    storage_bucketiam_public_forbidden,
)
from policies.kubernetes import (
    pod_capabilities_restricted,
    pod_hostnamespaces_forbidden,
    pod_hostpath_forbidden,
    pod_image_pinned,
    pod_inherited_token_disabled,
    pod_privileged_forbidden,
    pod_privilegeescalation_forbidden,
    pod_readonlyrootfs_required,
    pod_resourcelimits_required,
    pod_runasnonroot_required,
    pod_token_automount_disabled,
    rbac_clusteradmin_binding_forbidden,
    service_loadbalancer_restricted,
    serviceaccount_token_automount_disabled,
)

NAME = "plinth-security"
POLICIES = tuple(
    module.POLICY
    for module in (
        dynamodb_table_encryption_required,
        ebs_volume_encryption_required,
        ec2_instance_imdsv2_required,
        ec2_instance_public_ip_forbidden,
        ec2_securitygroup_admin_ports_restricted,
        iam_policy_wildcard_forbidden,
        iam_role_admin_forbidden,
        kms_key_rotation_enabled,
        rds_instance_encryption_required,
        rds_instance_public_forbidden,
        s3_bucket_encryption_required,
        s3_bucket_public_access_blocked,
        s3_bucket_public_acl_forbidden,
        s3_bucketpolicy_tls_required,
        compute_firewall_admin_ports_restricted,
        kms_cryptokey_rotation_required,
        projects_iam_primitive_forbidden,
        sql_instance_public_forbidden,
        sql_instance_ssl_required,
        storage_bucket_public_access_prevented,
        storage_bucket_uniform_access_required,
        storage_bucketiam_public_forbidden,
        authorization_roleassignment_owner_forbidden,
        keyvault_vault_recoverable,
        network_nsg_admin_ports_restricted,
        sql_database_tde_enabled,
        sql_server_public_forbidden,
        storage_account_public_blob_forbidden,
        storage_account_transport_secured,
        pod_capabilities_restricted,
        pod_hostnamespaces_forbidden,
        pod_hostpath_forbidden,
        pod_image_pinned,
        pod_inherited_token_disabled,
        pod_privileged_forbidden,
        pod_privilegeescalation_forbidden,
        pod_readonlyrootfs_required,
        pod_resourcelimits_required,
        pod_runasnonroot_required,
        pod_token_automount_disabled,
        rbac_clusteradmin_binding_forbidden,
        service_loadbalancer_restricted,
        serviceaccount_token_automount_disabled,
    )
)
INITIAL_CONFIG = None
