"""The network's rhythm, as the method sets it: a monthly virtual meeting every month, at
least two face-to-face meetings a year, a workshop every month. And the dates of a
repeating event. No Django import: tested directly.

A monthly event repeats on the same day of the month at the same wall-clock hour in its
own time zone (RFC 5545's `FREQ=MONTHLY`, as every calendar expands it: a month without
that day is skipped), so the instant moves when the zone changes to or from daylight time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import MONTHLY, rrule  # type: ignore[import-untyped]

MONTHLY_VIRTUAL = "monthly_virtual"
FACE_TO_FACE = "face_to_face"
WORKSHOP = "workshop"
FACE_TO_FACE_PER_YEAR = 2


def occurrences(
    start: datetime, end: datetime, zone: ZoneInfo, count: int
) -> list[tuple[datetime, datetime]]:
    """(start, end) of each of `count` monthly occurrences (one when count is 1), aware, in
    `zone`; each lasts as long as the first."""
    local = start.astimezone(zone)
    length = end - start
    if count <= 1:
        return [(local, local + length)]
    naive = local.replace(tzinfo=None)
    found = []
    for moment in rrule(MONTHLY, dtstart=naive, count=count):
        # A wall-clock hour skipped by a daylight-saving change reads as the next valid one.
        aware = moment.replace(tzinfo=zone)
        found.append((aware, aware + length))
    return found


@dataclass
class Month:
    month: int
    virtual: int = 0
    workshops: int = 0
    face_to_face: int = 0

    @property
    def missing(self) -> list[str]:
        """What this month lacks of the rhythm: a virtual meeting, a workshop."""
        return [
            kind
            for kind, count in ((MONTHLY_VIRTUAL, self.virtual), (WORKSHOP, self.workshops))
            if count == 0
        ]


@dataclass
class Year:
    year: int
    months: list[Month] = field(default_factory=list)

    @property
    def face_to_face(self) -> int:
        return sum(m.face_to_face for m in self.months)

    @property
    def face_to_face_missing(self) -> int:
        return max(FACE_TO_FACE_PER_YEAR - self.face_to_face, 0)


def year_at_a_glance(year: int, dated: Iterable[tuple[str, date]]) -> Year:
    """The year's months with what happened (or is planned) in each, from (kind, local
    date) of every occurrence, cancelled ones left out by the caller."""
    months = {m: Month(m) for m in range(1, 13)}
    for kind, on in dated:
        if on.year != year:
            continue
        month = months[on.month]
        if kind == MONTHLY_VIRTUAL:
            month.virtual += 1
        elif kind == WORKSHOP:
            month.workshops += 1
        elif kind == FACE_TO_FACE:
            month.face_to_face += 1
    return Year(year, [months[m] for m in range(1, 13)])
