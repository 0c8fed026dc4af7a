"""The cluster part of backups: Velero locations, one schedule per tenant namespace, and restore drills.

Pure functions that build manifests (camelCase, exactly what the API server receives), so tests validate
them against the upstream Velero CRD schemas and kubernetes-validate, and policies read them as the
engine sends them. :mod:`components.backup.cluster` and :mod:`components.backup.component` register them.

Velero must be able to reach the bucket: the object store plugin of the bucket's provider runs as an init
container of Velero (installed by the pinned Helm release, or already present in an existing install),
and it authenticates either with a credentials Secret named in the location or with the workload
identity of Velero's ServiceAccount (README: what to provide).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from components import conventions
from components.backup import objectives, rpo
from components.backup.spec import BackupPolicy, BackupTenant, VeleroSpec

API = "velero.io/v1"
HELM_REPO = "https://vmware-tanzu.github.io/helm-charts"
CHART = "velero"
DRILL_CONFIG_MAP = "plinth-restore-drill"
DRILL_SCRIPT = Path(__file__).with_name("drill.py")
#: Kinds a drill leaves out unless asked: restoring them would start the tenant's workloads a second time.
WORKLOAD_RESOURCES = [
    "pods",
    "deployments.apps",
    "replicasets.apps",
    "statefulsets.apps",
    "daemonsets.apps",
    "jobs.batch",
    "cronjobs.batch",
]
#: Objects every tenant namespace has (components/tenant/kubernetes.py): a drill checks they came back.
EXPECTED_OBJECTS = [
    ("serviceaccounts", conventions.workload_service_account("")),
    ("resourcequotas", "tenant-quota"),
    ("limitranges", "tenant-limits"),
    ("networkpolicies", "default-deny"),
]
DRILL_SCHEDULES = {"weekly": "0 6 * * 6", "monthly": "0 6 2 * *", "quarterly": "0 6 2 1,4,7,10 *"}
DRILL_USER = 65534
Manifest = dict[str, Any]


def labels(environment: str, tenant: str | None = None) -> dict[str, str]:
    out = {
        conventions.LABEL_MANAGED_BY: conventions.MANAGED_BY_VALUE,
        conventions.LABEL_PART_OF: "plinth",
        conventions.LABEL_ENVIRONMENT: environment,
    }
    if tenant:
        out[conventions.LABEL_TENANT] = tenant
    return out


def location_name(tier: str) -> str:
    return f"plinth-{tier}"


def schedule_name(tenant: str) -> str:
    return conventions.physical_name("tenant", tenant, max_len=conventions.K8S_NAME_MAX)


def scratch_namespace(tenant: str) -> str:
    return conventions.physical_name("drill", tenant, max_len=conventions.K8S_NAME_MAX)


def drill_name(tenant: str) -> str:
    return conventions.physical_name("plinth-drill", tenant, max_len=52)  # CronJob names: at most 52


def ttl(days: int) -> str:
    """A Velero TTL (a Go duration)."""
    return f"{days * 24}h0m0s"


def location(spec: VeleroSpec, tier: str, environment: str) -> Manifest:
    """The BackupStorageLocation of one tier: the tier's bucket, one prefix per environment and tier."""
    body: dict[str, Any] = {
        "provider": spec.provider,
        "objectStorage": {"bucket": spec.bucket_of(tier), "prefix": f"plinth/{environment}/{tier}"},
        "accessMode": "ReadWrite",
    }
    if spec.config:
        body["config"] = dict(spec.config)
    if spec.credential is not None:
        body["credential"] = {"name": spec.credential.name, "key": spec.credential.key}
    return {
        "apiVersion": API,
        "kind": "BackupStorageLocation",
        "metadata": {"name": location_name(tier), "namespace": spec.namespace, "labels": labels(environment)},
        "spec": body,
    }


def schedule(spec: VeleroSpec, tenant: BackupTenant, policy: BackupPolicy, environment: str) -> Manifest:
    """The tenant namespace's Velero Schedule: the namespace only, its volumes, kept as long as daily points."""
    namespace = conventions.namespace_name(tenant.id)
    tags = labels(environment, tenant.id)
    return {
        "apiVersion": API,
        "kind": "Schedule",
        "metadata": {"name": schedule_name(tenant.id), "namespace": spec.namespace, "labels": tags},
        "spec": {
            "schedule": policy.schedule.velero,
            "useOwnerReferencesInBackup": False,
            "template": {
                "includedNamespaces": [namespace],
                "includeClusterResources": False,
                "snapshotVolumes": spec.snapshot_volumes,
                "storageLocation": location_name(tenant.tier),
                "ttl": ttl(policy.retention_days()["daily"]),
                "metadata": {"labels": tags},
            },
        },
    }


def helm_values(spec: VeleroSpec) -> dict[str, Any]:
    """Velero chart values: the provider's plugin, no chart-made locations (Plinth makes them), CSI snapshots,
    hardened containers, workload identity annotations."""
    hardened = {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }
    return {
        "initContainers": [
            {
                "name": f"velero-plugin-for-{spec.provider}",
                "image": spec.plugin(),
                "imagePullPolicy": "IfNotPresent",
                "volumeMounts": [{"mountPath": "/target", "name": "plugins"}],
                "securityContext": hardened,
            }
        ],
        "configuration": {"features": "EnableCSI"},
        "backupsEnabled": False,
        "snapshotsEnabled": False,
        "deployNodeAgent": False,
        "upgradeCRDs": True,
        "credentials": {"useSecret": False},
        "serviceAccount": {"server": {"create": True, "annotations": dict(spec.service_account_annotations)}},
        "podSecurityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
        "containerSecurityContext": hardened,
        "metrics": {"enabled": True},
    }


def namespace(spec: VeleroSpec, environment: str) -> Manifest:
    """Velero's namespace (install mode): baseline enforced, restricted audited and warned."""
    pod_security = {
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
    }
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": spec.namespace, "labels": {**labels(environment), **pod_security}},
    }


def drill_config_map(spec: VeleroSpec, environment: str) -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": DRILL_CONFIG_MAP, "namespace": spec.namespace, "labels": labels(environment)},
        "data": {"drill.py": DRILL_SCRIPT.read_text(encoding="utf-8")},
    }


def drill_rbac(spec: VeleroSpec, tenant: str, environment: str) -> list[Manifest]:
    """Least privilege for one tenant's drill: create, read and annotate Restores in Velero's namespace; read
    the few objects it checks and delete the scratch namespace - by name only."""
    name = drill_name(tenant)
    tags = labels(environment, tenant)
    scratch = scratch_namespace(tenant)
    kinds = {kind for kind, _ in EXPECTED_OBJECTS}
    core_kinds = sorted(kinds - {"networkpolicies"})
    subject = [{"kind": "ServiceAccount", "name": name, "namespace": spec.namespace}]
    return [
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": name, "namespace": spec.namespace, "labels": tags},
            "automountServiceAccountToken": False,
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": {"name": name, "namespace": spec.namespace, "labels": tags},
            "rules": [{"apiGroups": ["velero.io"], "resources": ["restores"], "verbs": ["create", "get", "patch"]}],
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": name, "namespace": spec.namespace, "labels": tags},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
            "subjects": subject,
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": {"name": name, "labels": tags},
            "rules": [
                {
                    "apiGroups": [""],
                    "resources": ["namespaces"],
                    "resourceNames": [scratch],
                    "verbs": ["get", "delete"],
                },
                {
                    "apiGroups": [""],
                    "resources": core_kinds,
                    "resourceNames": sorted({n for k, n in EXPECTED_OBJECTS if k in core_kinds}),
                    "verbs": ["get"],
                },
                {
                    "apiGroups": ["networking.k8s.io"],
                    "resources": ["networkpolicies"],
                    "resourceNames": sorted({n for k, n in EXPECTED_OBJECTS if k == "networkpolicies"}),
                    "verbs": ["get"],
                },
            ],
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": {"name": name, "labels": tags},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
            "subjects": subject,
        },
    ]


def drill_env(spec: VeleroSpec, tenant: BackupTenant, policy: BackupPolicy) -> dict[str, str]:
    import json

    rto = rpo.duration_minutes(policy.rto) * 60
    return {
        "VELERO_NAMESPACE": spec.namespace,
        "DRILL_SCHEDULE": schedule_name(tenant.id),
        "DRILL_TENANT": tenant.id,
        "DRILL_SOURCE_NAMESPACE": conventions.namespace_name(tenant.id),
        "DRILL_SCRATCH_NAMESPACE": scratch_namespace(tenant.id),
        "DRILL_EXPECTED": json.dumps(EXPECTED_OBJECTS),
        "DRILL_EXCLUDED_RESOURCES": json.dumps([] if policy.drill.workloads else WORKLOAD_RESOURCES),
        "DRILL_RTO_SECONDS": str(rto),
        # Wait past the RTO (to measure how late a slow restore is), but not forever.
        "DRILL_TIMEOUT_SECONDS": str(min(rto * 2, 12 * 3600)),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def drill_cron_job(spec: VeleroSpec, tenant: BackupTenant, policy: BackupPolicy, environment: str) -> Manifest:
    """The drill CronJob: a hardened pod (restricted Pod Security, read-only root, no automatic token) that
    mounts a ten-minute projected token for the API calls it makes."""
    name = drill_name(tenant.id)
    env = drill_env(spec, tenant, policy)
    deadline = int(env["DRILL_TIMEOUT_SECONDS"]) * 2 + 600
    container = {
        "name": "drill",
        "image": spec.drill_image,
        "command": ["python3", "/opt/plinth/drill.py"],
        "env": [{"name": k, "value": v} for k, v in sorted(env.items())],
        "resources": {
            "requests": {"cpu": "50m", "memory": "64Mi"},
            "limits": {"cpu": "200m", "memory": "128Mi"},
        },
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": DRILL_USER,
            "runAsGroup": DRILL_USER,
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "privileged": False,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "volumeMounts": [
            {"name": "drill", "mountPath": "/opt/plinth", "readOnly": True},
            {"name": "api", "mountPath": "/var/run/secrets/plinth/api", "readOnly": True},
        ],
    }
    pod = {
        "metadata": {"labels": labels(environment, tenant.id)},
        "spec": {
            "serviceAccountName": name,
            "automountServiceAccountToken": False,
            "restartPolicy": "Never",
            "securityContext": {
                "runAsNonRoot": True,
                "runAsUser": DRILL_USER,
                "runAsGroup": DRILL_USER,
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            "containers": [container],
            "volumes": [
                {"name": "drill", "configMap": {"name": DRILL_CONFIG_MAP, "defaultMode": 0o444}},
                {
                    "name": "api",
                    "projected": {
                        "defaultMode": 0o444,
                        "sources": [
                            {"serviceAccountToken": {"path": "token", "expirationSeconds": 600}},
                            {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                        ],
                    },
                },
            ],
        },
    }
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {
            "name": name,
            "namespace": spec.namespace,
            "labels": {**labels(environment, tenant.id), conventions.LABEL_RESTORE_DRILL: tenant.id},
        },
        "spec": {
            "schedule": DRILL_SCHEDULES[policy.drill.frequency],
            "concurrencyPolicy": "Forbid",
            "successfulJobsHistoryLimit": 3,
            "failedJobsHistoryLimit": 3,
            "jobTemplate": {
                "metadata": {"labels": labels(environment, tenant.id)},
                "spec": {"backoffLimit": 0, "activeDeadlineSeconds": deadline, "template": pod},
            },
        },
    }


# --- checks and objectives --------------------------------------------------------------------------
def residency_problems(spec: VeleroSpec, tenants: list[Any]) -> list[tuple[str, str]]:
    """Namespace backups hold the tenants' objects and volume snapshots: an EU tenant's stay in the EU."""
    from components import clouds

    eu = sorted(t.id for t in tenants if "gdpr" in t.compliance or t.data_residency == "eu")
    if not eu:
        return []
    cloud = clouds.cloud(spec.provider)
    out = []
    where = [("backup.velero.config.region", spec.config.get("region"))]
    if spec.replication is not None:
        where.append(("backup.velero.replication.region", spec.replication.region))
    for key, region in where:
        if region and not cloud.is_eu(region):
            out.append((key, f"{region} is outside the EU, but tenants {', '.join(eu)} keep their data in the EU"))
    return out


def problems(policy: BackupPolicy, at: Any) -> list[tuple[str, str]]:
    try:
        rpo.parse_standard_cron(policy.schedule.velero)
    except rpo.ScheduleError as err:
        return [(at("schedule", "velero"), str(err))]
    return []


def dataset(policy: BackupPolicy, tenant: BackupTenant, spec: VeleroSpec) -> objectives.Dataset:
    window = rpo.duration_minutes(spec.backup_window)
    parsed = rpo.parse_standard_cron(policy.schedule.velero)
    lag = rpo.duration_minutes(spec.replication.lag) if spec.replication else None
    dr = [rpo.Source(parsed, window, lag, "bucket replication")] if lag is not None else None

    def local_fix(target: int) -> str | None:
        interval = rpo.best_interval(target, window)
        if interval is None:
            return f"a backup may take {spec.backup_window} (velero.backupWindow): shorten it"
        return f'a schedule that meets it: schedule.velero: "{rpo.standard_cron_every(interval)}"'

    def dr_fix(target: int) -> str | None:
        if lag is None:
            return "declare the bucket's copy in another region (plinth:backup.velero.replication)"
        interval = rpo.best_interval(target, window + lag)
        return f'a schedule that meets it: schedule.velero: "{rpo.standard_cron_every(interval)}"' if interval else None

    return objectives.Dataset(
        name=f"namespace {conventions.namespace_name(tenant.id)} (Velero)",
        local=[rpo.Source(parsed, window, label="backup window")],
        local_key=("schedule", "velero"),
        dr=dr,
        dr_key=("schedule", "velero") if lag is not None else "backup.velero.replication",
        local_fix=local_fix,
        dr_fix=dr_fix,
    )
