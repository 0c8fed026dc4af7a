"""Kubernetes isolation of one tenant: namespace, quota, limits, network policies, RBAC, identity.

The manifests are built by pure functions (camelCase, exactly what the API server receives), so
tests validate them with kubernetes-validate and policies read them as the engine sends them.
``create`` turns them into Pulumi resources.
"""

from __future__ import annotations

from typing import Any, Mapping

import pulumi

from components import conventions, k8s
from components.cluster import KubernetesSettings
from components.tenant.spec import TenantSpec

Manifest = dict[str, Any]


def labels(spec: TenantSpec, environment: str) -> dict[str, str]:
    """Labels every Kubernetes object of the tenant carries."""
    out = {
        conventions.LABEL_MANAGED_BY: conventions.MANAGED_BY_VALUE,
        conventions.LABEL_PART_OF: "plinth",
        conventions.LABEL_TENANT: spec.id,
        conventions.LABEL_TIER: spec.tier,
        conventions.LABEL_ENVIRONMENT: environment,
        conventions.LABEL_COST_CENTER: spec.cost_center,
        conventions.LABEL_DATA_RESIDENCY: spec.data_residency,
    }
    if spec.compliance:
        out[conventions.LABEL_COMPLIANCE] = ".".join(sorted(spec.compliance))
    return out


def quota(spec: TenantSpec) -> dict[str, str | int]:
    """The tier's quota with the spec's overrides applied."""
    values = dict(conventions.TIER_QUOTAS[spec.tier])
    values.update({k: v for k, v in spec.quotas.model_dump().items() if v is not None})
    return values


def _meta(name: str, namespace: str, lbls: Mapping[str, str]) -> dict[str, Any]:
    return {"name": name, "namespace": namespace, "labels": dict(lbls)}


def namespace(spec: TenantSpec, environment: str) -> Manifest:
    lbls = labels(spec, environment) | {
        # Pod Security Admission: https://kubernetes.io/docs/concepts/security/pod-security-admission/
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": "latest",
    }
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": conventions.namespace_name(spec.id),
            "labels": lbls,
            "annotations": {"plinth.dev/display-name": spec.display_name},
        },
    }


def resource_quota(spec: TenantSpec, environment: str) -> Manifest:
    q = quota(spec)
    hard = {
        "requests.cpu": str(q["cpu"]),
        "limits.cpu": str(q["cpu"]),
        "requests.memory": str(q["memory"]),
        "limits.memory": str(q["memory"]),
        "pods": str(q["pods"]),
        "persistentvolumeclaims": str(q["pvcs"]),
        "requests.storage": str(q["storage"]),
        "requests.nvidia.com/gpu": str(q["gpus"]),
        "services.loadbalancers": "0",
        "services.nodeports": "0",
    }
    ns = conventions.namespace_name(spec.id)
    return {
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": _meta("tenant-quota", ns, labels(spec, environment)),
        "spec": {"hard": hard},
    }


def limit_range(spec: TenantSpec, environment: str) -> Manifest:
    ns = conventions.namespace_name(spec.id)
    return {
        "apiVersion": "v1",
        "kind": "LimitRange",
        "metadata": _meta("tenant-limits", ns, labels(spec, environment)),
        "spec": {
            "limits": [
                {
                    "type": "Container",
                    "default": {"cpu": "500m", "memory": "512Mi"},
                    "defaultRequest": {"cpu": "100m", "memory": "128Mi"},
                    "max": {"cpu": str(quota(spec)["cpu"]), "memory": str(quota(spec)["memory"])},
                }
            ]
        },
    }


def network_policies(spec: TenantSpec, environment: str, settings: KubernetesSettings) -> list[Manifest]:
    """Default deny both ways, then the few flows a tenant needs."""
    ns = conventions.namespace_name(spec.id)
    lbls = labels(spec, environment)
    same_namespace: list[dict[str, Any]] = [{"podSelector": {}}]
    policies: list[Manifest] = [
        {
            "metadata": _meta("default-deny", ns, lbls),
            "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
        },
        {
            "metadata": _meta("allow-same-namespace", ns, lbls),
            "spec": {
                "podSelector": {},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [{"from": same_namespace}],
                "egress": [{"to": same_namespace}],
            },
        },
        {
            "metadata": _meta("allow-dns", ns, lbls),
            "spec": {
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [k8s.dns_egress()],
            },
        },
        {
            "metadata": _meta("allow-monitoring", ns, lbls),
            "spec": {
                "podSelector": {},
                "policyTypes": ["Ingress"],
                "ingress": [{"from": [{"namespaceSelector": k8s.namespace_selector(settings.monitoring_namespace)}]}],
            },
        },
        {
            "metadata": _meta("allow-ingress-controller", ns, lbls),
            "spec": {
                "podSelector": {},
                "policyTypes": ["Ingress"],
                "ingress": [{"from": [{"namespaceSelector": k8s.namespace_selector(settings.ingress_namespace)}]}],
            },
        },
    ]
    if spec.allowed_egress:
        policies.append(
            {
                "metadata": _meta("allow-egress", ns, lbls),
                "spec": {
                    "podSelector": {},
                    "policyTypes": ["Egress"],
                    "egress": [
                        {
                            "to": [{"ipBlock": {"cidr": rule.cidr}}],
                            "ports": [{"protocol": rule.protocol, "port": p} for p in rule.ports],
                        }
                        for rule in spec.allowed_egress
                    ],
                },
            }
        )
    return [{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", **p} for p in policies]


#: What a tenant admin may do inside its namespace (no RBAC, quota or network policy edits).
ADMIN_RULES = [
    {
        "apiGroups": [""],
        "resources": [
            "pods",
            "pods/log",
            "pods/exec",
            "pods/portforward",
            "services",
            "endpoints",
            "configmaps",
            "secrets",
            "persistentvolumeclaims",
            "serviceaccounts",
            "events",
        ],
        "verbs": ["get", "list", "watch", "create", "update", "patch", "delete"],
    },
    {
        "apiGroups": ["apps"],
        "resources": ["deployments", "statefulsets", "daemonsets", "replicasets"],
        "verbs": ["get", "list", "watch", "create", "update", "patch", "delete"],
    },
    {
        "apiGroups": ["batch"],
        "resources": ["jobs", "cronjobs"],
        "verbs": ["get", "list", "watch", "create", "update", "patch", "delete"],
    },
    {
        "apiGroups": ["autoscaling"],
        "resources": ["horizontalpodautoscalers"],
        "verbs": ["get", "list", "watch", "create", "update", "patch", "delete"],
    },
    {
        "apiGroups": ["networking.k8s.io"],
        "resources": ["ingresses"],
        "verbs": ["get", "list", "watch", "create", "update", "patch", "delete"],
    },
    {
        "apiGroups": ["policy"],
        "resources": ["poddisruptionbudgets"],
        "verbs": ["get", "list", "watch", "create", "update", "patch", "delete"],
    },
    {"apiGroups": [""], "resources": ["resourcequotas", "limitranges"], "verbs": ["get", "list", "watch"]},
    {"apiGroups": ["networking.k8s.io"], "resources": ["networkpolicies"], "verbs": ["get", "list", "watch"]},
]
#: Read-only access, never to Secrets.
VIEWER_RULES = [
    {
        "apiGroups": [""],
        "resources": [
            "pods",
            "pods/log",
            "services",
            "endpoints",
            "configmaps",
            "persistentvolumeclaims",
            "events",
            "resourcequotas",
            "limitranges",
        ],
        "verbs": ["get", "list", "watch"],
    },
    # Named resources, never "*" (CIS Kubernetes 5.1.3): a wildcard would also grant what a group adds later.
    {
        "apiGroups": ["apps"],
        "resources": ["deployments", "statefulsets", "daemonsets", "replicasets"],
        "verbs": ["get", "list", "watch"],
    },
    {"apiGroups": ["batch"], "resources": ["jobs", "cronjobs"], "verbs": ["get", "list", "watch"]},
    {"apiGroups": ["autoscaling"], "resources": ["horizontalpodautoscalers"], "verbs": ["get", "list", "watch"]},
    {
        "apiGroups": ["networking.k8s.io"],
        "resources": ["ingresses", "networkpolicies"],
        "verbs": ["get", "list", "watch"],
    },
    {"apiGroups": ["policy"], "resources": ["poddisruptionbudgets"], "verbs": ["get", "list", "watch"]},
]


def rbac(spec: TenantSpec, environment: str) -> list[Manifest]:
    """Namespaced Roles and RoleBindings for the owner groups (never ClusterRoleBindings)."""
    ns = conventions.namespace_name(spec.id)
    lbls = labels(spec, environment)
    out: list[Manifest] = []
    for role, rules, groups in (
        ("tenant-admin", ADMIN_RULES, spec.owner_groups.admins),
        ("tenant-viewer", VIEWER_RULES, spec.owner_groups.viewers),
    ):
        if not groups:
            continue
        out.append(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "Role",
                "metadata": _meta(role, ns, lbls),
                "rules": [dict(r) for r in rules],
            }
        )
        out.append(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "RoleBinding",
                "metadata": _meta(role, ns, lbls),
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": role},
                "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": g} for g in groups],
            }
        )
    return out


def service_account(spec: TenantSpec, environment: str, annotations: Mapping[str, Any] | None = None) -> Manifest:
    ns = conventions.namespace_name(spec.id)
    meta = _meta(conventions.workload_service_account(spec.id), ns, labels(spec, environment))
    if annotations:
        meta["annotations"] = dict(annotations)
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta, "automountServiceAccountToken": False}


def default_service_account(spec: TenantSpec, environment: str) -> Manifest:
    """The fields Plinth sets on the namespace's own ``default`` ServiceAccount: no token automount.

    Kubernetes creates ``default`` in every namespace and pods without a serviceAccountName use it;
    without this every such pod would get an API token (CIS Kubernetes 5.1.5/5.1.6).
    """
    ns = conventions.namespace_name(spec.id)
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": _meta("default", ns, labels(spec, environment)),
        "automountServiceAccountToken": False,
    }


def identity_config_map(spec: TenantSpec, environment: str, files: Mapping[str, Any]) -> Manifest:
    """Files a workload mounts to use the tenant's cloud identity (e.g. GCP's credential configuration)."""
    ns = conventions.namespace_name(spec.id)
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": _meta(IDENTITY_CONFIG_MAP, ns, labels(spec, environment)),
        "data": dict(files),
    }


IDENTITY_CONFIG_MAP = "workload-identity"


def manifests(
    spec: TenantSpec,
    environment: str,
    settings: KubernetesSettings,
    sa_annotations: Mapping[str, Any] | None = None,
    identity_files: Mapping[str, Any] | None = None,
) -> list[Manifest]:
    """Every Kubernetes object of the tenant Plinth creates, namespace first."""
    return [
        namespace(spec, environment),
        resource_quota(spec, environment),
        limit_range(spec, environment),
        *network_policies(spec, environment, settings),
        *rbac(spec, environment),
        service_account(spec, environment, sa_annotations),
        default_service_account(spec, environment),
        *([identity_config_map(spec, environment, identity_files)] if identity_files else []),
    ]


#: The role (Pulumi name suffix) of the objects a tenant has one of; others are ``<kind>-<name>``.
_SINGLETON_ROLES = {"Namespace": "namespace", "ResourceQuota": "quota", "LimitRange": "limits"}
_KIND_PREFIX = {"NetworkPolicy": "netpol", "Role": "role", "RoleBinding": "rolebinding", "ConfigMap": "cm"}


def role_of(manifest: Manifest) -> str:
    """What the object is to its tenant: ``namespace``, ``quota``, ``netpol-default-deny``, ``workload-sa``..."""
    kind, name = manifest["kind"], manifest["metadata"]["name"]
    if kind == "ServiceAccount":
        return f"{name}-sa"
    return _SINGLETON_ROLES.get(kind) or f"{_KIND_PREFIX[kind]}-{name}"


def create(
    name: str, items: list[Manifest], opts: pulumi.ResourceOptions, *, retain_namespace: bool = True
) -> dict[str, pulumi.CustomResource]:
    """Register the manifests; every namespaced object depends on the namespace.

    Deleting a namespace deletes everything in it, volumes included, so the namespace is
    retained on delete unless the tenant's data may be deleted.
    """
    created: dict[str, pulumi.CustomResource] = {}
    ns_resource: pulumi.CustomResource | None = None
    for manifest in items:
        resource_opts = opts if ns_resource is None else k8s.after(opts, ns_resource)
        if manifest["kind"] == "Namespace" and retain_namespace:
            resource_opts = pulumi.ResourceOptions.merge(resource_opts, pulumi.ResourceOptions(retain_on_delete=True))
        resource_name = k8s.child_name(name, role_of(manifest))
        # Kubernetes creates the namespace's default ServiceAccount itself: Plinth patches it.
        exists = manifest["kind"] == "ServiceAccount" and manifest["metadata"]["name"] == "default"
        resource = k8s.register(resource_name, manifest, resource_opts, patch=exists)
        if manifest["kind"] == "Namespace":
            ns_resource = resource
        created[resource_name] = resource
    return created
