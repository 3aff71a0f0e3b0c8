"""The rhythm and a repeating event's dates, directly."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from minga.communication.rhythm import occurrences, year_at_a_glance

SANTIAGO = ZoneInfo("America/Santiago")  # daylight time from September to April


def test_a_monthly_meeting_keeps_its_wall_clock_hour_across_daylight_saving():
    start = datetime(2026, 1, 6, 18, 0, tzinfo=SANTIAGO)
    dates = occurrences(start, start + timedelta(hours=1), SANTIAGO, 12)
    assert len(dates) == 12
    assert {s.astimezone(SANTIAGO).hour for s, _e in dates} == {18}
    offsets = {s.utcoffset() for s, _e in dates}
    assert offsets == {timedelta(hours=-3), timedelta(hours=-4)}  # the instant moves
    assert all(e - s == timedelta(hours=1) for s, e in dates)


def test_a_meeting_on_the_31st_skips_the_months_without_one_as_calendars_do():
    start = datetime(2027, 1, 31, 9, tzinfo=SANTIAGO)
    months = [s.month for s, _e in occurrences(start, start + timedelta(hours=1), SANTIAGO, 4)]
    assert months == [1, 3, 5, 7]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["monthly_virtual", "workshop", "face_to_face", "reflection"]),
            st.dates(date(2026, 1, 1), date(2026, 12, 31)),
        ),
        max_size=40,
    )
)
def test_the_year_flags_exactly_the_months_without_a_meeting_or_a_workshop(dated):
    year = year_at_a_glance(2026, dated)
    for month in year.months:
        kinds = {k for k, on in dated if on.month == month.month}
        assert ("monthly_virtual" in month.missing) == ("monthly_virtual" not in kinds)
        assert ("workshop" in month.missing) == ("workshop" not in kinds)
    face = sum(1 for k, _on in dated if k == "face_to_face")
    assert year.face_to_face == face
    assert year.face_to_face_missing == max(2 - face, 0)


def test_other_years_do_not_count():
    year = year_at_a_glance(2026, [("face_to_face", date(2025, 12, 31))])
    assert year.face_to_face == 0 and year.face_to_face_missing == 2
