"""The message shapes a Plinth pack reports beside plain violations (interfaces §2 and §3).

Pure and free of the policy SDK: the pack adapter (``policies/sdk.py``) writes these messages and
the gate, audits and reports read them back with the same constants.

- ``[suppressed] <message> (waived by <owner> until <YYYY-MM-DD>: <reason>)`` - a violation that an
  unexpired suppression covers: still reported, always at advisory level, never counted as a violation.
- ``[not checked] <ExceptionType>: <short reason>`` - a policy that could not evaluate one resource
  (or, for a stack policy, the stack): reported at the policy's level; the gate calls it an error.
"""

from __future__ import annotations

import datetime as dt
import re

SUPPRESSED_PREFIX = "[suppressed]"
SUPPRESSED_PATTERN = re.compile(
    r"^\[suppressed\] (?P<message>.*) \(waived by (?P<owner>.+?) "
    r"until (?P<expires>\d{4}-\d{2}-\d{2}): (?P<reason>.*)\)$",
    re.DOTALL,
)
NOT_CHECKED_PREFIX = "[not checked]"
#: Longest exception text a not-checked message carries (the rest is cut with an ellipsis).
REASON_MAX = 200


def suppressed_message(message: str, *, owner: str, expires: dt.date, reason: str) -> str:
    """The report of a violation that an unexpired suppression covers."""
    return f"{SUPPRESSED_PREFIX} {message} (waived by {owner} until {expires.isoformat()}: {reason})"


def parse_suppressed(message: str) -> dict[str, str] | None:
    """``message``, ``owner``, ``expires`` and ``reason`` of a suppressed report; None for any other message."""
    match = SUPPRESSED_PATTERN.match(message)
    return match.groupdict() if match else None


def not_checked_message(error: BaseException) -> str:
    """``[not checked] <ExceptionType>: <short reason>`` for an exception a check raised."""
    text = " ".join(str(error).split()) or "no detail"
    if len(text) > REASON_MAX:
        text = text[: REASON_MAX - 1] + "…"
    return f"{NOT_CHECKED_PREFIX} {type(error).__name__}: {text}"
