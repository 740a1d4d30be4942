"""Your working week: which days you work and when your day starts and ends.

Every default time calm proposes (the next check-in, the next try after a missed call, a
progress update) lands inside it. The week comes from your settings (`calm config`); Monday to
Friday, 09:00 to 17:00 is the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from calmcli.clock.now import attach

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Workweek:
    days: frozenset[int] = frozenset(range(5))
    """Working weekdays, Monday = 0."""
    start: time = time(9, 0)
    end: time = time(17, 0)

    def __post_init__(self) -> None:
        if not self.days:
            raise ValueError("a working week needs at least one working day")
        if self.start >= self.end:
            raise ValueError("the working day must start before it ends")

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.days

    def add_days(self, start: date, n: int) -> date:
        """`n` working days strictly after `start` (n = 0: `start` itself)."""
        day = start
        while n > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def morning(self, day: date, now: datetime) -> datetime:
        """The start of the working day on `day`, in `now`'s zone."""
        return attach(datetime.combine(day, self.start), now.tzinfo)

    def followup(self, now: datetime, working_days: int) -> datetime:
        """`working_days` working days after today, at the start of the day."""
        return self.morning(self.add_days(now.date(), working_days), now)

    def next_morning_after(self, when: datetime) -> datetime:
        """The start of the first working day after `when`'s day."""
        return self.morning(self.add_days(when.date(), 1), when)

    def soon(self, now: datetime, hours: int = 3) -> datetime:
        """A few hours from now if that is still inside today's working day, else the start of
        the next working day: a second try at a call that matters."""
        later = (now + timedelta(hours=hours)).replace(second=0, microsecond=0)
        if (
            self.is_working_day(now.date())
            and later.date() == now.date()
            and later.time() <= self.end
        ):
            return later
        return self.next_morning_after(now)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`."""
        n, day = 0, start
        while day < end:
            day += timedelta(days=1)
            n += self.is_working_day(day)
        return n

    def describe(self) -> str:
        days = ", ".join(DAY_NAMES[d] for d in sorted(self.days))
        return f"{days}, {self.start:%H:%M}-{self.end:%H:%M}"
