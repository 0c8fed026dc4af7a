"""What a pack's diagnostic means: a violation, a suppressed one, a check that could not run.

The message shapes are agreed with Plinth's packs (and are plain text for any other pack):

* ``[suppressed] <message> (waived by <owner> until <YYYY-MM-DD>: <reason>)`` - an accepted
  exception, always reported (and always advisory, so a waiver never blocks the real CLI);
* ``[not checked] <ExceptionType>: <reason>`` - the policy could not evaluate this resource;
* the policy SDK's ``can't run policy '<p>' from policy pack '<pack>' during preview: ...`` - a value
  the policy needs is unknown until apply.

The policy SDK puts the policy's description and a newline before every violation message; the
description is listed on its own, so it is taken off here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scripts.findings import Suppression

SUPPRESSED_PREFIX = "[suppressed]"
NOT_CHECKED_PREFIX = "[not checked]"
SUPPRESSED = re.compile(
    r"^\[suppressed\] (?P<message>.*) "
    r"\(waived by (?P<owner>.+?) until (?P<expires>\d{4}-\d{2}-\d{2}): (?P<reason>.*)\)$",
    re.DOTALL,
)
#: The policy SDK's words for a policy that needed a value unknown until apply.
UNKNOWN_PREFIX = "can't run policy"
UNKNOWN_MARKER = "during preview:"


@dataclass(frozen=True)
class Meaning:
    status: str  # violation | suppressed | error | unknown
    message: str
    suppression: Suppression | None = None


def classify(message: str, description: str = "") -> Meaning:
    """The status and the message for people of one diagnostic."""
    if description and message.startswith(description + "\n"):
        message = message[len(description) + 1 :]
    if message.startswith(UNKNOWN_PREFIX) and UNKNOWN_MARKER in message:
        return Meaning("unknown", message)
    if message.startswith(NOT_CHECKED_PREFIX):
        return Meaning("error", message[len(NOT_CHECKED_PREFIX) :].strip())
    if message.startswith(SUPPRESSED_PREFIX):
        match = SUPPRESSED.match(message)
        if match is None:  # a waiver in another wording: still a waiver, shown as the pack wrote it
            return Meaning("suppressed", message[len(SUPPRESSED_PREFIX) :].strip())
        waiver = Suppression(owner=match["owner"], reason=match["reason"], expires=match["expires"])
        return Meaning("suppressed", match["message"], waiver)
    return Meaning("violation", message)
