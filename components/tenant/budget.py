"""A tenant's monthly budget: the spec and the pure decisions the per-cloud budgets share.

A ``budget`` in a tenant spec becomes an AWS Budget (``aws.budgets.Budget``, cost filter on the
``tenant`` cost-allocation tag), a GCP billing budget (``gcp.billing.Budget``, filtered on the
stack's project and the ``tenant`` label) or an Azure consumption budget
(``azure-native:consumption:Budget`` on the subscription, filtered on the ``tenant`` tag).

Notifications are routed like the SLO alerts (components/monitoring/slo.py): a warning (a threshold
below 100 % of actual spend, or the forecast) is a ticket routed like P3 alerts; spending the budget
(>= 100 %) is routed like P2. Without ``notify`` / ``notifyExceeded`` the addresses come from the
email receivers ``plinth:monitoring.alerting`` routes P3 and P2 to.

Limits the providers enforce, checked here: AWS allows 5 notifications per budget and 10 email
subscribers per notification; GCP sends every threshold to the budget's (at most 5) monitoring
notification channels; Azure allows 5 notifications with at most 50 contact emails each.
"""

from __future__ import annotations

from typing import Annotated, Any, NamedTuple

from pydantic import Field, StringConstraints, field_validator, model_validator

from components.base import StrictModel

Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
Percent = Annotated[int, Field(ge=1, le=1000)]
#: AWS: at most five notifications per budget (thresholds plus the forecast).
MAX_NOTIFICATIONS = 5
#: AWS: at most ten email subscribers per notification.
MAX_EMAILS = 10
#: GCP: at most five monitoring notification channels per budget.
MAX_GCP_CHANNELS = 5
WARNING_PRIORITY, EXCEEDED_PRIORITY = "P3", "P2"


class Budget(StrictModel):
    """The tenant's monthly budget and who hears when it is being spent."""

    monthly: Annotated[float, Field(gt=0, le=10_000_000, allow_inf_nan=False)]
    """Amount per calendar month in the billing account's currency (AWS: USD)."""
    thresholds: list[Percent] = Field(default_factory=lambda: [80, 100], min_length=1)
    """Percentages of the amount actually spent that notify (below 100: routed like P3, from 100: like P2)."""
    forecast_threshold: Annotated[int, Field(ge=0, le=1000)] = 100
    """Percentage of the amount the month's forecast may reach before it notifies (routed like P3); 0: none."""
    notify: list[Email] = Field(default_factory=list, max_length=MAX_EMAILS)
    """Who gets warnings; default: the email receivers of the stack's P3 alert route."""
    notify_exceeded: list[Email] = Field(default_factory=list, max_length=MAX_EMAILS)
    """Who hears that the budget is spent (>= 100 %); default: ``notify``, else the P2 route's email receivers."""
    start_month: Annotated[str, StringConstraints(pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$")] | None = None
    """Azure: the first month counted (``2026-11``); Azure accepts the current month or a later one when the
    budget is created. Default: the month of the first deployment (later runs keep it)."""

    @field_validator("thresholds")
    @classmethod
    def _unique(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError("lists a threshold twice")
        return sorted(value)

    @model_validator(mode="after")
    def _count(self) -> "Budget":
        count = len(self.thresholds) + (self.forecast_threshold > 0)
        if count > MAX_NOTIFICATIONS:
            raise ValueError(
                f"{count} notifications (thresholds + forecast); AWS and Azure budgets allow {MAX_NOTIFICATIONS}"
            )
        return self


class Notification(NamedTuple):
    """One budget notification: when it fires and who hears it."""

    threshold: int
    forecast: bool
    priority: str
    emails: tuple[str, ...]


def route_emails(monitoring: Any, priority: str) -> list[str]:
    """The email addresses of the receiver ``plinth:monitoring.alerting`` routes ``priority`` to."""
    alerting = getattr(monitoring, "alerting", None) if monitoring is not None else None
    if alerting is None:
        return []
    name = alerting.routes.get(priority)
    return [r.email.to for r in alerting.receivers if r.name == name and r.email is not None]


def resolved(budget: Budget, monitoring: Any) -> Budget:
    """The budget with its recipients filled from the alert routes where the spec leaves them out."""
    notify = list(budget.notify) or route_emails(monitoring, WARNING_PRIORITY)
    exceeded = list(budget.notify_exceeded) or list(budget.notify) or route_emails(monitoring, EXCEEDED_PRIORITY)
    return budget.model_copy(update={"notify": notify, "notify_exceeded": exceeded})


def notifications(budget: Budget) -> list[Notification]:
    """Every notification of a resolved budget, thresholds first, then the forecast."""
    out = [
        Notification(
            t,
            False,
            EXCEEDED_PRIORITY if t >= 100 else WARNING_PRIORITY,
            tuple(budget.notify_exceeded if t >= 100 else budget.notify),
        )
        for t in budget.thresholds
    ]
    if budget.forecast_threshold > 0:
        out.append(Notification(budget.forecast_threshold, True, WARNING_PRIORITY, tuple(budget.notify)))
    return out


def problems(budget: Budget, cloud: str, settings: Any) -> list[tuple[str, str]]:
    """(key under the tenant, message) for a resolved budget on ``cloud``."""
    out: list[tuple[str, str]] = []
    if cloud == "none":
        out.append(("budget", "a budget needs the tenant's cloud (aws, gcp or azure) to bill; cloud is none"))
        return out
    for n in notifications(budget):
        if not n.emails:
            key = "budget.notifyExceeded" if n.priority == EXCEEDED_PRIORITY else "budget.notify"
            out.append((key, f"no email to notify at {n.threshold} %: set {key.split('.')[1]}, or route "
                             f"{n.priority} alerts to an email receiver in plinth:monitoring.alerting"))  # fmt: skip
            break
    if cloud == "gcp":
        if settings is not None and getattr(settings, "billing_account", None) is None:
            out.append(("budget", "a GCP billing budget needs the billing account: set plinth:gcp.billingAccount"))
        if len(set(budget.notify) | set(budget.notify_exceeded)) > MAX_GCP_CHANNELS:
            out.append(("budget.notify", f"GCP budgets notify at most {MAX_GCP_CHANNELS} channels (email addresses)"))
    return out
