"""Exceptions as data: policy-config suppressions with resource, reason, owner and expiry.

A suppression silences one policy's violations for the resources it matches (a URN or a
resource-name glob) until its expiry date; an expired suppression is itself a violation, and
controls marked never-waive ignore suppressions. Pure functions, unit-tested.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, Iterable, Mapping

SCHEMA: dict[str, Any] = {
    "type": "array",
    "description": "Accepted exceptions: each needs the resource (URN or name glob), a reason, an owner and an expiry date.",
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


def decide(message: str, urn: str, name: str, suppressions: list[Suppression], *, never_waive: bool, today: dt.date | None = None) -> str | None:
    """The violation message to report, or ``None`` when an active suppression covers it."""
    today = today or dt.date.today()
    matching = [s for s in suppressions if s.matches(urn, name)]
    if not matching:
        return message
    if never_waive:
        return f"{message} (this control cannot be suppressed; suppression by {matching[0].owner} ignored)"
    active = [s for s in matching if s.expires >= today]
    if active:
        return None
    latest = max(matching, key=lambda s: s.expires)
    when = latest.expires.isoformat() if latest.expires != dt.date.min else f"an unreadable date {latest.expires_text!r}"
    return f"{message} (suppression for {latest.resource} expired on {when} (owner {latest.owner}): {latest.reason})"
