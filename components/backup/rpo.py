"""Schedule arithmetic for recovery point objectives: when backups run, and how old the newest usable one can be.

Pure (no Pulumi). Every backup mechanism Plinth configures is described by the schedule language of its
service, and this module reads all of them:

- AWS Backup / EventBridge ``cron(min hour day-of-month month day-of-week year)`` (one of the two day
  fields must be ``?``; ``L``, ``W``, ``LW`` and ``#`` are supported) and ``rate(N unit)``;
  https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
- Velero schedules and Kubernetes CronJobs: five-field cron as parsed by robfig/cron v3 (``?`` means
  ``*``; when both day fields are restricted a day matches either; descriptors ``@daily``, ``@every 6h``...);
  https://pkg.go.dev/github.com/robfig/cron/v3
- Azure Data Protection repeating intervals: ISO 8601 ``R/<start>/<period>`` (``R/2024-01-01T02:00:00+00:00/P1D``);
- GCP Backup and DR rule recurrence (``HOURLY`` ... ``YEARLY`` with a backup window).

The worst case is computed, not estimated: fire times are enumerated over a horizon of more than four
years (every leap-year, month-length and weekday combination a calendar schedule can produce within a
leap cycle), and a recovery point is counted as usable only once its backup window has passed (a job may
start late and run long). :func:`worst_age` gives the largest age the newest usable recovery point can
reach, for one or several schedules together.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Iterator, Mapping, Sequence

#: Start of the enumeration: a Monday in a leap year, UTC.
EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)
#: Enumeration length: four years (a whole leap cycle) plus two months, so gaps that wrap a year end are seen.
HORIZON_DAYS = 4 * 366 + 62
MINUTES_PER_DAY = 24 * 60

_MONTHS = {name: i for i, name in enumerate(calendar.month_abbr) if name}
_MONTHS = {k.upper(): v for k, v in _MONTHS.items()}
#: Day-of-week names; robfig numbers Sunday 0, AWS numbers Sunday 1.
_DAYS = {"SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6}


class ScheduleError(ValueError):
    """A schedule expression the service would refuse; the message says what is wrong."""


# --------------------------------------------------------------------------------------------------
# Cron
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cron:
    """A calendar schedule: the days it fires on and the minutes of each such day (UTC)."""

    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    months: frozenset[int]
    dom: frozenset[int] = frozenset()
    """Days of month 1-31."""
    dow: frozenset[int] = frozenset()
    """Days of week, 0 = Sunday."""
    dom_any: bool = True
    """The day-of-month field is unrestricted (``*`` or ``?``)."""
    dow_any: bool = True
    either_day: bool = False
    """Both day fields restricted and a day matches either (robfig / Vixie); AWS never does this."""
    last_dom: bool = False
    """``L``: the last day of the month."""
    last_dom_offset: int = 0
    """``L-3``: three days before the last day."""
    nearest_weekday: frozenset[int] = frozenset()
    """``15W``: the weekday nearest the 15th; ``LW``: the last weekday (stored as 0)."""
    last_dow: frozenset[int] = frozenset()
    """``5L``: the last Friday (0 = Sunday) of the month."""
    nth_dow: frozenset[tuple[int, int]] = frozenset()
    """``6#3``: (weekday, n) - the third Friday."""
    years: frozenset[int] | None = None

    def times(self) -> list[int]:
        """Minutes after midnight at which the schedule fires on a matching day, sorted."""
        return sorted(h * 60 + m for h in self.hours for m in self.minutes)

    def matches_day(self, day: date) -> bool:
        if day.month not in self.months or (self.years is not None and day.year not in self.years):
            return False
        dom_match = self._dom_matches(day)
        dow_match = self._dow_matches(day)
        if self.either_day:
            return dom_match or dow_match
        return dom_match and dow_match

    def _dom_matches(self, day: date) -> bool:
        if self.dom_any:
            return True
        last = calendar.monthrange(day.year, day.month)[1]
        if day.day in self.dom:
            return True
        if self.last_dom and day.day == last - self.last_dom_offset:
            return True
        return any(day.day == _nearest_weekday(day.year, day.month, n) for n in self.nearest_weekday)

    def _dow_matches(self, day: date) -> bool:
        if self.dow_any:
            return True
        weekday = (day.weekday() + 1) % 7  # Python: Monday 0 -> cron: Sunday 0
        if weekday in self.dow:
            return True
        last = calendar.monthrange(day.year, day.month)[1]
        if weekday in self.last_dow and day.day + 7 > last:
            return True
        return any(weekday == wd and (day.day - 1) // 7 + 1 == n for wd, n in self.nth_dow)


def _nearest_weekday(year: int, month: int, target: int) -> int:
    """The weekday (Mon-Fri) nearest day ``target`` of the month, never crossing into another month; 0 = ``LW``."""
    last = calendar.monthrange(year, month)[1]
    day = last if target == 0 else min(target, last)
    weekday = date(year, month, day).weekday()
    if weekday < 5:
        return day
    if weekday == 5:  # Saturday: the Friday before, unless that leaves the month
        return day - 1 if day > 1 else day + 2
    return day + 1 if day < last else day - 2  # Sunday: the Monday after, unless that leaves the month


def _number(token: str, names: Mapping[str, int], low: int, high: int, what: str) -> int:
    value = names.get(token.upper()) if not token.isdigit() else int(token)
    if value is None or not low <= value <= high:
        raise ScheduleError(f"{what} {token!r} is not between {low} and {high}")
    return value


def _field(text: str, low: int, high: int, what: str, names: Mapping[str, int] | None = None) -> tuple[set[int], bool]:
    """Values of one cron field (lists, ranges, steps, names) and whether the field is a bare wildcard.

    ``bare`` follows robfig/cron: ``*`` and ``?`` (and ``*/1``) leave the field unrestricted; a step
    greater than one restricts it even when it starts with ``*``.
    """
    names = names or {}
    values: set[int] = set()
    bare = False
    for part in text.split(","):
        if not part:
            raise ScheduleError(f"{what} field {text!r} has an empty list item")
        base, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise ScheduleError(f"{what} step {step_text!r} must be a positive number")
            step = int(step_text)
        if base in ("*", "?"):
            start, end = low, high
            bare = bare or step == 1
        elif "-" in base:
            a, b = base.split("-", 1)
            start, end = _number(a, names, low, high, what), _number(b, names, low, high, what)
            if start > end:
                raise ScheduleError(f"{what} range {base!r} runs backwards")
        else:
            start = _number(base, names, low, high, what)
            end = high if step_text else start
        values.update(range(start, end + 1, step))
    return values, bare


def _aws_dom(text: str, kw: dict) -> None:
    if text == "?":
        return
    kw["dom_any"] = False
    dom: set[int] = set()
    nearest: set[int] = set()
    for part in text.split(","):
        upper = part.upper()
        if upper == "L":
            kw["last_dom"] = True
        elif re.fullmatch(r"L-\d{1,2}", upper):
            kw["last_dom"], kw["last_dom_offset"] = True, int(upper[2:])
            if kw["last_dom_offset"] > 30:
                raise ScheduleError(f"day-of-month {part!r}: L-n takes n up to 30")
        elif upper == "LW":
            nearest.add(0)
        elif upper.endswith("W"):
            nearest.add(_number(upper[:-1], {}, 1, 31, "day-of-month"))
        else:
            values, bare = _field(part, 1, 31, "day-of-month")
            if bare:
                kw["dom_any"] = True
            dom.update(values)
    kw["dom"], kw["nearest_weekday"] = frozenset(dom), frozenset(nearest)


def _aws_dow(text: str, kw: dict) -> None:
    if text == "?":
        return
    kw["dow_any"] = False
    names = {k: v + 1 for k, v in _DAYS.items()}  # AWS: SUN = 1
    dow: set[int] = set()
    last: set[int] = set()
    nth: set[tuple[int, int]] = set()
    for part in text.split(","):
        upper = part.upper()
        if "#" in upper:
            day, _, n = upper.partition("#")
            if not n.isdigit() or not 1 <= int(n) <= 5:
                raise ScheduleError(f"day-of-week {part!r}: # takes the week of the month, 1 to 5")
            nth.add((_number(day, names, 1, 7, "day-of-week") - 1, int(n)))
        elif upper.endswith("L") and upper != "L":
            last.add(_number(upper[:-1], names, 1, 7, "day-of-week") - 1)
        elif upper == "L":
            dow.add(6)  # L alone: the last day of the week (Saturday)
        else:
            values, bare = _field(part, 1, 7, "day-of-week", names)
            if bare:
                kw["dow_any"] = True
            dow.update(v - 1 for v in values)
    kw["dow"], kw["last_dow"], kw["nth_dow"] = frozenset(dow), frozenset(last), frozenset(nth)


def parse_aws_cron(expression: str) -> Cron:
    """``cron(0 5 ? * MON-FRI *)``: six fields, exactly one of day-of-month and day-of-week is ``?``."""
    match = re.fullmatch(r"\s*cron\((.*)\)\s*", expression)
    if not match:
        raise ScheduleError(f"{expression!r} is not cron(...)")
    fields = match.group(1).split()
    if len(fields) != 6:
        raise ScheduleError(
            f"{expression!r} has {len(fields)} fields; AWS cron takes 6: "
            "minutes hours day-of-month month day-of-week year"
        )
    minute, hour, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise ScheduleError(
            f"{expression!r}: exactly one of day-of-month and day-of-week must be '?' (AWS cron cannot combine them)"
        )
    kw: dict = {}
    _aws_dom(dom, kw)
    _aws_dow(dow, kw)
    years, bare_year = _field(year, 1970, 2199, "year")
    return Cron(
        expression=expression.strip(),
        minutes=frozenset(_field(minute, 0, 59, "minute")[0]),
        hours=frozenset(_field(hour, 0, 23, "hour")[0]),
        months=frozenset(_field(month, 1, 12, "month", _MONTHS)[0]),
        years=None if bare_year else frozenset(years),
        **kw,
    )


#: robfig/cron v3 descriptors.
DESCRIPTORS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}


def parse_standard_cron(expression: str) -> Cron | Every:
    """A Velero schedule or Kubernetes CronJob schedule, as robfig/cron v3 parses it."""
    text = expression.strip()
    if text.startswith("CRON_TZ=") or text.startswith("TZ="):
        raise ScheduleError(f"{expression!r}: write schedules in UTC, without a TZ= prefix")
    if text.startswith("@every "):
        return Every(expression=text, period=timedelta(minutes=go_duration_minutes(text[len("@every ") :])))
    text = DESCRIPTORS.get(text, text)
    if text.startswith("@"):
        raise ScheduleError(f"{expression!r} is not a known descriptor ({', '.join(DESCRIPTORS)}, @every <duration>)")
    fields = text.split()
    if len(fields) != 5:
        raise ScheduleError(
            f"{expression!r} has {len(fields)} fields; a schedule takes 5: minute hour day month weekday"
        )
    minute, hour, dom, month, dow = fields
    dom_values, dom_any = _field(dom, 1, 31, "day-of-month")
    dow_values, dow_any = _field(dow, 0, 6, "day-of-week", _DAYS)
    return Cron(
        expression=expression.strip(),
        minutes=frozenset(_field(minute, 0, 59, "minute")[0]),
        hours=frozenset(_field(hour, 0, 23, "hour")[0]),
        months=frozenset(_field(month, 1, 12, "month", _MONTHS)[0]),
        dom=frozenset(dom_values),
        dow=frozenset(dow_values),
        dom_any=dom_any,
        dow_any=dow_any,
        # robfig: when either day field is a bare wildcard both must match, otherwise either may.
        either_day=not dom_any and not dow_any,
    )


def go_duration_minutes(text: str) -> int:
    """Minutes of a Go duration (``6h``, ``1h30m``, ``90m``); seconds must make whole minutes."""
    parts = re.findall(r"(\d+)(h|m|s)", text)
    if not parts or "".join(n + u for n, u in parts) != text.strip():
        raise ScheduleError(f"{text!r} is not a duration like 6h or 1h30m")
    seconds = sum(int(n) * {"h": 3600, "m": 60, "s": 1}[u] for n, u in parts)
    if seconds == 0 or seconds % 60:
        raise ScheduleError(f"{text!r} must be a positive whole number of minutes")
    return seconds // 60


# --------------------------------------------------------------------------------------------------
# Fixed intervals: rate(), @every, ISO 8601 repeating intervals
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Every:
    """A schedule that fires every ``period`` (or every ``months`` calendar months) from ``anchor``."""

    expression: str
    period: timedelta = timedelta(0)
    months: int = 0
    anchor: datetime = EPOCH

    def max_gap_minutes(self) -> int:
        if self.months:
            # The longest run of `months` consecutive months (e.g. Jul+Aug = 62 days).
            return max(_months_minutes(y, m, self.months) for y in range(2024, 2028) for m in range(1, 13))
        return int(self.period.total_seconds() // 60)


def _months_minutes(year: int, month: int, count: int) -> int:
    start = date(year, month, 1)
    end_month = month - 1 + count
    end = date(year + end_month // 12, end_month % 12 + 1, 1)
    return (end - start).days * MINUTES_PER_DAY


_RATE = re.compile(r"\s*rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)\s*")


def parse_rate(expression: str) -> Every:
    """``rate(6 hours)``: singular unit only for 1 (``rate(1 hour)``), as EventBridge requires."""
    match = _RATE.fullmatch(expression)
    if not match:
        raise ScheduleError(f"{expression!r} is not rate(<n> minutes|hours|days)")
    value, unit = int(match.group(1)), match.group(2)
    if value == 0:
        raise ScheduleError(f"{expression!r}: the rate must be positive")
    if (value == 1) != (not unit.endswith("s")):
        raise ScheduleError(f"{expression!r}: write rate(1 {unit.rstrip('s')}) or rate({value} {unit.rstrip('s')}s)")
    minutes = value * {"minute": 1, "hour": 60, "day": MINUTES_PER_DAY}[unit.rstrip("s")]
    return Every(expression=expression.strip(), period=timedelta(minutes=minutes))


def parse_aws(expression: str) -> Cron | Every:
    """An AWS schedule expression: ``cron(...)`` or ``rate(...)``."""
    text = expression.strip()
    if text.startswith("rate("):
        return parse_rate(text)
    return parse_aws_cron(text)


_ISO_PERIOD = re.compile(
    r"P(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+)S)?)?"
)


def parse_iso_period(text: str) -> tuple[int, timedelta]:
    """``P1D`` -> (0 months, 1 day); ``P1M`` -> (1 month, 0); ``PT4H`` -> (0, 4 hours)."""
    match = _ISO_PERIOD.fullmatch(text)
    if not match or text in ("P", "PT") or text.endswith("T"):
        raise ScheduleError(f"{text!r} is not an ISO 8601 duration like P1D, P1W or PT4H")
    g = {k: int(v) for k, v in match.groupdict().items() if v}
    months = g.get("y", 0) * 12 + g.get("mo", 0)
    delta = timedelta(
        weeks=g.get("w", 0), days=g.get("d", 0), hours=g.get("h", 0), minutes=g.get("mi", 0), seconds=g.get("s", 0)
    )
    if months and delta:
        raise ScheduleError(f"{text!r} mixes calendar months with fixed time; use one or the other")
    if not months and delta <= timedelta(0):
        raise ScheduleError(f"{text!r} must be a positive duration")
    if delta.total_seconds() % 60:
        raise ScheduleError(f"{text!r} must be whole minutes")
    return months, delta


def parse_iso_repeating(expression: str) -> Every:
    """``R/2024-01-01T02:00:00+00:00/P1D`` (Azure Data Protection backup schedules)."""
    parts = expression.strip().split("/")
    if len(parts) != 3 or not re.fullmatch(r"R\d*", parts[0]):
        raise ScheduleError(f"{expression!r} is not a repeating interval R/<start>/<period>")
    try:
        anchor = datetime.fromisoformat(parts[1].replace("Z", "+00:00"))
    except ValueError:
        raise ScheduleError(f"{expression!r}: {parts[1]!r} is not an ISO 8601 date-time") from None
    if anchor.tzinfo is None:
        raise ScheduleError(f"{expression!r}: give the start time a UTC offset (+00:00 or Z)")
    months, delta = parse_iso_period(parts[2])
    return Every(expression=expression.strip(), period=delta, months=months, anchor=anchor.astimezone(timezone.utc))


# --------------------------------------------------------------------------------------------------
# GCP Backup and DR recurrence
# --------------------------------------------------------------------------------------------------
_WEEKDAY_NAMES = {
    "SUNDAY": 0,
    "MONDAY": 1,
    "TUESDAY": 2,
    "WEDNESDAY": 3,
    "THURSDAY": 4,
    "FRIDAY": 5,
    "SATURDAY": 6,
}
_MONTH_NAMES = {name.upper(): i for i, name in enumerate(calendar.month_name) if name}
_WEEK_OF_MONTH = {"FIRST": 1, "SECOND": 2, "THIRD": 3, "FOURTH": 4}


@dataclass(frozen=True)
class GcpWindow:
    """A GCP recurrence as a schedule plus its window: jobs queue at the window start and may start until its end."""

    schedule: Cron
    window_minutes: int


def _strs(rule: Mapping[str, object], key: str) -> list[str]:
    value = rule.get(key) or []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else []


def _int(rule: Mapping[str, object], key: str, default: int) -> int:
    value = rule.get(key)
    return int(value) if isinstance(value, (int, float, str)) and str(value) != "" else default


def gcp_recurrence(rule: Mapping[str, object]) -> GcpWindow:
    """A ``standardSchedule`` of a Backup and DR backup rule (snake_case keys as the Pulumi SDK takes them)."""
    kind = str(rule.get("recurrence_type", ""))
    window = rule.get("backup_window")
    window = window if isinstance(window, Mapping) else {}
    start, end = _int(window, "start_hour_of_day", 0), _int(window, "end_hour_of_day", 24)
    if not 0 <= start < end <= 24:
        raise ScheduleError(f"backup window {start}-{end}: the end hour must be after the start hour (0-24)")
    hours = {start}
    width = (end - start) * 60
    if kind == "HOURLY":
        every = _int(rule, "hourly_frequency", 0)
        if not 1 <= every <= 23:
            raise ScheduleError("HOURLY recurrence needs hourlyFrequency between 1 and 23")
        hours = set(range(start, end, every))
        width = min(width, every * 60)  # a job queues at each step; it cannot wait past the next one
    kw: dict = {}
    if kind == "WEEKLY":
        days = _strs(rule, "days_of_weeks")
        if not days:
            raise ScheduleError("WEEKLY recurrence needs daysOfWeeks")
        kw.update(dow=frozenset(_WEEKDAY_NAMES[d] for d in days), dow_any=False)
    elif kind in ("MONTHLY", "YEARLY"):
        kw.update(_gcp_month_days(rule))
    elif kind not in ("HOURLY", "DAILY"):
        raise ScheduleError(f"recurrence type {kind!r} is not HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY")
    named = _strs(rule, "months")
    if kind == "YEARLY" and not named:
        raise ScheduleError("YEARLY recurrence needs months")
    months = frozenset(_MONTH_NAMES[m] for m in named) or frozenset(range(1, 13))
    cron = Cron(expression=f"gcp:{kind}", minutes=frozenset({0}), hours=frozenset(hours), months=months, **kw)
    return GcpWindow(cron, width)


def _gcp_month_days(rule: Mapping[str, object]) -> dict:
    days = [int(d) for d in _strs(rule, "days_of_months")]
    week = rule.get("week_day_of_month")
    if days and week:
        raise ScheduleError("set daysOfMonths or weekDayOfMonth, not both")
    if days:
        return {"dom": frozenset(days), "dom_any": False}
    if isinstance(week, Mapping):
        weekday = _WEEKDAY_NAMES[str(week.get("day_of_week"))]
        which = str(week.get("week_of_month"))
        if which == "LAST":
            return {"last_dow": frozenset({weekday}), "dow_any": False}
        return {"nth_dow": frozenset({(weekday, _WEEK_OF_MONTH[which])}), "dow_any": False}
    raise ScheduleError("MONTHLY and YEARLY recurrences need daysOfMonths or weekDayOfMonth")


# --------------------------------------------------------------------------------------------------
# Enumeration and worst cases
# --------------------------------------------------------------------------------------------------
Schedule = Cron | Every


def fire_times(schedule: Schedule, start: datetime = EPOCH, days: int = HORIZON_DAYS) -> Iterator[datetime]:
    """Every time ``schedule`` fires in ``[start, start + days)``, in order."""
    end = start + timedelta(days=days)
    if isinstance(schedule, Every):
        yield from _every_times(schedule, start, end)
        return
    times = schedule.times()
    day = start.date()
    while True:
        midnight = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        if midnight >= end:
            return
        if schedule.matches_day(day):
            for minute in times:
                moment = midnight + timedelta(minutes=minute)
                if start <= moment < end:
                    yield moment
        day += timedelta(days=1)


def _every_times(schedule: Every, start: datetime, end: datetime) -> Iterator[datetime]:
    if schedule.months:
        moment, i = schedule.anchor, 0
        while moment < end:
            if moment >= start:
                yield moment
            i += 1
            month = schedule.anchor.month - 1 + i * schedule.months
            year = schedule.anchor.year + month // 12
            last = calendar.monthrange(year, month % 12 + 1)[1]
            moment = schedule.anchor.replace(year=year, month=month % 12 + 1, day=min(schedule.anchor.day, last))
        return
    period = schedule.period
    moment = schedule.anchor
    if moment < start:
        moment += period * ((start - moment) // period)
    while moment < end:
        if moment >= start:
            yield moment
        moment += period


@functools.lru_cache(maxsize=1024)  # pure; tenants of a tier share their schedules
def max_gap_minutes(schedule: Schedule, days: int = HORIZON_DAYS) -> int | None:
    """The longest time between two consecutive runs (None when it runs less than twice in the horizon).

    Calendar schedules are evaluated day by day: the times within a day are the same on every matching
    day, so only the gaps inside one day and between consecutive matching days need looking at.
    """
    if isinstance(schedule, Every):
        return schedule.max_gap_minutes()
    times = schedule.times()
    if not times:
        return None
    inner = max((b - a for a, b in zip(times, times[1:])), default=0)
    previous: date | None = None
    matching = 0
    worst = inner
    day = EPOCH.date()
    for _ in range(days):
        if schedule.matches_day(day):
            matching += 1
            if previous is not None:
                worst = max(worst, (day - previous).days * MINUTES_PER_DAY + times[0] - times[-1])
            previous = day
        day += timedelta(days=1)
    # On a single day only, the next run is beyond the horizon: treat it as never repeating.
    return worst if matching >= 2 else None


@functools.lru_cache(maxsize=1024)
def min_gap_minutes(schedule: Schedule, days: int = HORIZON_DAYS) -> int | None:
    """The shortest time between two consecutive runs (None when it runs less than twice)."""
    if isinstance(schedule, Every):
        return schedule.max_gap_minutes() if not schedule.months else 28 * MINUTES_PER_DAY * schedule.months
    times = schedule.times()
    inner = min((b - a for a, b in zip(times, times[1:])), default=None)
    previous: date | None = None
    best = inner
    day = EPOCH.date()
    for _ in range(days):
        if schedule.matches_day(day):
            if previous is not None:
                gap = (day - previous).days * MINUTES_PER_DAY + times[0] - times[-1]
                best = gap if best is None else min(best, gap)
            previous = day
        day += timedelta(days=1)
    return best


@dataclass(frozen=True)
class Source:
    """Recovery points made by one schedule.

    ``window_minutes``: how long after its scheduled time a recovery point may become usable (the job may
    start late and run long). ``lag_minutes``: further delay before it is usable where it counts (e.g. the
    time a copy takes to reach the disaster-recovery region).
    """

    schedule: Schedule
    window_minutes: int = 0
    lag_minutes: int = 0
    label: str = ""

    @property
    def delay(self) -> int:
        return self.window_minutes + self.lag_minutes


@dataclass(frozen=True)
class WorstCase:
    """The largest age the newest usable recovery point reaches, and what made it."""

    minutes: int | None
    """None: no recovery point ever becomes usable (nothing protects this case)."""
    detail: str = ""
    continuous: bool = False


def worst_age(sources: Sequence[Source], *, continuous_lag: int | None = None) -> WorstCase:
    """Worst-case recovery point age over all failure times, for recovery points from ``sources`` together.

    A continuous backup (point-in-time recovery) keeps the age at its lag at all times, so when there is
    one (``continuous_lag``) that lag is the worst case whatever the schedules do.
    """
    if continuous_lag is not None:
        detail = f"continuous backup, restorable to within {format_minutes(continuous_lag)}"
        return WorstCase(continuous_lag, detail, True)
    return _worst_age(tuple(sources))


@functools.lru_cache(maxsize=1024)  # pure: every tenant of a tier and cloud asks the same question
def _worst_age(sources: tuple[Source, ...]) -> WorstCase:
    if not sources:
        return WorstCase(None, "no backup reaches this scope")
    if len(sources) == 1:
        gap = max_gap_minutes(sources[0].schedule)
        if gap is None:
            return WorstCase(None, f"{sources[0].schedule.expression} runs less than twice in four years")
        source = sources[0]
        parts = [f"{format_minutes(gap)} between runs of {source.schedule.expression}"]
        if source.window_minutes:
            parts.append(f"{format_minutes(source.window_minutes)} backup window")
        if source.lag_minutes:
            parts.append(f"{format_minutes(source.lag_minutes)} {source.label or 'lag'}")
        return WorstCase(gap + source.delay, " + ".join(parts))
    return _sweep(sources)


def _sweep(sources: Sequence[Source]) -> WorstCase:
    """Several schedules: enumerate (capture, usable) events and track the newest usable capture."""
    events: list[tuple[datetime, datetime]] = []
    for source in sources:
        delay = timedelta(minutes=source.delay)
        events.extend((t + delay, t) for t in fire_times(source.schedule))
    if len(events) < 2:
        return WorstCase(None, "the schedules run less than twice in four years")
    events.sort()
    newest: datetime | None = None
    worst = 0
    for usable, captured in events:
        if newest is not None:
            worst = max(worst, int((usable - newest).total_seconds() // 60))
        newest = captured if newest is None else max(newest, captured)
    labels = ", ".join(s.schedule.expression for s in sources)
    return WorstCase(worst, f"the newest usable point of {labels} (windows included)")


def format_minutes(minutes: int) -> str:
    """``90`` -> ``1h30m``; ``2880`` -> ``2d``; ``1500`` -> ``1d1h``."""
    if minutes <= 0:
        return "0m"
    days, rest = divmod(minutes, MINUTES_PER_DAY)
    hours, mins = divmod(rest, 60)
    return "".join(f"{v}{u}" for v, u in ((days, "d"), (hours, "h"), (mins, "m")) if v) or "0m"


_DURATION = re.compile(r"^(\d+)(m|h|d|w)$")


def duration_minutes(text: str) -> int:
    """Plinth's spec durations: ``15m``, ``4h``, ``2d``, ``1w``."""
    match = _DURATION.fullmatch(text.strip())
    if not match:
        raise ScheduleError(f"{text!r} is not a duration like 15m, 4h, 2d or 1w")
    return int(match.group(1)) * {"m": 1, "h": 60, "d": MINUTES_PER_DAY, "w": 7 * MINUTES_PER_DAY}[match.group(2)]


# --------------------------------------------------------------------------------------------------
# Suggestions: a schedule that meets a target
# --------------------------------------------------------------------------------------------------
#: Intervals a suggestion picks from, longest first (each divides a day, so they fire evenly).
INTERVALS = (24 * 60, 12 * 60, 8 * 60, 6 * 60, 4 * 60, 3 * 60, 2 * 60, 60, 30, 15, 10, 5)


def best_interval(target: int, delay: int, *, minimum: int = 5) -> int | None:
    """The longest even interval (minutes) whose runs plus ``delay`` stay within ``target``; None if none can."""
    for interval in INTERVALS:
        if interval >= minimum and interval + delay <= target:
            return interval
    return None


def aws_cron_every(interval: int, minute: int = 0) -> str:
    """An AWS cron that runs every ``interval`` minutes (an hour or more, dividing a day)."""
    if interval >= MINUTES_PER_DAY:
        return f"cron({minute} 5 ? * * *)"
    hours = interval // 60
    return f"cron({minute} {'*' if hours == 1 else f'0/{hours}'} ? * * *)"


def standard_cron_every(interval: int, minute: int = 0) -> str:
    """A five-field cron (Velero, CronJob) that runs every ``interval`` minutes (dividing a day)."""
    if interval >= MINUTES_PER_DAY:
        return f"{minute} 1 * * *"
    if interval >= 60:
        hours = interval // 60
        return f"{minute} {'*' if hours == 1 else f'*/{hours}'} * * *"
    return f"*/{interval} * * * *"


@dataclass
class Report:
    """Worst cases of one data set of one tenant, for local restore and after losing the region."""

    dataset: str
    local: WorstCase
    dr: WorstCase
    suggestions: dict[str, str] = field(default_factory=dict)
    """Per scope (``local``/``dr``): a schedule change that would meet the objective."""
