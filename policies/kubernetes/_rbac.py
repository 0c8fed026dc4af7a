"""Reading Kubernetes RBAC objects: what a rule grants, which role a binding names, who its subjects are.

A rule grants an operation when its apiGroups, verbs and resources each hold the operation's value
or the ``*`` wildcard, as the RBAC authorizer matches them
(https://kubernetes.io/docs/reference/access-authn-authz/rbac/); ``*/<subresource>`` matches that
subresource of every resource. ``resourceNames`` narrows a rule to named objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from components import conventions
from policies.props import as_list, get


@dataclass(frozen=True)
class Operation:
    """An operation a rule may grant: any of these verbs on any of these resources in any of these groups."""

    groups: frozenset[str]
    verbs: frozenset[str]
    resources: frozenset[str]


GROUP = "rbac.authorization.k8s.io"
ROLE = "Role"
CLUSTER_ROLE = "ClusterRole"
ROLE_BINDING = "RoleBinding"
CLUSTER_ROLE_BINDING = "ClusterRoleBinding"
NAMESPACE = "kubernetes:core/v1:Namespace"
WILDCARD = "*"
#: The namespace an object that names none lands in (the API server's default).
DEFAULT_NAMESPACE = "default"

#: Built-in user-facing ClusterRoles that read Secrets and exec into pods: cluster-admin, admin and edit
#: (``view`` does neither; https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles).
BUILTIN_SECRET_READERS = frozenset({"cluster-admin", "admin", "edit"})
BUILTIN_EXEC = frozenset({"cluster-admin", "admin", "edit"})
SECRET_READ_VERBS = frozenset({"get", "list", "watch"})
#: Checkov CKV2_K8S_2: creating pods/exec runs commands in any pod in scope; nodes/proxy reaches the kubelet API.
EXEC = Operation(frozenset({""}), frozenset({"create"}), frozenset({"pods/exec", "nodes/proxy"}))


def _strings(value: Any) -> list[str]:
    return [str(v) for v in as_list(value)]


def grants(rule: Any, operation: Operation) -> bool:
    """Whether ``rule`` allows ``operation`` (wildcards included)."""
    groups, verbs, resources = (
        _strings(rule.get("apiGroups")),
        _strings(rule.get("verbs")),
        _strings(rule.get("resources")),
    )
    if not (WILDCARD in groups or operation.groups & set(groups)):
        return False
    if not (WILDCARD in verbs or operation.verbs & set(verbs)):
        return False
    for granted in resources:
        if granted == WILDCARD or granted in operation.resources:
            return True
        if granted.startswith("*/") and any(r.endswith(granted[1:]) for r in operation.resources):
            return True
    return False


def rules_of(props: Any) -> list[Any]:
    return as_list(props.get("rules"))


def wildcards(rule: Any) -> list[str]:
    """The fields of ``rule`` (apiGroups, resources, verbs) holding a wildcard."""
    return [
        field for field in ("apiGroups", "resources", "verbs") if any(WILDCARD in v for v in _strings(rule.get(field)))
    ]


def name_of(props: Any, fallback: str = "") -> str:
    return str(get(props, "metadata.name") or fallback)


def namespace_of(props: Any) -> str:
    return str(get(props, "metadata.namespace") or DEFAULT_NAMESPACE)


@dataclass(frozen=True)
class Subject:
    """A binding subject, with the namespace a ServiceAccount subject lives in."""

    kind: str
    name: str
    namespace: str = ""

    def __str__(self) -> str:
        if self.kind == "ServiceAccount":
            return f"service account {self.namespace}/{self.name}"
        return f"{self.kind.lower()} {self.name}"

    @property
    def workload(self) -> bool:
        """A workload identity (a ServiceAccount, all of a namespace's, or a node) rather than a person."""
        return self.kind in ("ServiceAccount", "Node") or self.name.startswith(
            ("system:serviceaccount:", "system:serviceaccounts", "system:node")
        )

    def service_account_namespace(self) -> str | None:
        """The namespace whose service account(s) this subject names, or None."""
        if self.kind == "ServiceAccount":
            return self.namespace
        if self.kind == "User" and self.name.startswith("system:serviceaccount:"):
            return self.name.split(":")[2]
        if self.kind == "Group" and self.name.startswith("system:serviceaccounts:"):
            return self.name.split(":", 2)[2]
        return None


def subjects_of(binding: Any) -> list[Subject]:
    """The subjects of a binding; a ServiceAccount subject without a namespace is in the binding's namespace."""
    found = []
    for s in as_list(binding.get("subjects")):
        kind, name = str(s.get("kind") or ""), str(s.get("name") or "")
        namespace = (
            str(s.get("namespace") or get(binding, "metadata.namespace") or "") if kind == "ServiceAccount" else ""
        )
        found.append(Subject(kind, name, namespace))
    return found


def kind_of(resource: Any) -> str:
    """The kind of a resource from its type token (``kubernetes:rbac.authorization.k8s.io/v1:Role`` -> Role)."""
    return str(resource.resource_type).rsplit(":", 1)[-1]


def is_rbac(resource: Any, kind: str) -> bool:
    token = str(resource.resource_type)
    return token.startswith(f"kubernetes:{GROUP}/") and token.rsplit(":", 1)[-1] == kind


class Roles:
    """The Roles (by namespace and name) and ClusterRoles (by name) a stack defines."""

    def __init__(self, resources: Iterable[Any]) -> None:
        self.roles: dict[tuple[str, str], Any] = {}
        self.cluster_roles: dict[str, Any] = {}
        for r in resources:
            if is_rbac(r, ROLE):
                self.roles[(namespace_of(r.props), name_of(r.props, r.name))] = r
            elif is_rbac(r, CLUSTER_ROLE):
                self.cluster_roles[name_of(r.props, r.name)] = r

    def referenced(self, binding: Any) -> tuple[str, str, Any]:
        """(kind, name, role resource or None) of the role a binding grants."""
        kind, name = str(get(binding, "roleRef.kind") or ""), str(get(binding, "roleRef.name") or "")
        if kind == ROLE:
            return kind, name, self.roles.get((namespace_of(binding), name))
        return kind, name, self.cluster_roles.get(name)


def reads_all_secrets(rules: Iterable[Any]) -> bool:
    """Whether rules let their holder read every Secret in scope (get, list or watch; not only named ones)."""
    operation = Operation(frozenset({""}), SECRET_READ_VERBS, frozenset({"secrets"}))
    return any(grants(rule, operation) and not as_list(rule.get("resourceNames")) for rule in rules)


def tenant_namespaces(resources: Iterable[Any]) -> set[str]:
    """Namespaces the stack defines and labels as a tenant's (``plinth.dev/tenant``)."""
    found = set()
    for r in resources:
        if r.resource_type == NAMESPACE:
            labels = get(r.props, "metadata.labels") or {}
            if isinstance(labels, Mapping) and conventions.LABEL_TENANT in labels:
                found.add(name_of(r.props, r.name))
    return found


def bindings(resources: Iterable[Any]) -> Iterator[Any]:
    for r in resources:
        if is_rbac(r, ROLE_BINDING) or is_rbac(r, CLUSTER_ROLE_BINDING):
            yield r
