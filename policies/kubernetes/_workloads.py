"""The type tokens of every workload kind that carries a pod template, in every API version.

Policies match workloads by kind (policies/props.py ``POD_TEMPLATE_PATHS``), so a CronJob of
``batch/v1beta1`` or a Deployment of ``extensions/v1beta1`` is checked like its ``v1`` form. The
API versions come from the installed pulumi_kubernetes SDK itself - the resource-module table in
its package ``__init__`` that the SDK registers with the Pulumi runtime - read as text, so reading
it imports nothing. Custom resources with pod templates that no SDK ships are listed by hand, in
the API versions their operators serve (``policies/props.py`` ``CUSTOM_POD_TEMPLATES`` says where
each keeps its templates).
"""

from __future__ import annotations

import importlib.util
import json
import re
from functools import lru_cache
from pathlib import Path

from policies.props import CUSTOM_POD_TEMPLATES, POD_TEMPLATE_PATHS, WORKFLOW_SPECS

#: Custom resources with pod templates: Argo Rollouts (where a Deployment keeps it), KubeRay
#: (``ray.io/v1``, and ``v1alpha1`` before KubeRay 1.0), the Kubeflow training operator
#: (``kubeflow.org/v1``; the MPI operator's ``v2beta1`` MPIJob keeps the same ``mpiReplicaSpecs``)
#: Kubeflow notebooks (``v1``, ``v1beta1``, ``v1alpha1``) and Argo Workflows (each template's pod).
CUSTOM_WORKLOAD_TYPES = (
    "kubernetes:argoproj.io/v1alpha1:Rollout",
    *(f"kubernetes:argoproj.io/v1alpha1:{kind}" for kind in WORKFLOW_SPECS),
    *(f"kubernetes:ray.io/{v}:{kind}" for v in ("v1", "v1alpha1") for kind in ("RayCluster", "RayJob", "RayService")),
    *(
        f"kubernetes:kubeflow.org/v1:{kind}"
        for kind in ("PyTorchJob", "TFJob", "MPIJob", "XGBoostJob", "PaddleJob", "JAXJob", "Notebook")
    ),
    "kubernetes:kubeflow.org/v2beta1:MPIJob",
    "kubernetes:kubeflow.org/v1beta1:Notebook",
    "kubernetes:kubeflow.org/v1alpha1:Notebook",
)
_TABLE = re.compile(r'resource_modules="""(.*?)"""', re.DOTALL)


@lru_cache(maxsize=None)
def sdk_resource_types() -> frozenset[str]:
    """Every resource type token the installed pulumi_kubernetes SDK registers.

    Raises RuntimeError when the SDK is missing or its table moved: the workload policies would
    otherwise silently check nothing.
    """
    spec = importlib.util.find_spec("pulumi_kubernetes")
    if spec is None or spec.origin is None:
        raise RuntimeError("pulumi_kubernetes is not installed: the Kubernetes workload types cannot be listed")
    text = Path(spec.origin).read_text(encoding="utf-8")
    match = _TABLE.search(text)
    if match is None:
        raise RuntimeError(f"{spec.origin}: no resource_modules table; policies/kubernetes/_workloads.py needs a look")
    return frozenset(token for module in json.loads(match.group(1)) for token in module.get("classes", {}))


def workload_types() -> tuple[str, ...]:
    """Type tokens of every kind in POD_TEMPLATE_PATHS, in every API version the SDK knows, plus custom ones.

    Every custom token's kind must say where its templates are, or the policies would check nothing in it.
    """
    unmapped = [
        t
        for t in CUSTOM_WORKLOAD_TYPES
        if t.rsplit(":", 1)[1] not in {*POD_TEMPLATE_PATHS, *CUSTOM_POD_TEMPLATES, *WORKFLOW_SPECS}
    ]
    if unmapped:
        raise RuntimeError(f"custom workload types without template paths: {unmapped}")
    kinds = set(POD_TEMPLATE_PATHS)
    found = {token for token in sdk_resource_types() if token.rsplit(":", 1)[1] in kinds}
    return tuple(sorted(found | set(CUSTOM_WORKLOAD_TYPES)))


def sdk_types(*kinds: str) -> tuple[str, ...]:
    """Type tokens of ``kinds`` in every API version the installed SDK knows (``Patch`` and ``List`` forms excluded)."""
    wanted = set(kinds)
    return tuple(sorted(token for token in sdk_resource_types() if token.rsplit(":", 1)[1] in wanted))


TYPES = workload_types()
