"""When volunteers usually answer, so the bot can say honestly when they are back."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_span(text: str) -> tuple[dt.time, dt.time] | None:
    """'09:00-17:00' -> (09:00, 17:00); None if it is not such a span."""
    m = SPAN.match(text)
    if not m:
        return None
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2, m2) <= (h1, m1) or (h2 == 24 and m2):
        return None
    end = dt.time(23, 59, 59) if h2 == 24 else dt.time(h2, m2)
    return dt.time(h1, m1), end


@dataclass(frozen=True)
class VolunteerHours:
    """Opening spans per weekday (0 = Monday). No spans at all means 'always'."""

    timezone: str = "Europe/Amsterdam"
    spans: dict[int, tuple[tuple[dt.time, dt.time], ...]] = field(default_factory=dict)

    @property
    def always(self) -> bool:
        return not any(self.spans.values())

    def is_open(self, now: dt.datetime) -> bool:
        if self.always:
            return True
        local = now.astimezone(ZoneInfo(self.timezone))
        t = local.time()
        return any(a <= t < b for a, b in self.spans.get(local.weekday(), ()))

    def next_open(self, now: dt.datetime) -> dt.datetime | None:
        """When volunteers are next expected, in local time; None when open now or always."""
        if self.is_open(now):
            return None
        local = now.astimezone(ZoneInfo(self.timezone))
        for days_ahead in range(8):
            day = local.date() + dt.timedelta(days=days_ahead)
            for start, _ in sorted(self.spans.get(day.weekday(), ())):
                at = dt.datetime.combine(day, start, tzinfo=local.tzinfo)
                if at > local:
                    return at
        return None
