"""Recovery point objectives checked at preview: each data set of a tenant against its declared RPOs.

Pure. A data set is what one mechanism protects (the tenant's S3 bucket under AWS Backup, its namespace
under Velero...). Each cloud module (and the Velero module) describes its data sets as :class:`Dataset`:
the schedules that make recovery points usable in the tenant's region, and those that put them in another
region. :func:`evaluate` turns them into worst cases (:mod:`components.backup.rpo`) and into problems that
name the key to change, the computed worst case and a schedule that would meet the objective.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from components.backup import rpo

Fix = Callable[[int], str | None]


def no_fix(_target: int) -> str | None:
    """No schedule of the mechanism can meet the objective."""
    return None


@dataclass
class Dataset:
    """What one mechanism protects, and how usable recovery points come to exist."""

    name: str
    local: list[rpo.Source]
    """Schedules whose recovery points can be restored in the tenant's region."""
    local_key: tuple[Any, ...] | str
    """The policy key that sets them (for problems); a string is a key path of its own (``backup.velero...``)."""
    continuous_lag: int | None = None
    """Continuous backup: the local worst case is this lag (minutes)."""
    dr: list[rpo.Source] | None = None
    """Schedules whose recovery points land in another region; None: nothing leaves the region."""
    dr_key: tuple[Any, ...] | str = ("copy_to",)
    dr_applies: bool = True
    """False when the mechanism is regional by design and another one covers the disaster case."""
    local_fix: Fix = no_fix
    dr_fix: Fix = no_fix


@dataclass
class Objective:
    """The worst cases of one data set, as the preview reports them."""

    dataset: str
    local: rpo.WorstCase
    dr: rpo.WorstCase | None
    problems: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> dict[str, str | None]:
        def show(case: rpo.WorstCase | None) -> str | None:
            return rpo.format_minutes(case.minutes) if case is not None and case.minutes is not None else None

        return {"dataset": self.dataset, "local": show(self.local), "dr": show(self.dr)}


def evaluate(datasets: list[Dataset], policy: Any, at: Callable[..., str]) -> list[Objective]:
    """Worst cases of every data set, with a problem for each objective a data set cannot meet."""

    def path(key: tuple[Any, ...] | str) -> str:
        return key if isinstance(key, str) else at(*key)

    target = rpo.duration_minutes(policy.rpo)
    dr_target = rpo.duration_minutes(policy.dr_rpo) if policy.dr_rpo else None
    out: list[Objective] = []
    for data in datasets:
        local = rpo.worst_age(data.local, continuous_lag=data.continuous_lag)
        objective = Objective(data.name, local, None)
        if local.minutes is None or local.minutes > target:
            objective.problems.append(
                (
                    path(data.local_key),
                    _message(data.name, "restore in its region", local, policy.rpo, at("rpo"), data.local_fix(target)),
                )
            )
        if data.dr_applies and data.dr is not None:
            objective.dr = rpo.worst_age(data.dr)
        if dr_target is not None and data.dr_applies:
            dr = objective.dr or rpo.WorstCase(None, "no copy of it leaves the region")
            if dr.minutes is None or dr.minutes > dr_target:
                objective.problems.append(
                    (
                        path(data.dr_key),
                        _message(
                            data.name,
                            "restore after losing the region",
                            dr,
                            policy.dr_rpo,
                            at("dr_rpo"),
                            data.dr_fix(dr_target),
                        ),
                    )
                )
        out.append(objective)
    return out


def _message(name: str, scope: str, case: rpo.WorstCase, declared: str, declared_at: str, fix: str | None) -> str:
    worst = "never available" if case.minutes is None else rpo.format_minutes(case.minutes)
    text = (
        f"{name}: the worst-case recovery point age for {scope} is {worst} ({case.detail}), "
        f"above the declared {declared} ({declared_at})"
    )
    return f"{text}; {fix}" if fix else f"{text}; no schedule of this mechanism meets it: raise the objective"
