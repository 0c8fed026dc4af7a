"""One way to register a Kubernetes manifest as a Pulumi resource.

Components build manifests as pure dicts (camelCase, exactly what the API server receives, so
tests validate them with kubernetes-validate and the CRD schemas) and register them here:
built-in kinds through the Kubernetes SDK's typed class for their group and version, custom
resources (Prometheus Operator, Argo Rollouts, Velero, KEDA...) as ``CustomResource``.

Naming rule: a manifest's Pulumi name is ``<owner>-<role>`` (:func:`child_name`), where the owner
is the component's name and the role says what the object is to that component.
"""

from __future__ import annotations

import functools
import importlib
import re
from typing import Any, Mapping

import pulumi

Manifest = dict[str, Any]
#: API groups whose kinds the Kubernetes SDK ships as typed classes (the core group is "").
_BUILTIN_GROUP = re.compile(r"^(|apps|batch|autoscaling|policy|[a-z0-9-]+(\.[a-z0-9-]+)*\.k8s\.io)$")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


#: Ports cluster DNS answers on (kube-dns / CoreDNS).
DNS_PORTS = ({"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53})


def namespace_selector(name: str) -> dict[str, Any]:
    """Selects one namespace by the immutable label every namespace carries (Kubernetes >= 1.22)."""
    return {"matchLabels": {"kubernetes.io/metadata.name": name}}


def dns_egress() -> dict[str, Any]:
    """A NetworkPolicy egress rule that lets pods resolve names: to cluster DNS in kube-system, port 53."""
    peer = {
        "namespaceSelector": namespace_selector("kube-system"),
        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
    }
    return {"to": [peer], "ports": [dict(p) for p in DNS_PORTS]}


def child_name(owner: str, role: str) -> str:
    """The Pulumi name of a component's Kubernetes child: ``<owner>-<role>``."""
    return f"{owner}-{role}"


def _group_version(api_version: str) -> tuple[str, str]:
    group, _, version = api_version.rpartition("/")
    return group, version


@functools.lru_cache(maxsize=None)  # a handful of kinds, looked up for every manifest
def typed_class(api_version: str, kind: str) -> type[pulumi.CustomResource] | None:
    """The Kubernetes SDK's class for a built-in kind (``apps/v1`` Deployment), or None for custom resources."""
    group, version = _group_version(api_version)
    if not _BUILTIN_GROUP.match(group):
        return None
    module_name = "core" if group == "" else group.split(".")[0]
    try:
        module = importlib.import_module(f"pulumi_kubernetes.{module_name}.{version}")
    except ImportError:
        return None
    cls = getattr(module, kind, None)
    return cls if isinstance(cls, type) and issubclass(cls, pulumi.CustomResource) else None


def _snake(key: str) -> str:
    return _CAMEL.sub("_", key).lower()


def register(
    resource_name: str, manifest: Mapping[str, Any], opts: pulumi.ResourceOptions | None = None, *, patch: bool = False
) -> pulumi.CustomResource:
    """Register ``manifest`` under ``resource_name``; the typed class when there is one.

    ``patch``: the object exists already (the ``default`` ServiceAccount every namespace gets):
    server-side apply the manifest's fields with the SDK's ``<Kind>Patch`` class instead of creating it.
    """
    api_version, kind = manifest["apiVersion"], manifest["kind"]
    cls = typed_class(api_version, f"{kind}Patch" if patch else kind)
    if patch and cls is None:
        raise ValueError(f"{api_version} {kind} cannot be patched: the Kubernetes SDK has no {kind}Patch")
    body = {k: v for k, v in manifest.items() if k not in ("apiVersion", "kind")}
    if cls is not None:
        return cls(resource_name, opts=opts, **{_snake(k): v for k, v in body.items()})
    from pulumi_kubernetes.apiextensions import CustomResource

    extra = sorted(set(body) - {"metadata", "spec"})
    if extra:
        raise ValueError(
            f"{kind} {resource_name}: custom resources carry metadata and spec only, found {', '.join(extra)}"
        )
    return CustomResource(
        resource_name,
        api_version=api_version,
        kind=kind,
        metadata=body.get("metadata"),
        spec=body.get("spec"),
        opts=opts,
    )


def after(opts: pulumi.ResourceOptions, *resources: pulumi.Resource) -> pulumi.ResourceOptions:
    """``opts`` plus a dependency on ``resources`` (a namespace, a Helm release that installs CRDs...)."""
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=list(resources)))
