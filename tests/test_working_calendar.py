"""The sandbox's working-day calendar follows the warehouse's own seed (one list), make-up Saturdays
included, and the seed covers every year of the dbt calendar. Hand-checked dates; no dbt run."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import numpy as np
import yaml

from connectors.sandbox.reference import calendar_exceptions
from connectors.sandbox.scale import EPOCH, Calendar
from connectors.sandbox.working_calendar import WorkingCalendar

DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"
SEED = DBT_PROJECT / "seeds" / "working_calendar_exceptions.csv"


def _seed_rows() -> list[dict[str, str]]:
    with SEED.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_both_sandbox_calendars_follow_every_row_of_the_seed():
    exceptions = calendar_exceptions()
    daily, vectorised = WorkingCalendar(exceptions), Calendar(exceptions)
    for row in _seed_rows():
        day = date.fromisoformat(row["exception_date"])
        expected = row["is_working_day"] == "true"
        assert daily.is_working_day(day) is expected, row
        assert bool(vectorised.is_working(np.array([(day - EPOCH).days]))[0]) is expected, row


def test_a_due_date_counts_the_make_up_saturday_and_skips_the_swapped_friday():
    calendar = WorkingCalendar(calendar_exceptions())
    # 2 Jan 2026 (Friday) was swapped for Saturday 10 Jan: after Thursday 8 Jan, the 1st working
    # day is Friday 9, the 2nd Saturday 10, the 3rd Monday 12 (as the dbt unit test computes it).
    assert not calendar.is_working_day(date(2026, 1, 2))
    assert calendar.due_after(datetime(2026, 1, 8, 9, 0), 3) == datetime(2026, 1, 12, 17, 0)
    # Tết 2027 (provisional rows): received Wednesday 3 Feb, 3 working days -> Monday 15 Feb.
    assert calendar.due_after(datetime(2027, 2, 3, 9, 0), 3) == datetime(2027, 2, 15, 17, 0)


def test_the_seed_covers_every_year_of_the_dbt_calendar():
    project = yaml.safe_load((DBT_PROJECT / "dbt_project.yml").read_text(encoding="utf-8"))
    first = int(project["vars"]["calendar_start"][:4])
    last = int(project["vars"]["calendar_end"][:4])
    rows = _seed_rows()
    tet_days = Counter(r["exception_date"][:4] for r in rows if r["exception_name_en"].startswith("Lunar New Year"))
    assert all(tet_days[str(year)] == 5 for year in range(first, last + 1)), tet_days
    # a year whose plan is not announced is marked provisional, never passed off as official
    assert all(r["confidence"] != "H" for r in rows if r["is_provisional"] == "true")
