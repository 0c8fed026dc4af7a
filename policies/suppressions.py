"""Exceptions as data: policy-config suppressions with resource, reason, owner and expiry.

A suppression waives one policy's violations for the resources it matches (a URN or a
resource-name glob) until its expiry date. A waived violation stays visible: the pack reports it
as ``[suppressed] ...`` with owner, expiry and reason, at advisory level (see
``policies/diagnostics.py``). An expired suppression is itself reported as a violation, and
controls marked never-waive ignore suppressions. Pure functions, unit-tested.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, Iterable, Mapping

from policies import diagnostics

SCHEMA: dict[str, Any] = {
    "type": "array",
    "description": (
        "Accepted exceptions: each needs the resource (URN or name glob), a reason, an owner and an expiry date."
    ),
    "items": {
        "type": "object",
        "properties": {
            "resource": {"type": "string", "minLength": 1},
            "reason": {"type": "string", "minLength": 10},
            "owner": {"type": "string", "minLength": 1},
            "expires": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        },
        "required": ["resource", "reason", "owner", "expires"],
        "additionalProperties": False,
    },
    "default": [],
}


@dataclass(frozen=True)
class Suppression:
    resource: str
    reason: str
    owner: str
    expires: dt.date
    #: The date as written; an unreadable date parses as ``date.min`` (expired: fail closed).
    expires_text: str = ""

    def matches(self, urn: str, name: str) -> bool:
        return urn == self.resource or fnmatchcase(name, self.resource) or fnmatchcase(urn, self.resource)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return dt.date.min


def parse(items: Iterable[Mapping[str, Any]] | None) -> list[Suppression]:
    """Suppressions from policy config (already validated against ``SCHEMA`` by the policy SDK)."""
    out = []
    for item in items or []:
        text = str(item["expires"])
        out.append(Suppression(str(item["resource"]), str(item["reason"]), str(item["owner"]), _date(text), text))
    return out


def outcome(
    message: str,
    urn: str,
    name: str,
    suppressions: list[Suppression],
    *,
    never_waive: bool,
    today: dt.date | None = None,
) -> tuple[str, bool]:
    """``(message to report, whether an active suppression waives it)``.

    A waived message has the ``[suppressed]`` shape; an expired suppression or a never-waive
    control adds a note to the original message and is not waived.
    """
    today = today or dt.date.today()
    matching = [s for s in suppressions if s.matches(urn, name)]
    if not matching:
        return message, False
    if never_waive:
        return f"{message} (this control cannot be suppressed; suppression by {matching[0].owner} ignored)", False
    active = [s for s in matching if s.expires >= today]
    if active:
        waiver = max(active, key=lambda s: s.expires)
        return diagnostics.suppressed_message(
            message, owner=waiver.owner, expires=waiver.expires, reason=waiver.reason
        ), True
    latest = max(matching, key=lambda s: s.expires)
    when = (
        latest.expires.isoformat() if latest.expires != dt.date.min else f"an unreadable date {latest.expires_text!r}"
    )
    return (
        f"{message} (suppression for {latest.resource} expired on {when} (owner {latest.owner}): {latest.reason})",
        False,
    )


def decide(
    message: str,
    urn: str,
    name: str,
    suppressions: list[Suppression],
    *,
    never_waive: bool,
    today: dt.date | None = None,
) -> str | None:
    """The violation message to count, or ``None`` when an active suppression waives it."""
    text, waived = outcome(message, urn, name, suppressions, never_waive=never_waive, today=today)
    return None if waived else text
