"""Quota arithmetic: what a tenant's deployments take at their peak, against the tenant's ResourceQuota.

Pure functions over exact numbers (``Fraction``: ``0.1 + 0.2`` CPUs must fit a quota of ``0.3``). The
peak of one deployment is its pod count at the autoscaler's maximum (or its fixed replicas) plus what a
rollout adds on top, as Kubernetes and Argo Rollouts compute it:

- rolling (a Deployment): ``maxSurge`` extra pods, rounded up from a percentage
  (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-surge);
- canary (Argo Rollouts' basic canary): the canary pods come out of the surge: stable and canary pods
  together stay within ``replicas + maxSurge`` (argo-rollouts ``utils/replicaset/canary.go``,
  ``CalculateReplicaCountsForBasicCanary``);
- blueGreen: the preview ReplicaSet runs at full size next to the active one, so twice the replicas.

Every pod of a deployment has the same limits (the quota's ``limits.*`` are the binding ones: a
container's limits are at least its requests) and the same GPUs (requests = limits).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Mapping

_QUANTITY = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$")
_FACTORS: dict[str, Fraction] = {
    "": Fraction(1),
    "m": Fraction(1, 1000),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "Ki": Fraction(2**10),
    "Mi": Fraction(2**20),
    "Gi": Fraction(2**30),
    "Ti": Fraction(2**40),
    "Pi": Fraction(2**50),
}
#: Quota keys checked, with the ResourceQuota entry that binds each.
QUOTA_KEYS: dict[str, str] = {
    "cpu": "limits.cpu",
    "memory": "limits.memory",
    "pods": "pods",
    "gpus": "requests.nvidia.com/gpu",
}


def quantity(text: str | int) -> Fraction:
    """A Kubernetes quantity (``500m``, ``2``, ``1.5Gi``) as an exact number (cores, bytes)."""
    match = _QUANTITY.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a Kubernetes quantity such as 500m, 2 or 512Mi")
    return Fraction(match.group(1)) * _FACTORS[match.group(2) or ""]


def show(value: Fraction, key: str) -> str:
    """A number as a person reads it in a quota message: cores, GiB/MiB, counts."""
    if key == "memory":
        for unit in ("Gi", "Mi", "Ki"):
            scaled = value / _FACTORS[unit]
            if scaled >= 1:
                return f"{float(scaled):g}{unit}"
        return f"{float(value):g}"
    return f"{float(value):g}"


def scaled(value: int | str, replicas: int, *, round_up: bool) -> int:
    """``maxSurge``/``maxUnavailable`` as pods: a number as it is, a percentage of ``replicas`` rounded up
    (surge) or down (unavailable), as Kubernetes rounds them."""
    if isinstance(value, int):
        return value
    share = Fraction(int(value.rstrip("%")), 100) * replicas
    return math.ceil(share) if round_up else math.floor(share)


def peak_pods(strategy: str, max_replicas: int, max_surge: int | str) -> int:
    """Pods a deployment runs at most: at its largest replica count, in the middle of a rollout."""
    if strategy == "blueGreen":
        return 2 * max_replicas
    return max_replicas + scaled(max_surge, max_replicas, round_up=True)


@dataclass(frozen=True)
class Footprint:
    """What one deployment takes from its tenant's quota at its peak."""

    name: str
    pods: int
    cpu: Fraction
    memory: Fraction
    gpus: int

    def get(self, key: str) -> Fraction:
        return Fraction(getattr(self, key))


def footprint(
    name: str, *, strategy: str, max_replicas: int, max_surge: int | str, cpu: str, memory: str, gpus: int
) -> Footprint:
    """The peak of one deployment whose pods each have ``cpu``/``memory`` limits and ``gpus`` GPUs."""
    pods = peak_pods(strategy, max_replicas, max_surge)
    return Footprint(name, pods, pods * quantity(cpu), pods * quantity(memory), pods * gpus)


@dataclass(frozen=True)
class Excess:
    """A quota a tenant's deployments exceed: which resource, by how much, and which deployment tipped it."""

    key: str
    needed: Fraction
    allowed: Fraction
    tipping: int
    """Index (in the order given) of the deployment whose addition first exceeds the quota."""
    shares: tuple[tuple[str, Fraction], ...]

    def message(self, tenant: str) -> str:
        parts = ", ".join(f"{name} {show(v, self.key)}" for name, v in self.shares)
        name = self.shares[self.tipping][0]
        return (
            f"deployment {name} takes tenant {tenant} over its ResourceQuota: at their peak (max replicas plus "
            f"surge and canary or preview pods) its deployments need {show(self.needed, self.key)} "
            f"{self.key} ({QUOTA_KEYS[self.key]}) but the quota allows {show(self.allowed, self.key)} "
            f"({parts}); lower replicas, resources or surge, or raise the tenant's quotas.{self.key}"
        )


def excesses(footprints: Iterable[Footprint], quota: Mapping[str, str | int]) -> list[Excess]:
    """Every quota key the deployments together exceed (empty when they fit)."""
    prints = list(footprints)
    found: list[Excess] = []
    for key in QUOTA_KEYS:
        allowed = quantity(quota[key])
        total = Fraction(0)
        tipping = None
        for i, f in enumerate(prints):
            total += f.get(key)
            if tipping is None and total > allowed:
                tipping = i
        if tipping is not None:
            found.append(Excess(key, total, allowed, tipping, tuple((f.name, f.get(key)) for f in prints)))
    return found
