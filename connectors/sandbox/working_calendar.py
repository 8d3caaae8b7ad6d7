"""Working time as the 766 rule counts it: 07:00-11:30 and 13:30-17:00, Monday to Friday, except the
days off of the seed working_calendar_exceptions, plus the Saturdays it lists as worked (làm bù).

The warehouse computes the same calendar in dbt (`int_working_days`) from the same seed
(reference.calendar_exceptions()); this copy only lets the sandbox give its dossiers realistic due
dates.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from connectors.sandbox.reference import CalendarExceptions

DAY_END = time(17, 0)


class WorkingCalendar:
    def __init__(self, exceptions: CalendarExceptions):
        self._days_off = exceptions.days_off
        self._working_days = exceptions.working_days

    def is_working_day(self, day: date) -> bool:
        if day in self._working_days:
            return True
        return day.weekday() < 5 and day not in self._days_off

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def due_after(self, received: datetime, working_days: int) -> datetime:
        """17:00 of the N-th working day after the day of reception (that day itself not counted)."""
        day = received.date()
        for _ in range(max(working_days, 1)):
            day = self.next_working_day(day)
        return datetime.combine(day, DAY_END)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how far an applicant's supplement time moves a due date."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def shift(self, moment: datetime, working_days: int) -> datetime:
        day = moment.date()
        for _ in range(working_days):
            day = self.next_working_day(day)
        return datetime.combine(day, moment.time())

    def working_moment_between(self, rng, start: datetime, end: datetime) -> datetime:
        """A random moment inside office hours between start and end (clamped to them)."""
        days = [start.date() + timedelta(days=i) for i in range((end.date() - start.date()).days + 1)]
        days = [d for d in days if self.is_working_day(d)] or [start.date()]
        moment = datetime.combine(rng.choice(days), time(7, 30)) + timedelta(minutes=rng.randrange(0, 555))
        return min(max(moment, start), end)

    def opening_after(self, moment: datetime) -> datetime:
        """The first working moment at or after `moment` (when a counter would receive an online dossier)."""
        day = moment.date()
        if self.is_working_day(day) and moment.time() < time(7, 0):
            return datetime.combine(day, time(7, 30))
        if self.is_working_day(day) and moment.time() < DAY_END:
            return moment
        return datetime.combine(self.next_working_day(day), time(7, 30))
