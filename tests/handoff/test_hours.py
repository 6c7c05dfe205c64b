"""Volunteers' hours: what editors write in config.yaml, and what families are told."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.content import load_content
from bot.handoff.hours import VolunteerHours, parse_span
from bot.yaml_lines import ContentError

AMS = ZoneInfo("Europe/Amsterdam")
WEEKDAYS = VolunteerHours("Europe/Amsterdam", {d: ((dt.time(9), dt.time(17)),) for d in range(5)})


def test_spans_parse_and_bad_ones_do_not():
    assert parse_span("09:00-17:30") == (dt.time(9), dt.time(17, 30))
    for bad in ("9-17", "17:00-09:00", "25:00-26:00", "09:00"):
        assert parse_span(bad) is None


def test_next_open_is_the_next_start_in_local_time():
    friday_evening = dt.datetime(2026, 11, 27, 18, 0, tzinfo=AMS)
    assert WEEKDAYS.next_open(friday_evening) == dt.datetime(2026, 11, 30, 9, 0, tzinfo=AMS)
    tuesday_early = dt.datetime(2026, 11, 24, 7, 30, tzinfo=AMS)
    assert WEEKDAYS.next_open(tuesday_early) == dt.datetime(2026, 11, 24, 9, 0, tzinfo=AMS)
    assert WEEKDAYS.next_open(dt.datetime(2026, 11, 24, 10, 0, tzinfo=AMS)) is None
    assert VolunteerHours().next_open(friday_evening) is None  # no hours: any time


def test_a_wrong_hours_line_is_named_by_check(content_copy):
    config = content_copy / "config.yaml"
    config.write_text(config.read_text().replace('mon: "09:00-17:00"', 'mon: "9 to 5"'))
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert any("hours for mon" in p.message and p.line > 0 for p in err.value.problems)
