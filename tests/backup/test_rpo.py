"""Schedule arithmetic: every schedule language Plinth reads, checked against independent reference semantics."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.backup import rpo

DAYS = 400  # horizon of the property tests (more than a year: every month end, a leap day)
START = rpo.EPOCH


def gaps(times: list[datetime]) -> int | None:
    """The longest gap; None when every run falls on one day (the next one is beyond the horizon)."""
    if len({t.date() for t in times}) < 2:
        return None
    return max(int((b - a).total_seconds() // 60) for a, b in zip(times, times[1:]))


# --- reference semantics, written from the documentation independently of rpo's day-skipping ---------
def reference_times(day_matches, minutes: set[int], hours: set[int], days: int = DAYS) -> list[datetime]:
    """Every fire time: each minute of each day that matches (a plain enumeration, no shortcuts)."""
    out = []
    for offset in range(days):
        day = START + timedelta(days=offset)
        if day_matches(day.date()):
            out += [day + timedelta(hours=h, minutes=m) for h in sorted(hours) for m in sorted(minutes)]
    return sorted(out)


def cron_weekday(day: date) -> int:
    return (day.weekday() + 1) % 7  # Sunday 0


def render(values: set[int] | None) -> str:
    return "*" if values is None else ",".join(str(v) for v in sorted(values))


sets = lambda low, high, size=4: st.sets(st.integers(low, high), min_size=1, max_size=size)  # noqa: E731


@settings(max_examples=60, deadline=None)
@given(
    minutes=sets(0, 59, 3),
    hours=sets(0, 23, 3),
    dom=st.none() | sets(1, 31),
    months=st.none() | sets(1, 12, 6),
    dow=st.none() | sets(0, 6, 3),
)
def test_standard_cron_gap_matches_a_plain_enumeration(minutes, hours, dom, months, dow):
    """robfig/cron (Velero, CronJob): both day fields restricted -> a day matches either; one '*' -> both must."""
    expression = f"{render(minutes)} {render(hours)} {render(dom)} {render(months)} {render(dow)}"

    def matches(day: date) -> bool:
        if months is not None and day.month not in months:
            return False
        dom_ok = dom is None or day.day in dom
        dow_ok = dow is None or cron_weekday(day) in dow
        return (dom_ok or dow_ok) if dom is not None and dow is not None else (dom_ok and dow_ok)

    expected = gaps(reference_times(matches, minutes, hours))
    assert rpo.max_gap_minutes(rpo.parse_standard_cron(expression), days=DAYS) == expected, expression


NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]


@settings(max_examples=60, deadline=None)
@given(
    minute=st.integers(0, 59),
    hours=sets(0, 23, 2),
    day_field=st.sampled_from(["dom", "dow"]),
    dom=sets(1, 31, 3),
    last=st.booleans(),
    dow=sets(0, 6, 2),
    nth=st.none() | st.tuples(st.integers(0, 6), st.integers(1, 5)),
    names=st.booleans(),
)
def test_aws_cron_gap_matches_a_plain_enumeration(minute, hours, day_field, dom, last, dow, nth, names):
    """AWS cron: exactly one day field is '?'; L is the month's last day (or weekday); n#k the k-th weekday."""
    if day_field == "dom":
        field = render(dom) + (",L" if last else "")
        expression = f"cron({minute} {render(hours)} {field} * ? *)"

        def matches(day: date) -> bool:
            end = calendar.monthrange(day.year, day.month)[1]
            return day.day in dom or (last and day.day == end)

    else:
        parts = [NAMES[d] if names else str(d + 1) for d in sorted(dow)]
        if nth is not None:
            parts.append(f"{nth[0] + 1}#{nth[1]}")
        expression = f"cron({minute} {render(hours)} ? * {','.join(parts)} *)"

        def matches(day: date) -> bool:
            weekday = cron_weekday(day)
            in_nth = nth is not None and weekday == nth[0] and (day.day - 1) // 7 + 1 == nth[1]
            return weekday in dow or in_nth

    expected = gaps(reference_times(matches, {minute}, hours))
    assert rpo.max_gap_minutes(rpo.parse_aws(expression), days=DAYS) == expected, expression


@pytest.mark.parametrize(
    ("expression", "gap"),
    [
        # day-of-month vs day-of-week: robfig ORs two restricted fields...
        ("0 0 13 * 5", 7 * 1440),  # the 13th or any Friday: never more than a week apart
        ("0 0 1 * 1", 7 * 1440),
        # ...ANDs when one of them is '*' or '?' (robfig reads '?' as '*')...
        ("0 0 * * 1", 7 * 1440),
        ("0 0 ? * 1", 7 * 1440),
        ("0 0 1 * ?", 31 * 1440),
        # ...and a step over '*' restricts the field (robfig clears the star bit): the 1st, 3rd... or Mondays.
        ("0 0 */2 * 1", 2 * 1440),
        # ranges and steps
        ("*/15 * * * *", 15),
        ("10/25 * * * *", 35),  # 10 and 35, then 10 of the next hour
        ("0 9-17 * * 1-5", 24 * 60 * 3 - 8 * 60),  # Friday 17:00 -> Monday 09:00
        ("0 */6 * * *", 360),
        # month ends: the 31st skips the short months
        ("0 0 31 * *", 61 * 1440),
        ("0 0 30 * *", 60 * 1440),  # Jan 30 -> Mar 30 (no Feb 30)
        ("0 0 29 2 *", 1461 * 1440),  # leap days only
        ("@daily", 1440),
        ("@every 90m", 90),
        ("@weekly", 7 * 1440),
    ],
)
def test_standard_cron_edge_cases(expression, gap):
    assert rpo.max_gap_minutes(rpo.parse_standard_cron(expression)) == gap


@pytest.mark.parametrize(
    ("expression", "gap"),
    [
        ("cron(0 5 ? * * *)", 1440),
        ("cron(0 0/12 ? * * *)", 720),
        ("cron(0 * ? * MON-FRI *)", 2 * 1440 + 60),  # Friday 23:00 -> Monday 00:00
        ("cron(0 0 L * ? *)", 31 * 1440),  # last day of each month
        ("cron(0 0 L-2 * ? *)", 31 * 1440),
        ("cron(0 0 LW * ? *)", 33 * 1440),  # last weekday: e.g. Fri 28 Jun -> Wed 31 Jul 2024
        ("cron(0 0 15W * ? *)", 32 * 1440),  # Sat 14th (15th is a Saturday) -> Fri 15th + 32 days
        ("cron(0 0 ? * 6#3 *)", 35 * 1440),  # third Friday
        ("cron(0 0 ? * 6L *)", 35 * 1440),  # last Friday
        ("cron(0 0 1 1 ? 2025-2026)", 365 * 1440),
        ("rate(1 hour)", 60),
        ("rate(12 hours)", 720),
        ("rate(7 days)", 7 * 1440),
    ],
)
def test_aws_schedule_edge_cases(expression, gap):
    assert rpo.max_gap_minutes(rpo.parse_aws(expression)) == gap


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("cron(0 5 * * * *)", "exactly one of day-of-month and day-of-week must be '?'"),
        ("cron(0 5 ? * ? *)", "exactly one of day-of-month and day-of-week must be '?'"),
        ("cron(0 5 * * ?)", "AWS cron takes 6"),
        ("cron(61 5 ? * * *)", "minute '61' is not between 0 and 59"),
        ("cron(0 5 ? * 9 *)", "day-of-week '9' is not between 1 and 7"),
        ("cron(0 5-1 ? * * *)", "runs backwards"),
        ("cron(0 5 ? * 2#6 *)", "week of the month, 1 to 5"),
        ("rate(1 hours)", "write rate(1 hour)"),
        ("rate(0 hours)", "must be positive"),
        ("every 6h", "is not cron(...)"),
    ],
)
def test_aws_schedules_the_service_would_refuse_are_refused(expression, message):
    with pytest.raises(rpo.ScheduleError, match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")):
        rpo.parse_aws(expression)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("0 5 * *", "a schedule takes 5"),
        ("0 24 * * *", "hour '24' is not between 0 and 23"),
        ("0 0 * * 7", "day-of-week '7' is not between 0 and 6"),
        ("@fortnightly", "not a known descriptor"),
        ("TZ=Europe/Berlin 0 5 * * *", "write schedules in UTC"),
        ("*/0 * * * *", "must be a positive number"),
        ("@every 90s", "whole number of minutes"),
    ],
)
def test_standard_schedules_velero_would_refuse_are_refused(expression, message):
    with pytest.raises(rpo.ScheduleError, match=message):
        rpo.parse_standard_cron(expression)


@pytest.mark.parametrize(
    ("expression", "gap"),
    [
        ("R/2024-01-01T02:00:00+00:00/P1D", 1440),
        ("R/2024-01-01T02:00:00Z/P1W", 7 * 1440),
        ("R5/2024-01-01T02:00:00+01:00/PT4H", 240),
        ("R/2024-01-31T00:00:00+00:00/P1M", 31 * 1440),  # the longest month
        ("R/2024-01-01T00:00:00+00:00/P2M", 62 * 1440),  # Jul + Aug
    ],
)
def test_azure_repeating_intervals(expression, gap):
    assert rpo.max_gap_minutes(rpo.parse_iso_repeating(expression)) == gap


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("2024-01-01T02:00:00Z/P1D", "R/<start>/<period>"),
        ("R/2024-01-01T02:00:00/P1D", "UTC offset"),
        ("R/yesterday/P1D", "not an ISO 8601 date-time"),
        ("R/2024-01-01T02:00:00Z/P1X", "not an ISO 8601 duration"),
        ("R/2024-01-01T02:00:00Z/P1MT1H", "mixes calendar months"),
    ],
)
def test_bad_repeating_intervals_are_refused(expression, message):
    with pytest.raises(rpo.ScheduleError, match=message):
        rpo.parse_iso_repeating(expression)


def test_azure_intervals_fire_from_their_anchor_in_utc():
    schedule = rpo.parse_iso_repeating("R/2024-01-01T02:00:00+02:00/P1D")
    first = next(rpo.fire_times(schedule))
    assert first == datetime(2024, 1, 1, 0, 0, tzinfo=timezone.utc), "the offset is honoured"


@pytest.mark.parametrize(
    ("rule", "gap", "window"),
    [
        ({"recurrence_type": "HOURLY", "hourly_frequency": 6}, 360, 360),
        (
            {
                "recurrence_type": "HOURLY",
                "hourly_frequency": 4,
                "backup_window": {"start_hour_of_day": 8, "end_hour_of_day": 20},
            },
            16 * 60,
            240,
        ),  # 8, 12, 16; then 8 tomorrow
        ({"recurrence_type": "DAILY", "backup_window": {"start_hour_of_day": 3, "end_hour_of_day": 7}}, 1440, 240),
        ({"recurrence_type": "WEEKLY", "days_of_weeks": ["MONDAY", "THURSDAY"]}, 4 * 1440, 1440),
        ({"recurrence_type": "MONTHLY", "days_of_months": [31]}, 61 * 1440, 1440),
        (
            {"recurrence_type": "MONTHLY", "week_day_of_month": {"week_of_month": "LAST", "day_of_week": "FRIDAY"}},
            35 * 1440,
            1440,
        ),
        ({"recurrence_type": "YEARLY", "months": ["FEBRUARY"], "days_of_months": [29]}, 1461 * 1440, 1440),
    ],
)
def test_gcp_recurrences(rule, gap, window):
    parsed = rpo.gcp_recurrence(rule)
    assert rpo.max_gap_minutes(parsed.schedule) == gap
    assert parsed.window_minutes == window


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"recurrence_type": "HOURLY"}, "hourlyFrequency between 1 and 23"),
        ({"recurrence_type": "WEEKLY"}, "needs daysOfWeeks"),
        ({"recurrence_type": "MONTHLY"}, "daysOfMonths or weekDayOfMonth"),
        ({"recurrence_type": "DAILY", "backup_window": {"start_hour_of_day": 8, "end_hour_of_day": 8}}, "end hour"),
        ({"recurrence_type": "YEARLY", "days_of_months": [1]}, "needs months"),
        ({"recurrence_type": "SOMETIMES"}, "is not HOURLY"),
    ],
)
def test_bad_gcp_recurrences_are_refused(rule, message):
    with pytest.raises(rpo.ScheduleError, match=message):
        rpo.gcp_recurrence(rule)


# --- worst cases --------------------------------------------------------------------------------------
def test_a_daily_schedule_cannot_meet_a_one_hour_rpo():
    worst = rpo.worst_age([rpo.Source(rpo.parse_aws("cron(0 5 ? * * *)"), 180)])
    assert worst.minutes == 1440 + 180 and worst.minutes > 60
    assert "1d between runs of cron(0 5 ? * * *) + 3h backup window" in worst.detail


def test_hourly_with_a_copy_every_12h_gives_a_dr_rpo_of_12h_plus_windows_and_copy():
    """The issue's example: local restores come from the hourly rule, DR restores from the copies only."""
    window, copy = 180, 240
    hourly = rpo.Source(rpo.parse_aws("cron(0 * ? * * *)"), window)
    twelve = rpo.Source(rpo.parse_aws("cron(0 0/12 ? * * *)"), window)
    assert rpo.worst_age([hourly, twelve]).minutes == 60 + window
    assert rpo.worst_age([rpo.Source(twelve.schedule, window, copy)]).minutes == 12 * 60 + window + copy


def test_continuous_backup_bounds_the_worst_case_by_its_lag():
    daily = rpo.Source(rpo.parse_aws("cron(0 5 ? * * *)"), 180)
    assert rpo.worst_age([daily], continuous_lag=15).minutes == 15


def test_nothing_scheduled_is_never_available():
    assert rpo.worst_age([]).minutes is None
    once = rpo.Source(rpo.parse_aws("cron(0 0 1 1 ? 2024)"), 0)
    assert rpo.worst_age([once]).minutes is None, "a single run in four years does not protect anything"


schedules = st.sampled_from(
    [
        "cron(0 * ? * * *)",
        "cron(0 0/6 ? * * *)",
        "cron(0 5 ? * * *)",
        "cron(30 2 ? * MON *)",
        "cron(0 5 1 * ? *)",
        "rate(8 hours)",
    ]
)


@settings(max_examples=40, deadline=None)
@given(a=schedules, b=schedules, window=st.integers(0, 600))
def test_another_schedule_never_makes_the_worst_case_worse(a, b, window):
    first = rpo.Source(rpo.parse_aws(a), window)
    second = rpo.Source(rpo.parse_aws(b), window)
    both = rpo.worst_age([first, second]).minutes
    assert both is not None
    assert both <= rpo.worst_age([first]).minutes and both <= rpo.worst_age([second]).minutes  # type: ignore[operator]


@settings(max_examples=40, deadline=None)
@given(a=schedules, window=st.integers(0, 600), extra=st.integers(0, 600))
def test_a_longer_window_delays_the_worst_case_by_exactly_as_much(a, window, extra):
    schedule = rpo.parse_aws(a)
    base = rpo.worst_age([rpo.Source(schedule, window)]).minutes
    assert rpo.worst_age([rpo.Source(schedule, window + extra)]).minutes == base + extra  # type: ignore[operator]
    # the sweep over several sources agrees with the single-source formula
    assert rpo.worst_age([rpo.Source(schedule, window), rpo.Source(schedule, window)]).minutes == base


@settings(max_examples=50, deadline=None)
@given(target=st.integers(60, 5000), delay=st.integers(0, 600))
def test_a_suggested_schedule_meets_its_target(target, delay):
    interval = rpo.best_interval(target, delay, minimum=60)
    if interval is None:
        assert 60 + delay > target
        return
    worst = rpo.worst_age([rpo.Source(rpo.parse_aws(rpo.aws_cron_every(interval)), delay)]).minutes
    assert worst is not None and worst <= target
    velero = rpo.worst_age([rpo.Source(rpo.parse_standard_cron(rpo.standard_cron_every(interval)), delay)]).minutes
    assert velero == worst


@pytest.mark.parametrize(("text", "minutes"), [("15m", 15), ("4h", 240), ("2d", 2880), ("1w", 10080)])
def test_durations(text, minutes):
    assert rpo.duration_minutes(text) == minutes
    assert rpo.duration_minutes(rpo.format_minutes(minutes)) == minutes or minutes == 10080
