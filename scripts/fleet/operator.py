"""Stacks handed to the Pulumi Kubernetes Operator (v2): Stack resources and what they need, per stack.

For every stack file the project has, :func:`render_project` writes:

* a ``pulumi.com/v1`` **Stack**: the git repository and branch (or, for later waves, a pinned commit),
  ``refresh`` before each update, ``continueResyncOnCommitMatch`` with ``resyncFrequencySeconds`` (the
  operator re-applies the stack on that period, so drift is reconciled), ``destroyOnFinalize: false``
  for every stack that holds tenants (deleting the Stack object never deletes tenant data),
  ``workspaceReclaimPolicy: Delete`` (a workspace pod exists only while its stack runs: hundreds of
  stacks do not keep hundreds of pods), the ``restricted`` security profile, and
  ``spec.prerequisites`` for the roll-out waves;
* references to **Secrets**, never their values: the backend token (``PULUMI_ACCESS_TOKEN`` from
  ``--token-secret``, key ``accessToken``) or a self-managed ``--backend``; the passphrase of a
  passphrase secrets provider (``--passphrase-secret``, key ``passphrase``); the stack file's own
  ``secretsprovider`` (KMS, Key Vault) as ``spec.secretsProvider``; one Secret per cloud account
  (``plinth-<cloud>-<account>``) whose keys become the workspace's environment (the providers'
  standard variables: ``AWS_ACCESS_KEY_ID``..., ``GOOGLE_CREDENTIALS``, ``ARM_CLIENT_ID``...);
* a **ServiceAccount** per stack (the workspace's identity), bound to ``system:auth-delegator`` (the
  operator authenticates to the workspace with it, as the operator's examples do) and to the
  ClusterRole ``plinth-stack-deployer`` with the Kubernetes kinds Plinth creates (``escalate``/
  ``bind`` on Roles, which tenant Roles need) - or to ``cluster-admin`` for a stack that installs
  the monitoring, Velero or Argo Rollouts Helm chart (they install CRDs and cluster roles);
* **waves**: dev stacks first, then staging stacks and a canary share of the production stacks,
  then the rest of production. A stack of a later wave lists every stack of the wave before it as a
  prerequisite (``succeededWithinDuration`` = ``--freshness``): the operator runs it only while all
  of them are healthy, and a failure anywhere holds the later waves back. Prerequisites look at the
  last update's result, not at the commit it ran, so a strict order for a new commit comes from
  pinning later waves to ``--commit`` and moving it forward (re-render) once the earlier waves are
  green - the promotion pattern of the operator's documentation;
* **concurrency per cloud account**: a PriorityClass per account group and a ResourceQuota on the
  workspace pods of that class (``pods: --per-account``): Kubernetes admits at most that many
  workspace pods - stack operations - per account at once; the others wait for a free slot (the
  workspace's StatefulSet retries), so provider API rate limits hold.

Objects are plain dicts; ``tests/fleet/test_operator.py`` validates them against the operator's CRD
schemas (Stack v1, and each workspaceTemplate as a Workspace v1alpha1) and Kubernetes' own schemas.
:func:`validate` checks what those schemas cannot: the CEL rule on Stack names (at most 42
characters), DNS names, and that every prerequisite names a rendered stack.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scripts.console import InputError, UsageError

STACK_API = "pulumi.com/v1"
MANAGED_BY = {"app.kubernetes.io/managed-by": "plinth"}
DEPLOYER_ROLE = "plinth-stack-deployer"
#: The Stack CRD's CEL rule (x-kubernetes-validations on metadata.name).
STACK_NAME_MAX = 42
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DURATION = re.compile(r"^(\d+)([smhd])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

#: Kubernetes kinds Plinth's components create or patch (API group, resources); the test checks this
#: against the kinds of the committed plans, so a new kind cannot be forgotten here.
MANAGED_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("", ("namespaces", "resourcequotas", "limitranges", "serviceaccounts", "configmaps", "secrets")),
    ("batch", ("cronjobs",)),
    ("networking.k8s.io", ("networkpolicies",)),
    # Cluster roles and bindings: the backup drills'. Kubernetes lets the deployer create only those that
    # grant what it holds itself (no ``escalate``/``bind`` on ClusterRoles), so this grants nothing more.
    ("rbac.authorization.k8s.io", ("roles", "rolebindings", "clusterroles", "clusterrolebindings")),
    ("monitoring.coreos.com", ("prometheusrules", "podmonitors", "servicemonitors", "alertmanagerconfigs")),
    ("velero.io", ("schedules", "backupstoragelocations")),
    # Deployments: workloads, their Services and disruption budgets, autoscalers, Argo Rollouts and KEDA objects.
    ("", ("services",)),
    ("apps", ("deployments",)),
    ("policy", ("poddisruptionbudgets",)),
    ("autoscaling", ("horizontalpodautoscalers",)),
    ("argoproj.io", ("rollouts", "analysistemplates")),
    ("keda.sh", ("scaledobjects",)),
)
VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"]

#: Secret keys each cloud's provider reads from the environment (the workspace gets every key of the Secret).
CLOUD_ACCOUNT_KEYS = {"aws": "accountId", "gcp": "project", "azure": "subscriptionId"}


class RenderError(InputError):
    """A stack cannot be handed to the operator as it is: exit 2, nothing written."""


@dataclass(frozen=True)
class Settings:
    repo: str
    branch: str
    commit: str = ""
    namespace: str = "pulumi-stacks"
    organization: str = ""
    backend: str = ""
    token_secret: str = "pulumi-api-secret"
    passphrase_secret: str = ""
    canary_percent: int = 10
    per_account: int = 2
    resync_seconds: int = 3600
    image: str = ""
    repo_dir: str = "."
    freshness: str = "24h"


def parse_duration(text: str, option: str) -> int:
    m = _DURATION.match(text.strip())
    if not m or int(m.group(1)) <= 0:
        raise UsageError(f"{option} {text}: a duration like 30m, 1h or 1d")
    return int(m.group(1)) * _SECONDS[m.group(2)]


def k8s_name(text: str, limit: int = 63) -> str:
    """A DNS label from any text: lower case, [a-z0-9-], at most ``limit`` characters (a hash keeps it unique)."""
    name = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "x"
    if len(name) <= limit and name == text:
        return name
    digest = hashlib.sha256(text.encode()).hexdigest()[:6]
    return f"{name[: limit - 7].rstrip('-')}-{digest}"


# --------------------------------------------------------------------------------------------
# Stacks as the renderer sees them
# --------------------------------------------------------------------------------------------
@dataclass
class StackInfo:
    name: str
    environment: str
    tenants: list[dict[str, Any]]
    accounts: list[tuple[str, str]]
    secrets_provider: str = ""
    #: The stack installs a Helm chart that brings CRDs and cluster roles (monitoring, Velero, Argo Rollouts).
    installs_charts: bool = False
    kube_context: str = ""

    @property
    def holds_tenant_data(self) -> bool:
        return bool(self.tenants)

    @property
    def cr_name(self) -> str:
        return k8s_name(self.name, STACK_NAME_MAX)

    @property
    def account_group(self) -> str:
        return "+".join(f"{c}-{a}" for c, a in self.accounts) or "kubernetes"


def read_stack(project_dir: Path, stack: str) -> StackInfo:
    from components import stackfiles
    from components.config import ConfigError

    try:
        project = stackfiles.read_project(project_dir)
        path = stackfiles.stack_file_path(project_dir, stack)
        doc = stackfiles.read_stack_document(path, project=project.name)
        top = stackfiles.load_yaml(stackfiles.read_text(path, doc.source, "stack file"), doc.source) or {}
    except ConfigError as err:
        raise RenderError(str(err)) from err
    raw = doc.raw
    tenants = [t for t in raw.get("tenants") or [] if isinstance(t, dict)]
    accounts = []
    for cloud in sorted({str(t.get("cloud", "none")) for t in tenants} - {"none"}):
        account = _mapping(raw.get(cloud)).get(CLOUD_ACCOUNT_KEYS.get(cloud, ""))
        if not account:
            raise RenderError(
                f"{doc.source}: plinth:{cloud}.{CLOUD_ACCOUNT_KEYS.get(cloud)}: not set; the operator needs each "
                f"cloud account's credentials, found by account"
            )
        accounts.append((cloud, str(account)))
    monitoring = _mapping(raw.get("monitoring"))
    prometheus = _mapping(monitoring.get("prometheus"))
    velero = _mapping(_mapping(raw.get("backup")).get("velero"))
    kubernetes = _mapping(raw.get("kubernetes"))
    return StackInfo(
        name=stack,
        environment=str(raw.get("environment", "dev")),
        tenants=tenants,
        accounts=accounts,
        secrets_provider=str(top.get("secretsprovider") or "") if isinstance(top, dict) else "",
        installs_charts=(bool(monitoring) and prometheus.get("mode", "install") == "install")
        or (bool(velero) and velero.get("mode", "install") == "install")
        or _installs_argo_rollouts(_mapping(raw.get("deployments"))),
        kube_context=str(kubernetes.get("context") or ""),
    )


def _installs_argo_rollouts(deployments: dict[str, Any]) -> bool:
    """Whether the stack installs the Argo Rollouts chart: a canary or blue-green service and
    ``argoRollouts.mode`` not ``existing`` (``components.deployment.spec``: ``progressive``)."""
    if _mapping(deployments.get("argoRollouts")).get("mode", "install") != "install":
        return False
    services = [s for s in deployments.get("services") or [] if isinstance(s, dict)]
    return any(_mapping(s.get("strategy")).get("type", "rolling") != "rolling" for s in services)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


# --------------------------------------------------------------------------------------------
# Waves
# --------------------------------------------------------------------------------------------
def waves(stacks: list[StackInfo], canary_percent: int) -> list[list[StackInfo]]:
    """dev; staging + a canary share of prod; the rest of prod (empty waves left out)."""
    if not 0 <= canary_percent <= 100:
        raise UsageError(f"--canary-percent {canary_percent}: between 0 and 100")
    dev = [s for s in stacks if s.environment == "dev"]
    staging = [s for s in stacks if s.environment == "staging"]
    prod = sorted(
        (s for s in stacks if s.environment not in ("dev", "staging")),
        key=lambda s: hashlib.sha256(s.name.encode()).hexdigest(),  # a stable, spread-out canary choice
    )
    canaries = math.ceil(len(prod) * canary_percent / 100) if prod and canary_percent else 0
    out = [dev, staging + prod[:canaries], prod[canaries:]]
    return [sorted(w, key=lambda s: s.name) for w in out if w]


# --------------------------------------------------------------------------------------------
# Objects
# --------------------------------------------------------------------------------------------
def _meta(name: str, namespace: str | None, **labels: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    meta["labels"] = {**MANAGED_BY, **labels}
    return meta


def priority_class_name(group: str) -> str:
    return k8s_name(f"plinth-stacks-{group}", 63)


def account_secret(cloud: str, account: str) -> str:
    return k8s_name(f"plinth-{cloud}-{account}", 63)


def _env_refs(info: StackInfo, s: Settings) -> dict[str, Any]:
    refs: dict[str, Any] = {}
    if not s.backend:
        refs["PULUMI_ACCESS_TOKEN"] = {"type": "Secret", "secret": {"name": s.token_secret, "key": "accessToken"}}
    if s.passphrase_secret and not info.secrets_provider:
        refs["PULUMI_CONFIG_PASSPHRASE"] = {
            "type": "Secret",
            "secret": {"name": s.passphrase_secret, "key": "passphrase"},
        }
    return refs


def stack_object(info: StackInfo, wave: int, previous: list[StackInfo], s: Settings) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "stack": f"{s.organization}/{info.name}" if s.organization else info.name,
        "projectRepo": s.repo,
        "repoDir": s.repo_dir,
        "refresh": True,
        "continueResyncOnCommitMatch": True,
        "resyncFrequencySeconds": s.resync_seconds,
        "destroyOnFinalize": not info.holds_tenant_data,
        "workspaceReclaimPolicy": "Delete",
        "serviceAccountName": service_account_name(info),
        "envRefs": _env_refs(info, s),
        "workspaceTemplate": {"spec": workspace_spec(info, s)},
    }
    if wave > 0 and s.commit:
        spec["commit"] = s.commit
    else:
        spec["branch"] = s.branch
    if s.backend:
        spec["backend"] = s.backend
    if info.secrets_provider:
        spec["secretsProvider"] = info.secrets_provider
    if previous:
        spec["prerequisites"] = [
            {"name": p.cr_name, "requirement": {"succeededWithinDuration": s.freshness}} for p in previous
        ]
    labels = {
        "plinth.dev/stack": k8s_name(info.name),
        "plinth.dev/wave": str(wave),
        "plinth.dev/environment": info.environment,
    }
    return {
        "apiVersion": STACK_API,
        "kind": "Stack",
        "metadata": _meta(info.cr_name, s.namespace, **labels),
        "spec": spec,
    }


def workspace_spec(info: StackInfo, s: Settings) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "securityProfile": "restricted",
        "envFrom": [{"secretRef": {"name": account_secret(c, a)}} for c, a in info.accounts],
        # The template is merged into the operator's pod; its container is called "pulumi" (the schema
        # requires the list, the operator merges containers by name).
        "podTemplate": {
            "spec": {"priorityClassName": priority_class_name(info.account_group), "containers": [{"name": "pulumi"}]}
        },
    }
    if s.image:
        spec["image"] = s.image
    if not spec["envFrom"]:
        del spec["envFrom"]
    return spec


def service_account_name(info: StackInfo) -> str:
    return k8s_name(f"pulumi-{info.cr_name}", 63)


def identity_objects(info: StackInfo, s: Settings) -> list[dict[str, Any]]:
    sa = service_account_name(info)
    subject = [{"kind": "ServiceAccount", "name": sa, "namespace": s.namespace}]
    role = "cluster-admin" if info.installs_charts else DEPLOYER_ROLE
    return [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _meta(sa, s.namespace)},
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": _meta(k8s_name(f"{sa}-auth-delegator"), None),
            "roleRef": {
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": "ClusterRole",
                "name": "system:auth-delegator",
            },
            "subjects": subject,
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": _meta(k8s_name(f"{sa}-deployer"), None),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
            "subjects": subject,
        },
    ]


def deployer_role() -> dict[str, Any]:
    rules = [{"apiGroups": [group], "resources": list(resources), "verbs": VERBS} for group, resources in MANAGED_KINDS]
    rules.append({"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles"], "verbs": ["escalate", "bind"]})
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": _meta(DEPLOYER_ROLE, None),
        "rules": rules,
    }


def concurrency_objects(groups: list[str], s: Settings) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for group in groups:
        name = priority_class_name(group)
        out.append(
            {
                "apiVersion": "scheduling.k8s.io/v1",
                "kind": "PriorityClass",
                "metadata": _meta(name, None, **{"plinth.dev/account-group": k8s_name(group)}),
                "value": 0,
                "globalDefault": False,
                "preemptionPolicy": "Never",
                "description": f"Workspace pods of the stacks of cloud account(s) {group}.",
            }
        )
        out.append(
            {
                "apiVersion": "v1",
                "kind": "ResourceQuota",
                "metadata": _meta(name, s.namespace),
                "spec": {
                    "hard": {"pods": str(s.per_account)},
                    "scopeSelector": {
                        "matchExpressions": [{"scopeName": "PriorityClass", "operator": "In", "values": [name]}]
                    },
                },
            }
        )
    return out


# --------------------------------------------------------------------------------------------
# The project
# --------------------------------------------------------------------------------------------
@dataclass
class Rendered:
    settings: Settings
    stacks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    shared: list[dict[str, Any]] = field(default_factory=list)
    waves: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def all_objects(self) -> list[dict[str, Any]]:
        return self.shared + [o for objects in self.stacks.values() for o in objects]

    def files(self) -> dict[str, list[dict[str, Any]]]:
        """``00-shared.yaml`` (namespace, deployer role, account quotas) and ``stack-<name>.yaml`` per stack."""
        out = {"00-shared.yaml": self.shared}
        out.update({f"stack-{k8s_name(name)}.yaml": objects for name, objects in self.stacks.items()})
        return out


def render_project(project_dir: Path, settings: Settings, stacks: list[str] | None = None) -> Rendered:
    from components import stackfiles

    if settings.per_account < 1:
        raise UsageError(f"--per-account {settings.per_account}: at least 1")
    names = stacks or stackfiles.available_stacks(project_dir)
    if not names:
        raise RenderError(f"{project_dir}: no stack files to render")
    infos = [read_stack(project_dir, name) for name in names]
    taken: dict[str, str] = {}
    for info in infos:
        if info.cr_name in taken:
            raise RenderError(
                f"stacks {taken[info.cr_name]} and {info.name} get the same Kubernetes name {info.cr_name}"
            )
        taken[info.cr_name] = info.name
    rendered = Rendered(settings)
    rendered.shared = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": _meta(settings.namespace, None)},
        deployer_role(),
        *concurrency_objects(sorted({i.account_group for i in infos}), settings),
    ]
    previous: list[StackInfo] = []
    for number, wave in enumerate(waves(infos, settings.canary_percent)):
        rendered.waves.append([i.name for i in wave])
        for info in wave:
            rendered.stacks[info.name] = [
                *identity_objects(info, settings),
                stack_object(info, number, previous, settings),
            ]
            if info.kube_context:
                rendered.notes.append(
                    f"{info.name}: plinth:kubernetes.context is {info.kube_context!r}; a workspace has no kubeconfig: "
                    "it deploys to the operator's own cluster unless you give it one"
                )
        previous = wave
    return rendered


def validate(rendered: Rendered) -> None:
    """What the CRD schemas cannot check: CEL name rule, DNS names, prerequisites that exist."""
    names = {o["metadata"]["name"] for o in rendered.all_objects() if o["kind"] == "Stack"}
    for obj in rendered.all_objects():
        name = obj["metadata"]["name"]
        limit = STACK_NAME_MAX if obj["kind"] == "Stack" else 253
        if len(name) > limit or not (_DNS_LABEL.match(name) or obj["kind"] == "ClusterRole"):
            raise RenderError(f"{obj['kind']} {name}: not a valid name (DNS label, at most {limit} characters)")
        for prerequisite in obj.get("spec", {}).get("prerequisites", []) if obj["kind"] == "Stack" else []:
            if prerequisite["name"] not in names:
                raise RenderError(f"Stack {name}: prerequisite {prerequisite['name']} is not rendered")


class _Dumper(yaml.SafeDumper):
    """Plain YAML for kubectl: no anchors or aliases for repeated lists."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def to_yaml(objects: list[dict[str, Any]]) -> str:
    return yaml.dump_all(objects, Dumper=_Dumper, sort_keys=False, default_flow_style=False)


def summary(rendered: Rendered) -> str:
    lines = [f"{len(rendered.stacks)} stack(s) in {len(rendered.waves)} wave(s):"]
    for number, wave in enumerate(rendered.waves):
        shown = ", ".join(wave[:6]) + (f" and {len(wave) - 6} more" if len(wave) > 6 else "")
        lines.append(f"  wave {number}: {shown}")
    groups = sum(1 for o in rendered.shared if o["kind"] == "ResourceQuota")
    lines.append(
        f"at most {rendered.settings.per_account} stack operation(s) at once in each of {groups} account group(s)"
    )
    lines += [f"note: {n}" for n in rendered.notes]
    return "\n".join(lines)
