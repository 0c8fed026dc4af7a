"""Tenant isolation on Kubernetes: Pod Security Admission labels, the default namespace, RBAC that reaches
Secrets, escalation verbs, cluster-wide bindings of tenant subjects, Ingress TLS and credentials in ConfigMaps.
Stack policies get a passing case, a failing case per condition, an unknown-at-preview case and a case they
do not apply to."""

from __future__ import annotations

import pytest

from policies import meta
from tests.policies.cases import CASES, DEPLOYMENT
from tests.policies.harness import UNKNOWN, analyze, analyze_stack, mutate

P = {p.name: p for p in meta.all_policies()}
RBAC = "kubernetes:rbac.authorization.k8s.io/v1"


def _res(kind: str, props: dict, type_: str | None = None, name: str | None = None, **extra) -> dict:
    token = (
        type_
        or {
            "Role": f"{RBAC}:Role",
            "ClusterRole": f"{RBAC}:ClusterRole",
            "RoleBinding": f"{RBAC}:RoleBinding",
            "ClusterRoleBinding": f"{RBAC}:ClusterRoleBinding",
            "Namespace": "kubernetes:core/v1:Namespace",
        }[kind]
    )
    return {"type": token, "name": name or props["metadata"]["name"], "props": {"kind": kind, **props}, **extra}


def _binding(kind: str, name: str, role_kind: str, role: str, subjects: list[dict], namespace: str | None = None):
    metadata = {"name": name, **({"namespace": namespace} if namespace else {})}
    return _res(
        kind,
        {
            "metadata": metadata,
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
            "subjects": subjects,
        },
    )


SA = {"kind": "ServiceAccount", "name": "workload", "namespace": "tenant-acme"}
ADMINS = {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "acme-admins"}
SECRET_READER = _res(
    "Role",
    {
        "metadata": {"name": "secret-reader", "namespace": "tenant-acme"},
        "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}],
    },
)
TENANT_NS = _res("Namespace", {"metadata": {"name": "tenant-acme", "labels": {"plinth.dev/tenant": "acme"}}})


# --- Secrets ---------------------------------------------------------------------------------------------------


def test_workloads_bound_to_a_role_reading_every_secret_are_flagged():
    policy = P["kubernetes-rbac-secrets-access-restricted"]
    binding = _binding("RoleBinding", "app-secrets", "Role", "secret-reader", [SA], "tenant-acme")
    out = analyze_stack(policy, [SECRET_READER, binding])
    assert out.violations == [
        "RoleBinding app-secrets lets service account tenant-acme/workload read every Secret in namespace "
        "tenant-acme through Role secret-reader."
    ]
    assert out.urns == [f"urn:pulumi:dev::p::{RBAC}:RoleBinding::app-secrets"]


@pytest.mark.parametrize(
    ("subject", "role_kind", "role", "binding_kind"),
    [
        ({"kind": "Group", "name": "system:serviceaccounts:tenant-acme"}, "ClusterRole", "edit", "RoleBinding"),
        (
            {"kind": "User", "name": "system:serviceaccount:tenant-acme:ci"},
            "ClusterRole",
            "admin",
            "ClusterRoleBinding",
        ),
        ({"kind": "Node", "name": "node-1"}, "ClusterRole", "cluster-admin", "ClusterRoleBinding"),
    ],
)
def test_every_workload_identity_and_the_builtin_secret_readers_are_covered(subject, role_kind, role, binding_kind):
    binding = _binding(binding_kind, "b", role_kind, role, [subject], "tenant-acme")
    out = analyze_stack(P["kubernetes-rbac-secrets-access-restricted"], [binding])
    assert out.violations and role in out.violations[0]
    if binding_kind == "ClusterRoleBinding":
        assert "in the cluster" in out.violations[0]


def test_named_secrets_people_and_roles_without_secret_access_pass():
    policy = P["kubernetes-rbac-secrets-access-restricted"]
    named = mutate(SECRET_READER, "props.rules.0.resourceNames", ["app-db"])
    binding = _binding("RoleBinding", "app-secrets", "Role", "secret-reader", [SA], "tenant-acme")
    assert analyze_stack(policy, [named, binding]).passed, "resourceNames limits the role to named Secrets"
    people = _binding("RoleBinding", "admins", "Role", "secret-reader", [ADMINS], "tenant-acme")
    assert analyze_stack(policy, [SECRET_READER, people]).passed, "people are a review decision, as in CKV2_K8S_5"
    view = _binding("RoleBinding", "viewer", "ClusterRole", "view", [SA], "tenant-acme")
    assert analyze_stack(policy, [view]).passed, "the built-in view role reads no Secrets"
    elsewhere = _binding("RoleBinding", "app-secrets", "Role", "secret-reader", [SA], "tenant-globex")
    assert analyze_stack(policy, [SECRET_READER, elsewhere]).passed, "a Role is found in the binding's namespace"
    unknown_role = _binding("RoleBinding", "b", "ClusterRole", "operator-defined", [SA], "tenant-acme")
    assert analyze_stack(policy, [unknown_role]).passed, "a role nobody in the stack defines cannot be judged"
    assert analyze_stack(policy, [TENANT_NS]).passed, "not applicable to other kinds"


def test_secret_access_unknown_at_preview_is_not_passed():
    policy = P["kubernetes-rbac-secrets-access-restricted"]
    binding = _binding("RoleBinding", "app-secrets", "Role", "secret-reader", [SA], "tenant-acme")
    out = analyze_stack(policy, [mutate(SECRET_READER, "props.rules", UNKNOWN), binding])
    assert out.unknown and not out.violations


# --- Cluster-wide bindings of tenant subjects ------------------------------------------------------------------


def test_cluster_role_bindings_of_tenant_subjects_are_flagged():
    policy = P["kubernetes-rbac-clusterrolebinding-tenant-forbidden"]
    crb = _binding("ClusterRoleBinding", "acme-view", "ClusterRole", "view", [SA])
    out = analyze_stack(policy, [TENANT_NS, crb])
    assert out.violations == [
        "ClusterRoleBinding acme-view grants service account tenant-acme/workload, a subject of tenant namespace "
        "tenant-acme, the view role in every namespace."
    ]
    assert out.levels == ["mandatory"]
    group = _binding(
        "ClusterRoleBinding",
        "g",
        "ClusterRole",
        "view",
        [{"kind": "Group", "name": "system:serviceaccounts:tenant-acme"}],
    )
    assert analyze_stack(policy, [TENANT_NS, group]).violations
    tenant_admins = _binding("RoleBinding", "tenant-admin", "Role", "tenant-admin", [ADMINS], "tenant-acme")
    people = _binding("ClusterRoleBinding", "p", "ClusterRole", "view", [ADMINS])
    assert "group acme-admins" in analyze_stack(policy, [TENANT_NS, tenant_admins, people]).violations[0]


def test_namespaced_bindings_platform_groups_and_other_namespaces_pass():
    policy = P["kubernetes-rbac-clusterrolebinding-tenant-forbidden"]
    globex = _res("Namespace", {"metadata": {"name": "tenant-globex", "labels": {"plinth.dev/tenant": "globex"}}})
    platform = {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "platform-oncall"}
    both = [
        _binding("RoleBinding", "oncall", "ClusterRole", "view", [platform], ns)
        for ns in ("tenant-acme", "tenant-globex")
    ]
    crb = _binding("ClusterRoleBinding", "oncall", "ClusterRole", "view", [platform])
    assert analyze_stack(policy, [TENANT_NS, globex, *both, crb]).passed, (
        "a group bound in every tenant is the platform's"
    )
    rb = _binding("RoleBinding", "acme-view", "ClusterRole", "view", [SA], "tenant-acme")
    assert analyze_stack(policy, [TENANT_NS, rb]).passed, "a RoleBinding stays in its namespace"
    monitoring = {"kind": "ServiceAccount", "name": "prometheus", "namespace": "monitoring"}
    assert analyze_stack(
        policy, [TENANT_NS, _binding("ClusterRoleBinding", "m", "ClusterRole", "view", [monitoring])]
    ).passed
    assert analyze_stack(policy, [_binding("ClusterRoleBinding", "x", "ClusterRole", "view", [SA])]).passed, (
        "without tenant namespaces in the stack the policy does not apply"
    )
    unknown = _binding("ClusterRoleBinding", "acme-view", "ClusterRole", "view", UNKNOWN)
    out = analyze_stack(policy, [TENANT_NS, unknown])
    assert out.unknown and not out.violations


# --- The default namespace -------------------------------------------------------------------------------------


def _deployment(namespace: str | None, **extra) -> dict:
    props = (
        mutate(DEPLOYMENT, "metadata.namespace", namespace)
        if namespace
        else mutate(DEPLOYMENT, "metadata", {"name": "app"})
    )
    return {"type": "kubernetes:apps/v1:Deployment", "name": "app", "props": props, **extra}


def test_objects_in_the_default_namespace_are_flagged():
    policy = P["kubernetes-workload-defaultnamespace-forbidden"]
    assert analyze_stack(policy, [_deployment("default")]).violations == ["Deployment app names the default namespace."]
    assert analyze_stack(policy, [_deployment(None)]).violations == [
        "Deployment app names no namespace, so it lands in the default namespace."
    ]
    config = {
        "type": "kubernetes:core/v1:ConfigMap",
        "name": "cfg",
        "props": {"kind": "ConfigMap", "metadata": {"name": "cfg"}},
    }
    assert analyze_stack(policy, [config]).violations
    ray = {
        "type": "kubernetes:ray.io/v1:RayCluster",
        "name": "r",
        "props": {"kind": "RayCluster", "metadata": {"name": "r"}},
    }
    assert analyze_stack(policy, [ray]).violations, "custom workloads too"


def test_provider_namespaces_exempt_objects_and_other_kinds_pass():
    policy = P["kubernetes-workload-defaultnamespace-forbidden"]
    assert analyze_stack(policy, [_deployment("tenant-acme")]).passed
    assert analyze_stack(policy, [_deployment(None, provider={"namespace": "team-a"})]).passed, (
        "an object without a namespace lands in its provider's namespace"
    )
    assert analyze_stack(policy, [_deployment(None, provider={"kubeconfig": "..."})]).violations
    kubernetes = {
        "type": "kubernetes:core/v1:Service",
        "name": "k",
        "props": {"kind": "Service", "metadata": {"name": "kubernetes", "namespace": "default"}},
    }
    default_sa = {
        "type": "kubernetes:core/v1:ServiceAccount",
        "name": "d",
        "props": {"kind": "ServiceAccount", "metadata": {"name": "default"}},
    }
    assert analyze_stack(policy, [kubernetes, default_sa]).passed, "Kubernetes keeps these in default itself"
    namespace = {"type": "kubernetes:core/v1:Namespace", "name": "n", "props": {"metadata": {"name": "x"}}}
    assert analyze_stack(policy, [namespace]).passed, "cluster-scoped kinds are not applicable"
    out = analyze_stack(policy, [_deployment(UNKNOWN)])
    assert out.unknown and not out.violations


# --- Pod Security Admission on tenant namespaces -----------------------------------------------------------------


def test_only_tenant_namespaces_must_enforce_restricted():
    policy = P["kubernetes-namespace-podsecurity-restricted"]
    monitoring = {"metadata": {"name": "monitoring", "labels": {"pod-security.kubernetes.io/enforce": "privileged"}}}
    assert analyze(policy, "kubernetes:core/v1:Namespace", monitoring).passed, "not a tenant's"
    type_, good, _, _ = CASES["kubernetes-namespace-podsecurity-restricted"]
    bare = mutate(good, "metadata.labels", {"plinth.dev/tenant": "acme"})
    assert analyze(policy, type_, bare).violations == [
        "Tenant namespace tenant-acme has no pod-security.kubernetes.io/enforce label, so Pod Security Admission "
        "enforces no profile in it."
    ]
    assert analyze(policy, type_, bare).levels == ["mandatory"]


# --- RBAC verbs ------------------------------------------------------------------------------------------------


def test_escalation_through_subresource_wildcards_and_user_extras():
    policy = P["kubernetes-rbac-role-escalation-forbidden"]
    role = CASES["kubernetes-rbac-role-escalation-forbidden"][1]
    extras = mutate(
        role,
        "rules.0",
        {"apiGroups": ["authentication.k8s.io"], "resources": ["userextras/scopes", "uids"], "verbs": ["impersonate"]},
    )
    assert analyze(policy, f"{RBAC}:Role", extras).violations == [
        "ClusterRole rbac-auditor lets its subjects impersonate identities, which grants them any permission."
    ]
    other_group = mutate(role, "rules.0", {"apiGroups": ["example.io"], "resources": ["*"], "verbs": ["*"]})
    assert analyze(policy, f"{RBAC}:Role", other_group).passed, "wildcards within another API group grant no RBAC verbs"


def test_the_wildcard_policy_reads_every_rule_and_every_rbac_version():
    policy = P["kubernetes-rbac-role-wildcard-forbidden"]
    assert f"{RBAC.replace('v1', 'v1beta1')}:ClusterRole" in policy.types
    role = CASES["kubernetes-rbac-role-wildcard-forbidden"][1]
    out = analyze(policy, f"{RBAC}:Role", mutate(role, "rules.1.verbs", ["*"]))
    assert out.violations == ["Rule 2 of Role reader uses * in its verbs."], "Checkov reads only rule 1; we read all"


# --- Ingress TLS -----------------------------------------------------------------------------------------------


def test_ingress_tls_coverage():
    policy = P["kubernetes-ingress-tls-required"]
    type_, good, _, _ = CASES["kubernetes-ingress-tls-required"]
    deep = mutate(good, "spec.rules.1.host", "a.v1.api.example.com")
    assert analyze(policy, type_, deep).violations == [
        "Ingress app serves host a.v1.api.example.com without TLS: no tls entry lists it."
    ], "a *. wildcard matches one label only"
    default_host = mutate(good, "spec.tls", [{"secretName": "default-tls"}])
    assert analyze(policy, type_, default_host).passed, "a tls entry without hosts covers the default host"
    legacy = "kubernetes:extensions/v1beta1:Ingress"
    assert analyze(policy, legacy, mutate(good, "spec.tls", [])).violations == [
        "Ingress app has no tls section, so it serves plain HTTP."
    ]


# --- ConfigMaps --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("grafana.json", '{"panels": [{"title": "Latency", "datasource": {"uid": "${datasource}"}}]}'),
        (
            "credential-configuration.json",
            '{"token_url": "https://sts.googleapis.com/v1/token", '
            '"subject_token_type": "urn:ietf:params:oauth:token-type:jwt", '
            '"credential_source": {"file": "/var/run/t"}}',
        ),
        ("nginx.conf", "server {\n  listen 8080;\n  auth_basic off;\n}\n"),
        ("SESSION_TOKEN_TTL", "3600s"),
    ],
)
def test_configmaps_without_credentials_pass(key, value):
    policy = P["kubernetes-configmap-credentials-forbidden"]
    assert analyze(policy, "kubernetes:core/v1:ConfigMap", {"metadata": {"name": "c"}, "data": {key: value}}).passed


def test_configmap_findings_never_echo_the_value():
    policy = P["kubernetes-configmap-credentials-forbidden"]
    yaml_doc = "database:\n  host: db\n  password: s3cr3tpassw0rd\n"
    out = analyze(
        policy, "kubernetes:core/v1:ConfigMap", {"metadata": {"name": "c"}, "data": {"settings.yaml": yaml_doc}}
    )
    assert out.violations == [
        "ConfigMap c holds a plaintext credential in settings.yaml: "
        "literal value of a secret-named variable (password)."
    ]
    assert "s3cr3t" not in out.violations[0]


# --- Workload identities that can exec into pods (CKV2_K8S_2) ----------------------------------------------------

EXECUTOR = _res(
    "ClusterRole",
    {
        "metadata": {"name": "debugger"},
        "rules": [{"apiGroups": [""], "resources": ["pods", "pods/exec"], "verbs": ["get", "create"]}],
    },
)


def test_workloads_that_can_exec_or_proxy_are_flagged():
    policy = P["kubernetes-rbac-workload-exec-restricted"]
    binding = _binding("ClusterRoleBinding", "ci-debug", "ClusterRole", "debugger", [SA])
    assert analyze_stack(policy, [EXECUTOR, binding]).violations == [
        "ClusterRoleBinding ci-debug lets service account tenant-acme/workload exec into pods or proxy to nodes in "
        "the cluster through ClusterRole debugger."
    ]
    proxy = mutate(EXECUTOR, "props.rules.0", {"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["*"]})
    assert analyze_stack(policy, [proxy, binding]).violations
    edit = _binding("RoleBinding", "ci-edit", "ClusterRole", "edit", [SA], "tenant-acme")
    assert "namespace tenant-acme through ClusterRole edit" in analyze_stack(policy, [edit]).violations[0]


def test_exec_for_people_reading_pods_and_unknown_rules():
    policy = P["kubernetes-rbac-workload-exec-restricted"]
    people = _binding("ClusterRoleBinding", "oncall", "ClusterRole", "debugger", [ADMINS])
    assert analyze_stack(policy, [EXECUTOR, people]).passed, "people are a review decision, as in CKV2_K8S_2"
    reader = mutate(EXECUTOR, "props.rules.0.verbs", ["get"])
    binding = _binding("ClusterRoleBinding", "ci-debug", "ClusterRole", "debugger", [SA])
    assert analyze_stack(policy, [reader, binding]).passed, "the rule (CKV2_K8S_2) counts create, not get"
    assert analyze_stack(policy, [TENANT_NS]).passed, "not applicable to other kinds"
    out = analyze_stack(policy, [mutate(EXECUTOR, "props.rules", UNKNOWN), binding])
    assert out.unknown and not out.violations
