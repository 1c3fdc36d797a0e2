"""ED-269 ``applicability``: when a zone applies, as absolute windows.

Permanent periods apply always; temporary ones between their dates; a weekly ``schedule``
(days and daily times) is expanded into absolute windows over a span the caller gives (see
``airspace.zone_formats.ed269`` for the rules).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from airspace.config import DAY_S
from airspace.model import TimeWindow
from airspace.zone_formats._common import (
    JsonObject,
    Problems,
    as_list,
    as_object,
    as_text,
    instant,
    item,
    member,
    merged,
)

WEEKDAYS = {"MON": 0, "TUE": 1, "WED": 2, "THU": 3, "FRI": 4, "SAT": 5, "SUN": 6}
_TIME = re.compile(r"(\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?(Z|[+-]\d{2}:?\d{2})?")


@dataclass(frozen=True, slots=True)
class Applicability:
    """Always, or during ``windows`` (none: never within the expanded span)."""

    always: bool
    windows: tuple[TimeWindow, ...] = ()


@dataclass(frozen=True, slots=True)
class Span:
    """Where weekly schedules are expanded: from now until the planning horizon ends."""

    now_s: float
    horizon_end_s: float


@dataclass(frozen=True, slots=True)
class _DailyPeriod:
    weekdays: frozenset[int]
    """Days of the week (Monday 0) on which the period starts, in the times' own offset."""
    start_s: float
    """Start, seconds after UTC midnight of the named day (may be negative)."""
    end_s: float
    """End, seconds after the same midnight; after start_s, possibly on the next day."""


def applicability(value: object, path: str, problems: Problems, span: Span) -> Applicability | None:
    """When a zone applies: the union of its periods (a single object is one period)."""
    if value is None:
        return Applicability(always=True)
    if isinstance(value, dict):
        periods = [_period(value, path, problems, span)]
    else:
        entries = as_list(value, path, problems)
        if entries is None:
            return None
        periods = [_period(entry, item(path, i), problems, span) for i, entry in enumerate(entries)]
    valid = [p for p in periods if p is not None]
    if len(valid) < len(periods):
        return None
    if not valid or any(p.always for p in valid):
        return Applicability(always=True)
    return Applicability(False, merged(w for p in valid for w in p.windows))


def _period(value: object, path: str, problems: Problems, span: Span) -> Applicability | None:
    period = as_object(value, path, problems)
    if period is None:
        return None
    permanent = _permanent(period, path, problems)
    start_ok, start_s = _optional_instant(period, "startDateTime", path, problems)
    end_ok, end_s = _optional_instant(period, "endDateTime", path, problems)
    daily = _daily_periods(period.get("schedule"), member(path, "schedule"), problems)
    ok = start_ok and end_ok and permanent is not None and daily is not None
    if permanent is False:
        for key, usable, moment in (
            ("startDateTime", start_ok, start_s),
            ("endDateTime", end_ok, end_s),
        ):
            if usable and moment is None:
                problems.add(member(path, key), "is missing; a temporary period needs it")
                ok = False
    if start_s is not None and end_s is not None and end_s <= start_s:
        problems.add(member(path, "endDateTime"), "must be after startDateTime")
        ok = False
    if not ok or daily is None:
        return None
    if not daily:
        if permanent or start_s is None or end_s is None:
            return Applicability(always=True)
        return Applicability(False, (TimeWindow(start_s, end_s),))
    low_s = span.now_s if start_s is None else max(span.now_s, start_s)
    high_s = span.horizon_end_s if end_s is None else min(end_s, span.horizon_end_s)
    return Applicability(False, merged(_expand(daily, low_s, high_s)))


def _permanent(period: JsonObject, path: str, problems: Problems) -> bool | None:
    value = period.get("permanent")
    if value is None:
        return period.get("startDateTime") is None and period.get("endDateTime") is None
    text = as_text(value, member(path, "permanent"), problems)
    if text is None:
        return None
    if text.strip().upper() not in ("YES", "NO"):
        problems.add(member(path, "permanent"), f"must be YES or NO, not {text!r}")
        return None
    return text.strip().upper() == "YES"


def _optional_instant(
    period: JsonObject, key: str, path: str, problems: Problems
) -> tuple[bool, float | None]:
    """(whether it is usable, the instant or None when absent)."""
    if period.get(key) is None:
        return True, None
    moment = instant(period[key], member(path, key), problems)
    return moment is not None, moment


def _daily_periods(value: object, path: str, problems: Problems) -> tuple[_DailyPeriod, ...] | None:
    if value is None:
        return ()
    entries = as_list(value, path, problems)
    if entries is None:
        return None
    periods = [_daily_period(entry, item(path, i), problems) for i, entry in enumerate(entries)]
    valid = tuple(p for p in periods if p is not None)
    return valid if len(valid) == len(periods) else None


def _daily_period(value: object, path: str, problems: Problems) -> _DailyPeriod | None:
    entry = as_object(value, path, problems)
    if entry is None:
        return None
    weekdays = _weekdays(entry.get("day"), member(path, "day"), problems)
    start_s = _time_of_day(entry.get("startTime"), member(path, "startTime"), problems, end=False)
    end_s = _time_of_day(entry.get("endTime"), member(path, "endTime"), problems, end=True)
    if weekdays is None or start_s is None or end_s is None:
        return None
    if end_s == start_s:
        problems.add(member(path, "endTime"), "equals startTime; use 00:00 to 24:00 for a day")
        return None
    if end_s < start_s:
        end_s += DAY_S  # runs past midnight
    return _DailyPeriod(weekdays, start_s, end_s)


def _weekdays(value: object, path: str, problems: Problems) -> frozenset[int] | None:
    if value is None:
        problems.add(path, "is missing; list days such as MON or ANY")
        return None
    names = as_list(value, path, problems)
    if names is None:
        return None
    if not names:
        problems.add(path, "is empty; list days such as MON or ANY")
        return None
    days: set[int] = set()
    ok = True
    for index, name in enumerate(names):
        text = as_text(name, item(path, index), problems)
        key = "" if text is None else text.strip().upper()
        if key == "ANY":
            days.update(range(7))
        elif key in WEEKDAYS:
            days.add(WEEKDAYS[key])
        else:
            if text is not None:
                problems.add(item(path, index), f"unknown day {text!r}; use MON … SUN or ANY")
            ok = False
    return frozenset(days) if ok else None


def _time_of_day(value: object, path: str, problems: Problems, *, end: bool) -> float | None:
    """Seconds after UTC midnight of an ``HH:MM[:SS][offset]`` time (``24:00`` only as an end)."""
    if value is None:
        problems.add(path, "is missing; give a time such as 08:00")
        return None
    text = as_text(value, path, problems)
    if text is None:
        return None
    match = _TIME.fullmatch(text.strip())
    if match is None:
        problems.add(path, f"{text!r} is not a time such as 08:00, 08:00:00 or 08:00:00Z")
        return None
    hours, minutes = int(match[1]), int(match[2])
    seconds = float(match[3] or 0)
    local_s = hours * 3600 + minutes * 60 + seconds
    end_of_day = end and local_s == DAY_S
    if not end_of_day and (hours > 23 or minutes > 59 or seconds >= 60):
        problems.add(path, f"{text!r} is not a valid time of day")
        return None
    return local_s - _offset_s(match[4])


def _offset_s(text: str | None) -> float:
    if text is None or text == "Z":
        return 0.0
    digits = text[1:].replace(":", "")
    magnitude = int(digits[:2]) * 3600 + int(digits[2:]) * 60
    return float(magnitude if text[0] == "+" else -magnitude)


def _expand(periods: tuple[_DailyPeriod, ...], low_s: float, high_s: float) -> list[TimeWindow]:
    """The absolute windows of weekly ``periods`` inside [low_s, high_s]."""
    if not (math.isfinite(low_s) and math.isfinite(high_s)) or high_s <= low_s:
        return []
    # Offsets and overnight periods move a window up to two days from its named day.
    day = datetime.fromtimestamp(low_s, UTC).date() - timedelta(days=2)
    last = datetime.fromtimestamp(high_s, UTC).date() + timedelta(days=1)
    windows: list[TimeWindow] = []
    while day <= last:
        midnight_s = datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()
        for period in periods:
            if day.weekday() not in period.weekdays:
                continue
            start_s = max(low_s, midnight_s + period.start_s)
            end_s = min(high_s, midnight_s + period.end_s)
            if start_s < end_s:
                windows.append(TimeWindow(start_s, end_s))
        day += timedelta(days=1)
    return windows
