"""The one-stop-shop at full provincial scale, vectorised: millions of dossiers a minute, deterministic.

The embedded sandbox (one_stop_shop_data.py) tells each dossier's life in Python, about 30,000 a
year; the benchmark (bench/) needs millions (issue 8: 2 million a year for 5 years). This module
draws the same kind of dossiers with numpy, a month of receptions at a time, from the same
reference lists (the dbt seeds, via reference.py), the same officials (officials.agency_profiles),
the same applicants' units (applicants.ApplicantUnits) and the same yearly drifts
(one_stop_shop_data's ONLINE_SHARE etc.); only the per-dossier arithmetic is written again, in
arrays. It renders them as the system showed them at any moment, in two forms:

- the landed tables, exactly as connectors/one_stop_shop.flatten lands them (same datasets, columns
  and types, personal fields pseudonymised with the sandbox key), written straight into a landing
  zone in parts of `part_rows` dossiers, with the batch columns connectors/ingest.py adds;
- NDJSON export lines in the DVCQG payload format (connectors/one_stop_shop.read_export reads them),
  so the API benchmark can serve them.

Determinism: a month of receptions is drawn from its own random stream (seed, year, month), so
any range of months, and any moment at which they are shown, gives the same dossiers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from connectors.one_stop_shop import CHILD_LISTS, DOSSIER_FIELDS
from connectors.pseudonymise import SANDBOX_KEY, Pseudonymiser
from connectors.sandbox import reference
from connectors.sandbox.applicants import (
    CITIZEN,
    HOME_DISTRICT_SHARE,
    UNKNOWN_UNIT_CODE,
    VERIFIED_SHARE,
    ApplicantUnits,
)
from connectors.sandbox.officials import FAMILY, GIVEN, MIDDLE, NAME_ONLY_SHARE, agency_profiles
from connectors.sandbox.one_stop_shop_data import (
    DIGITISED_SHARE,
    E_RESULT_SHARE,
    MONTH_FACTOR,
    ONLINE_PAYMENT_SHARE,
    ONLINE_SHARE,
    REFORM_DAY,
    UNDATED_STEPS_SHARE,
    VNEID_SHARE,
    daily_volume,
)

EPOCH = date(1970, 1, 1)
DAY = 86_400
HOUR = 3_600
MINUTE = 60
OPENS, CLOSES = 7 * HOUR, 17 * HOUR  # office hours, as working_calendar.py counts them
PROGRAM_START = date(2022, 1, 1)  # the seeds' agencies are "valid from" the program's start
DOCUMENT_NAMES = ("Đơn đề nghị", "Bản sao CCCD", "Giấy tờ chứng minh", "Bản vẽ")
E_RESULT_URL = "https://dichvucong.khanhhoa.gov.vn/ketqua/"
ENTERPRISE_FIELDS = ("G02", "G03", "G13", "G17")
CITIZEN_POOL, ENTERPRISE_POOL = 200_000, 20_000  # distinct applicants (people file more than once)


@dataclass(frozen=True)
class ScaleConfig:
    """What to generate: `dossiers_per_year` on average over 2022-2026 (with the sandbox's drift:
    +5% a year, busier months, communes busier after the 2025 reorganisation)."""

    dossiers_per_year: int = 2_000_000
    seed: int = 20220101
    defect_rate: float = 0.0  # share of dossiers missing NgayHenTra / with a lower-case agency code
    # the key landed personal fields are hashed with (the connector's PAR_PSEUDONYMISATION_KEY)
    pseudonymisation_key: str = field(default=SANDBOX_KEY, repr=False)

    def key(self) -> str:
        import hashlib

        pk = hashlib.blake2b(self.pseudonymisation_key.encode(), digest_size=2).hexdigest()
        return f"dpy{self.dossiers_per_year}-seed{self.seed}-defects{self.defect_rate:g}-key{pk}"


def months(start: date, end: date) -> list[tuple[int, int]]:
    out, (y, m) = [], (start.year, start.month)
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def seconds(moment: datetime) -> int:
    """A naive local moment as seconds since 1970-01-01 00:00 (the arrays' time unit)."""
    return int((moment - datetime(1970, 1, 1)).total_seconds())


class Calendar:
    """working_calendar.WorkingCalendar over arrays of day numbers (days since 1970-01-01)."""

    def __init__(
        self, exceptions: reference.CalendarExceptions, first: date = date(2020, 1, 1), last: date = date(2030, 12, 31)
    ):
        self.first = (first - EPOCH).days
        days = np.arange(self.first, (last - EPOCH).days + 1)
        weekday = (days + 3) % 7  # 1970-01-01 was a Thursday (weekday 3)
        days_off = np.array(sorted((h - EPOCH).days for h in exceptions.days_off), dtype=np.int64)
        worked = np.array(sorted((h - EPOCH).days for h in exceptions.working_days), dtype=np.int64)
        self.working = ((weekday < 5) & ~np.isin(days, days_off)) | np.isin(days, worked)
        self.index = np.cumsum(self.working)  # working days up to and including the day
        self.day_of_index = days[self.working]  # the working day whose index is i+1 at [i]

    def is_working(self, day: np.ndarray) -> np.ndarray:
        return self.working[day - self.first]

    def after(self, day: np.ndarray, n: np.ndarray) -> np.ndarray:
        """The n-th working day after `day` (day itself not counted), n >= 1."""
        return self.day_of_index[self.index[day - self.first] + n - 1]

    def due_after(self, received: np.ndarray, working_days: np.ndarray) -> np.ndarray:
        return self.after(received // DAY, np.maximum(working_days, 1)) * DAY + CLOSES

    def shift(self, moment: np.ndarray, working_days: np.ndarray) -> np.ndarray:
        moved = self.after(moment // DAY, np.maximum(working_days, 1)) * DAY + moment % DAY
        return np.where(working_days > 0, moved, moment)

    def between(self, start_day: np.ndarray, end_day: np.ndarray) -> np.ndarray:
        """Working days in (start, end]."""
        return np.maximum(self.index[end_day - self.first] - self.index[start_day - self.first], 0)


def office_moment(rng: np.random.Generator, day: np.ndarray) -> np.ndarray:
    """A moment within office hours (07:30 .. 16:45) of each day."""
    return day * DAY + 7 * HOUR + 30 * MINUTE + rng.integers(0, 555, day.size) * MINUTE


def in_office_hours(rng: np.random.Generator, moment: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """`moment` moved into office hours of its day when it falls at night, kept within [lo, hi]."""
    clock = moment % DAY
    night = (clock < OPENS + 30 * MINUTE) | (clock > CLOSES - 15 * MINUTE)
    moved = np.where(night, office_moment(rng, moment // DAY), moment)
    return np.minimum(np.maximum(moved, lo), hi)


class Province:
    """What every month shares: agencies, procedures, officials, applicants, calendar, volumes."""

    def __init__(self, config: ScaleConfig):
        self.config = config
        self.calendar = Calendar(reference.calendar_exceptions())
        self.agencies = reference.agencies()
        self.procedures = reference.procedures()
        self.profiles = agency_profiles(config.seed)
        self.units = ApplicantUnits()
        pseudonymise = Pseudonymiser(config.pseudonymisation_key)
        # officials, flattened: per agency its clerks, specialists and leader as index ranges
        names, accounts, titles, late = [], [], [], []
        self.clerks, self.specialists, self.leader = [], [], []
        for profile in self.profiles:
            for group, target in ((profile.clerks, self.clerks), (profile.specialists, self.specialists)):
                target.append((len(names), len(group)))
                for o in group:
                    names.append(o.name), accounts.append(o.account), titles.append(o.title), late.append(o.late_rate)
            self.leader.append(len(names))
            o = profile.leaders[0]
            names.append(o.name), accounts.append(o.account), titles.append(o.title), late.append(o.late_rate)
        self.official_names = np.array(names, dtype=object)
        self.official_keys = np.array([pseudonymise(n) for n in names], dtype=object)
        self.official_accounts = np.array(accounts, dtype=object)
        self.official_account_keys = np.array([pseudonymise(a) for a in accounts], dtype=object)
        self.official_titles = np.array(titles, dtype=object)
        self.official_late_rate = np.array(late)
        self.dissatisfied = np.array([p.dissatisfied_rate for p in self.profiles])
        # applicants: a fixed pool of people and firms, pseudonymised once
        rng = np.random.default_rng(np.random.SeedSequence([config.seed, 7]))
        people = [
            f"{FAMILY[a]} {MIDDLE[b]} {GIVEN[c]}"
            for a, b, c in zip(
                rng.integers(0, len(FAMILY), CITIZEN_POOL),
                rng.integers(0, len(MIDDLE), CITIZEN_POOL),
                rng.integers(0, len(GIVEN), CITIZEN_POOL),
            )
        ]
        firms = [
            f"Công ty TNHH {GIVEN[a]} {GIVEN[b]}"
            for a, b in zip(rng.integers(0, len(GIVEN), ENTERPRISE_POOL), rng.integers(0, len(GIVEN), ENTERPRISE_POOL))
        ]
        person_ids = [f"0{n}" for n in rng.integers(10**10, 10**11, CITIZEN_POOL)]
        firm_ids = [f"42{n}" for n in rng.integers(10**7, 10**8, ENTERPRISE_POOL)]
        self.applicant_names = np.array(people + firms, dtype=object)
        self.applicant_ids = np.array(person_ids + firm_ids, dtype=object)
        name_keys = {n: pseudonymise(n) for n in set(people + firms)}
        self.applicant_name_keys = np.array([name_keys[n] for n in people + firms], dtype=object)
        self.applicant_id_keys = np.array([pseudonymise(i) for i in person_ids + firm_ids], dtype=object)
        # procedures by level, as arrays
        self.procedure_code = np.array([p.code for p in self.procedures], dtype=object)
        self.procedure_days = np.array([p.statutory_days for p in self.procedures])
        self.procedure_fee = np.array([p.fee_vnd for p in self.procedures])
        self.procedure_online = np.array([p.full_online_eligible for p in self.procedures])
        self.procedure_result = np.array([p.has_result_document for p in self.procedures])
        self.procedure_enterprise = np.array([p.field_code in ENTERPRISE_FIELDS for p in self.procedures])
        self.by_level = {
            level: np.array([i for i, p in enumerate(self.procedures) if p.level == level])
            for level in ("province", "district", "commune")
        }
        self.agency_level = np.array([a.level for a in self.agencies], dtype=object)
        # the hand-over of an agency that ends: (agency, its successor, the first moment of the successor)
        index = {a.code: i for i, a in enumerate(self.agencies)}
        self.handovers = [
            (i, index[a.successor_code], seconds(datetime.combine(a.valid_to + timedelta(days=1), time())))
            for i, a in enumerate(self.agencies)
            if a.valid_to and a.successor_code in index
        ]
        self.scale = config.dossiers_per_year / self._mean_yearly_volume()

    def agency_weights(self, day: date) -> np.ndarray:
        """Expected dossiers received on `day` per agency, before scaling (0 on days off)."""
        if not self.calendar.is_working(np.array([(day - EPOCH).days]))[0]:
            return np.zeros(len(self.agencies))
        growth = 1.0 + 0.05 * (day.year - 2022)
        weights = np.zeros(len(self.agencies))
        active = [
            i
            for i, agency in enumerate(self.agencies)
            if not (agency.valid_from > max(day, PROGRAM_START) or (agency.valid_to and day > agency.valid_to))
        ]
        communes = sum(1 for i in active if self.agencies[i].level == "commune")
        for i in active:
            weights[i] = daily_volume(self.agencies[i], day, communes) * MONTH_FACTOR[day.month] * growth
        return weights

    def _mean_yearly_volume(self) -> float:
        total, day = 0.0, date(2022, 1, 1)
        while day <= date(2026, 12, 31):
            total += self.agency_weights(day).sum()
            day += timedelta(days=1)
        return total / 5

    def month(self, year: int, month: int) -> Month:
        return Month(self, year, month)


def _strings(values: np.ndarray) -> pa.Array:
    return pa.array(values, pa.string())


def _times(moments: np.ndarray, present: np.ndarray | None = None) -> pa.Array:
    """`yyyyMMddHHmmss` text of each moment (null where not present)."""
    mask = None if present is None else ~present
    stamps = pa.array(moments.astype("datetime64[s]"), pa.timestamp("s"), mask=mask)
    return pc.strftime(stamps, format="%Y%m%d%H%M%S")


def _few_times(moments: np.ndarray) -> pa.Array:
    """_times of moments that repeat a lot (deadlines: a day's end, a due date's 17:00; -1 for none),
    each distinct moment formatted once."""
    distinct, inverse = np.unique(moments, return_inverse=True)
    return _times(np.maximum(distinct, 0), distinct >= 0).take(pa.array(inverse.ravel()))


def _ints(values: np.ndarray, dtype: pa.DataType, present: np.ndarray | None = None) -> pa.Array:
    return pa.array(values, dtype, mask=None if present is None else ~present)


class Month:
    """Every dossier received in one calendar month: its whole life as arrays (times in seconds)."""

    def __init__(self, province: Province, year: int, month: int):
        self.province, self.year, self.month = province, year, month
        p, cal, cfg = province, province.calendar, province.config
        rng = self.rng = np.random.default_rng(np.random.SeedSequence([cfg.seed, year, month]))
        first = date(year, month, 1)
        days = [first + timedelta(days=i) for i in range(31) if (first + timedelta(days=i)).month == month]
        expected = np.array([p.agency_weights(d) for d in days]) * p.scale  # day x agency
        counts = rng.poisson(expected)
        cells = np.flatnonzero(counts.ravel())
        per_cell = counts.ravel()[cells]
        n = self.n = int(per_cell.sum())
        day_of = np.array([(d - EPOCH).days for d in days])[np.repeat(cells // len(p.agencies), per_cell)]
        agency = self.agency = np.repeat(cells % len(p.agencies), per_cell)
        u = lambda: rng.random(n)  # noqa: E731 - one uniform per dossier

        # procedure: the agency's level (a commune takes district procedures 30% of the time after the reform)
        level = p.agency_level[agency].copy()
        level[(level == "commune") & (day_of >= (REFORM_DAY - EPOCH).days) & (u() < 0.3)] = "district"
        procedure = np.zeros(n, dtype=np.int64)
        for name, pool in p.by_level.items():
            rows = np.flatnonzero(level == name)
            procedure[rows] = pool[rng.integers(0, pool.size, rows.size)]
        self.procedure = procedure
        # channel: 2 online, 3 public post, 1 in person, -1 unrecorded (counts as in person)
        online_share = ONLINE_SHARE.get(year, 0.63) * np.where(p.procedure_online[procedure], 1.0, 0.4)
        roll = u()
        channel = np.where(roll < online_share, 2, np.where(roll < online_share + 0.03, 3, 1))
        channel[(channel == 1) & (u() < 0.01)] = -1
        self.channel = channel
        online = channel == 2
        # reception (a working day, office hours) and submission
        received = office_moment(rng, day_of)
        order = np.lexsort((received, agency))  # the dossiers of an agency, in reception order
        for name in ("agency", "procedure", "channel"):
            setattr(self, name, getattr(self, name)[order])
        agency, procedure, channel, online = self.agency, self.procedure, self.channel, self.channel == 2
        received, day_of = received[order], day_of[order]
        self.received = received
        overnight = online & (u() < 0.3)  # sent after hours: received when the office opens
        since_close = received - (cal.day_of_index[cal.index[day_of - cal.first] - 2] * DAY + CLOSES)
        delay = np.where(
            overnight,
            (u() * np.maximum(since_close, HOUR)).astype(np.int64),
            np.where(online, rng.integers(20, 600, n) * MINUTE, rng.integers(1, 15, n) * MINUTE),
        )
        self.submitted = received - delay
        # the code: <agency>-<YYMMDD of reception>-<NNNN sequence within the agency's day>
        group_start = np.r_[0, np.flatnonzero((np.diff(agency) != 0) | (np.diff(day_of) != 0)) + 1]
        sequence = np.arange(n) - np.repeat(group_start, np.diff(np.r_[group_start, n])) + 1
        agency_codes = np.array([a.code for a in p.agencies], dtype=object)
        self.defect_missing_due = u() < cfg.defect_rate
        self.defect_agency_case = u() < cfg.defect_rate
        stamp = pc.strftime(pa.array(received.astype("datetime64[s]"), pa.timestamp("s")), format="%y%m%d")
        self.code = pc.binary_join_element_wise(
            _strings(agency_codes[agency]), stamp, pc.utf8_lpad(pc.cast(pa.array(sequence), pa.string()), 4, "0"), "-"
        )
        # applicant
        enterprise = p.procedure_enterprise[procedure] & (u() < 0.85)
        roll = u()
        applicant_type = np.where(enterprise, 2, np.where(roll < 0.95, 1, np.where(roll < 0.98, 3, 4)))
        self.applicant_type = applicant_type
        self.applicant = np.where(
            applicant_type == 2, CITIZEN_POOL + rng.integers(0, ENTERPRISE_POOL, n), rng.integers(0, CITIZEN_POOL, n)
        )
        self._applicant_units(day_of, u)
        # officials handling it
        clerk_start, clerk_n = np.array(p.clerks).T
        spec_start, spec_n = np.array(p.specialists).T
        self.clerk = clerk_start[agency] + (u() * clerk_n[agency]).astype(np.int64)
        self.specialist = spec_start[agency] + (u() * spec_n[agency]).astype(np.int64)
        self.leader = np.array(p.leader)[agency]
        # the path: not accepted at the counter (2%), else processing
        self.refused = u() < 0.02
        accepted = ~self.refused
        self.due = cal.due_after(received, p.procedure_days[procedure])
        self.started = received + rng.integers(30, 240, n) * MINUTE
        self.digitised = u() < DIGITISED_SHARE.get(year, 0.74)
        self.vneid = online & (u() < VNEID_SHARE.get(year, 0.9))
        paid = (p.procedure_fee[procedure] > 0) & online & (u() < ONLINE_PAYMENT_SHARE.get(year, 0.8))
        self.paid_online = np.where(paid, np.where(u() < 0.7, 1, 2), 0)
        self.documents = rng.choice(np.array([1, 1, 2, 3]), n)
        self.synced = np.where(accepted & (u() < 0.96), received + rng.integers(5, 2880, n) * MINUTE, -1)
        self._supplements(accepted, u)
        self._outcome(accepted, u)
        self._feedback(accepted, u)
        self._hand_over()
        self.document_rolls = rng.random((n, 3, 3))  # per document: digitised, reused, from the data store

    def _applicant_units(self, day_of: np.ndarray, u) -> None:
        p, n = self.province, self.n
        units = np.empty(n, dtype=object)
        changes = np.array([(c - EPOCH).days for c in p.units.changes])
        bucket = np.searchsorted(changes, day_of, side="right")
        home_roll, pick = u(), u()
        for a in np.unique(self.agency):
            rows_a = np.flatnonzero(self.agency == a)
            for b in np.unique(bucket[rows_a]):
                rows = rows_a[bucket[rows_a] == b]
                day = EPOCH + timedelta(days=int(day_of[rows[0]]))
                home, everywhere = p.units.choices(p.agencies[a].district_name_vi, day, p.agencies[a].unit_code)
                home_a, every_a = np.array(home, dtype=object), np.array(everywhere, dtype=object)
                at_home = (home_roll[rows] < HOME_DISTRICT_SHARE) if home else np.zeros(rows.size, bool)
                chosen = np.where(
                    at_home,
                    home_a[(pick[rows] * max(len(home), 1)).astype(np.int64) % max(len(home), 1)] if home else None,
                    every_a[(pick[rows] * len(everywhere)).astype(np.int64)] if everywhere else None,
                )
                units[rows] = chosen
        units[u() < self.province.config.defect_rate] = UNKNOWN_UNIT_CODE
        self.applicant_unit = units
        share = VERIFIED_SHARE.get(self.year, max(VERIFIED_SHARE.values()))
        self.verified = np.where(self.applicant_type == CITIZEN, (u() < share).astype(np.int64), -1)

    def _supplements(self, accepted: np.ndarray, u) -> None:
        """Up to two rounds; the applicant's time moves the due date (working days between)."""
        cal, n, rng = self.province.calendar, self.n, self.rng
        roll_two, roll_one = u(), u()
        rounds = np.where(accepted & (roll_two < 0.005), 2, np.where(accepted & (roll_one < 0.08), 1, 0))
        due, cursor = self.due.copy(), self.started.copy()
        self.sup_requested, self.sup_supplied, self.sup_previous_due, self.sup_new_due, self.sup_written = (
            [],
            [],
            [],
            [],
            [],
        )
        waiting = np.zeros(n, bool)
        for r in (1, 2):
            has = (rounds >= r) & ~waiting
            span = np.maximum(due - cursor, HOUR)
            requested = cursor + (rng.uniform(0.1, 0.5, n) * span).astype(np.int64)
            never = u() < 0.08
            supplied = requested + rng.integers(1, 12, n) * DAY + rng.integers(0, 8, n) * HOUR
            new_due = cal.shift(due, cal.between(requested // DAY, supplied // DAY))
            self.sup_requested.append(np.where(has, requested, -1))
            self.sup_supplied.append(np.where(has & ~never, supplied, -1))
            self.sup_previous_due.append(np.where(has, due, -1))
            self.sup_new_due.append(np.where(has & ~never, new_due, -1))
            self.sup_written.append(np.where(u() < 0.95, 1, 0))
            waiting |= has & never
            moved = has & ~never
            due, cursor = np.where(moved, new_due, due), np.where(moved, supplied, cursor)
        self.waiting_forever = waiting  # its only open request was never answered: no outcome
        self.final_due, self.cursor = due, cursor
        self.rounds = (self.sup_requested[0] >= 0).astype(np.int64) + (self.sup_requested[1] >= 0)

    def _outcome(self, accepted: np.ndarray, u) -> None:
        """Withdrawn (1.5%), stopped (0.5%) or processed, on time or late (the specialist's rate)."""
        p, cal, n, rng = self.province, self.province.calendar, self.n, self.rng
        due, cursor = self.final_due, self.cursor
        going = accepted & ~self.waiting_forever
        roll = u()
        self.outcome = np.where(~going, 0, np.where(roll < 0.015, 7, np.where(roll < 0.02, 8, 9)))
        span = np.maximum(due - cursor, HOUR)
        self.stopped_at = cursor + (rng.uniform(0.1, 0.9, n) * span).astype(np.int64)
        late = (u() < p.official_late_rate[self.specialist]) | ((self.rounds > 1) & (u() < 0.5))
        self.late = late & (self.outcome == 9)
        late_by = cal.shift(due, rng.integers(1, 9, n))
        late_finish = late_by - (u() * 12 * HOUR).astype(np.int64)
        late_finish = np.where(late_finish <= due, due + (rng.uniform(1, 20, n) * HOUR).astype(np.int64), late_finish)
        start = cursor + 30 * MINUTE
        on_time_finish = start + (u() * np.maximum(due - start, 0)).astype(np.int64)
        on_time_finish = in_office_hours(rng, on_time_finish, start, np.maximum(due, start))
        self.finished = np.maximum(np.where(self.late, late_finish, on_time_finish), start)
        apologised = self.late & (u() < 0.85)
        apology_at = np.maximum(due - (u() * 20 * HOUR).astype(np.int64), cursor)
        self.apology_at = np.where(apologised, apology_at, -1)
        self.apology_new_due = self.finished + (u() * 6 * HOUR).astype(np.int64)
        at_once = (self.channel == 2) & (u() < 0.6)
        later = in_office_hours(
            rng, self.finished + (u() * 3 * DAY).astype(np.int64), self.finished, self.finished + 3 * DAY
        )
        self.returned = np.where(at_once, self.finished, later)
        self.e_result = p.procedure_result[self.procedure] & (u() < E_RESULT_SHARE.get(self.year, 0.88))
        voted = (self.outcome == 9) & (u() < 0.38)
        unhappy = np.minimum(0.9, p.dissatisfied[self.agency] * np.where(self.late, 3.5, 1.0))
        self.vote_level = np.where(u() < unhappy, 3, np.where(u() < 0.5, 1, 2))
        self.vote_at = np.where(voted, self.returned + (u() * 72 * HOUR).astype(np.int64), -1)

    def _hand_over(self) -> None:
        """A dossier still in progress when its agency ends goes to the successor from the next day
        (handover_at, handover_agency; -1 when it stays): one_stop_shop_data.Dossier.hand_over."""
        end = np.where(
            self.refused,
            self.received,
            np.where(
                self.outcome == 9, self.finished, np.where(self.outcome >= 7, self.stopped_at, np.iinfo(np.int64).max)
            ),
        )
        self.handover_at = np.full(self.n, -1, dtype=np.int64)
        self.handover_agency = np.full(self.n, -1, dtype=np.int64)
        for agency, successor, moment in self.province.handovers:
            handed = (self.agency == agency) & (end >= moment)
            self.handover_at[handed], self.handover_agency[handed] = moment, successor

    def _feedback(self, accepted: np.ndarray, u) -> None:
        cal, n, rng = self.province.calendar, self.n, self.rng
        has = accepted & (u() < 0.007)
        received = self.received + rng.integers(1, 20, n) * DAY
        answered = cal.shift(received, rng.integers(1, 25, n))
        self.feedback_received = np.where(has, received, -1)
        self.feedback_answered = np.where(has & (u() >= 0.1), answered, -1)

    @cached_property
    def name_only(self) -> np.ndarray:
        """Dossiers whose steps name the handler without the account (older exports; own random stream)."""
        share = NAME_ONLY_SHARE.get(self.year, 0.0)
        rng = np.random.default_rng(np.random.SeedSequence([self.province.config.seed, self.year, self.month, 29]))
        return rng.random(self.n) < share

    @cached_property
    def undated_steps(self) -> np.ndarray:
        """Dossiers whose steps carry no deadline of their own (older exports, and a share of the rest
        as older vendor systems send them; own random stream): one_stop_shop_data.undated_steps."""
        rng = np.random.default_rng(np.random.SeedSequence([self.province.config.seed, self.year, self.month, 31]))
        return self.name_only | (rng.random(self.n) < UNDATED_STEPS_SHARE)

    def _processing_deadline(self, due: np.ndarray) -> np.ndarray:
        """A processing step's deadline: the working day before the due date (same time), the last
        day left to the leader's approval; the due date itself for a limit under 2 working days."""
        cal = self.province.calendar
        day = due // DAY
        before = cal.day_of_index[cal.index[np.maximum(day, cal.first) - cal.first] - 2] * DAY + due % DAY
        return np.where(self.province.procedure_days[self.procedure] >= 2, before, due)

    # -- the process steps, in order (times never decrease along a dossier's steps) -------------------
    @cached_property
    def steps(self) -> dict[str, np.ndarray]:
        """Every step of every dossier: row (dossier), position, time, status, official, and the step's
        own deadline (due, -1 for none; one_stop_shop_data.step_deadlines gives the rule)."""
        rows = np.arange(self.n)
        accepted = ~self.refused
        none = np.full(self.n, -1, dtype=np.int64)
        counter = (self.received // DAY) * DAY + DAY - 1  # 23:59:59 of the day of reception
        parts = [
            (self.channel == 2, self.submitted, 1, self.clerk, counter),
            (self.refused, self.received, 3, self.clerk, counter),
            (accepted, self.received, 2, self.clerk, counter),
            (accepted, self.started, 4, self.specialist, self._processing_deadline(self.due)),
        ]
        for r in range(2):
            parts.append((self.sup_requested[r] >= 0, self.sup_requested[r], 5, self.specialist, none))
            resumed = self._processing_deadline(np.where(self.sup_new_due[r] >= 0, self.sup_new_due[r], self.due))
            parts.append((self.sup_supplied[r] >= 0, self.sup_supplied[r], 4, self.specialist, resumed))
        processed = self.outcome == 9
        parts += [
            (self.outcome == 7, self.stopped_at, 7, self.clerk, self.final_due),
            (self.outcome == 8, self.stopped_at, 8, self.leader, self.final_due),
            (processed, self.finished, 9, self.leader, self.final_due),
            (processed, self.returned, 10, self.clerk, self.final_due),
        ]
        undated = self.undated_steps
        out = {k: [] for k in ("row", "position", "at", "status", "official", "due")}
        for position, (mask, at, status, official, due) in enumerate(parts):
            keep = np.flatnonzero(mask)
            out["row"].append(rows[keep])
            out["position"].append(np.full(keep.size, position))
            out["at"].append(at[keep])
            out["status"].append(np.full(keep.size, status))
            out["official"].append(official[keep])
            out["due"].append(np.where(undated[keep], -1, due[keep]))
        merged = {k: np.concatenate(v) for k, v in out.items()}
        order = np.lexsort((merged["position"], merged["row"]))
        return {k: v[order] for k, v in merged.items()}

    def versions(self, as_of: int) -> tuple[np.ndarray, np.ndarray]:
        """(visible, version): whether each dossier existed by `as_of`, and its last change by then."""
        candidates = [
            self.submitted,
            self.received,
            self.synced,
            self.apology_at,
            self.vote_at,
            self.feedback_received,
            self.feedback_answered,
            self.handover_at,
        ]
        version = np.full(self.n, -1, dtype=np.int64)
        for t in candidates:
            version = np.maximum(version, np.where((t >= 0) & (t <= as_of), t, -1))
        s = self.steps
        step_at = np.where(s["at"] <= as_of, s["at"], -1)
        np.maximum.at(version, s["row"], step_at)
        return version >= 0, version

    def changed_between(self, since: int, until: int) -> np.ndarray:
        """Dossiers with a change in [since, until)."""
        changed = np.zeros(self.n, bool)
        for t in [
            self.submitted,
            self.received,
            self.synced,
            self.apology_at,
            self.vote_at,
            self.feedback_received,
            self.feedback_answered,
            self.handover_at,
        ]:
            changed |= (t >= since) & (t < until)
        s = self.steps
        hit = (s["at"] >= since) & (s["at"] < until)
        changed[s["row"][hit]] = True
        return changed

    # -- what the system showed at a moment -----------------------------------------------------------
    def render(
        self, as_of: int, selected: np.ndarray | None = None, personal: str = "pseudonymised"
    ) -> dict[str, pa.Table]:
        """The dossiers (of `selected`, a boolean mask; default all) that existed by `as_of`, as the
        system showed them then: one table per landed dataset, columns as connectors/one_stop_shop.flatten
        lands them. Child tables carry `_row`, the position of their dossier in the dossiers table.
        personal="pseudonymised" hashes applicants' and officials' names and ids as the connector does;
        "raw" keeps them as the source sends them (for an export file)."""
        p = self.province
        visible, version = self.versions(as_of)
        if selected is not None:
            visible &= selected
        idx = np.flatnonzero(visible)
        m = idx.size
        position = np.full(self.n, -1)
        position[idx] = np.arange(m)
        raw = personal == "raw"
        code = self.code.take(pa.array(idx))
        version_text = _times(version[idx])
        at = lambda t: t[idx]  # noqa: E731
        seen = lambda t: (at(t) >= 0) & (at(t) <= as_of)  # noqa: E731
        steps = self.steps
        kept = np.flatnonzero((position[steps["row"]] >= 0) & (steps["at"] <= as_of))
        step_row = position[steps["row"][kept]]
        status = np.ones(m, dtype=np.int64)
        last_of_row = np.r_[step_row[1:] != step_row[:-1], True] if kept.size else np.zeros(0, bool)
        status[step_row[last_of_row]] = steps["status"][kept][last_of_row]
        processed, outcome = at(self.outcome) == 9, at(self.outcome)
        received_seen = at(self.received) <= as_of
        ended_at = np.where(processed, at(self.finished), at(self.stopped_at))
        paid_visible = ((~at(self.refused)) & (at(self.started) <= as_of)) | (processed & (at(self.finished) <= as_of))
        handed = (at(self.handover_at) >= 0) & (at(self.handover_at) <= as_of)
        agency = np.where(handed, at(self.handover_agency), at(self.agency))
        agency_code = np.array([a.code for a in p.agencies], dtype=object)[agency]
        lower = at(self.defect_agency_case)
        agency_code[lower] = np.array([c.lower() for c in agency_code[lower]], dtype=object)
        names, ids = (p.applicant_names, p.applicant_ids) if raw else (p.applicant_name_keys, p.applicant_id_keys)
        applicant = at(self.applicant)
        channel, verified = at(self.channel), at(self.verified)
        procedure = at(self.procedure)
        columns = {
            "MaHoSo": code,
            "MaTTHC": _strings(p.procedure_code[procedure]),
            "MaLinhVuc": _strings(np.array([x.field_code for x in p.procedures], dtype=object)[procedure]),
            "KenhThucHien": _ints(channel, pa.int32(), channel >= 0),
            "ChuHoSo": _strings(names[applicant]),
            "SoGiayToChuHoSo": _strings(ids[applicant]),
            "LoaiDoiTuong": _ints(at(self.applicant_type), pa.int32()),
            "NgayNopHoSo": _times(at(self.submitted)),
            "NgayTiepNhan": _times(at(self.received), received_seen),
            "NgayHenTra": _times(at(self.due), received_seen & ~at(self.defect_missing_due)),
            "NgayKetThucXuLy": _times(ended_at, (outcome >= 7) & (ended_at <= as_of)),
            "NgayTra": _times(at(self.returned), processed & (at(self.returned) <= as_of)),
            "NgayTuChoi": _times(at(self.received), at(self.refused) & received_seen),
            "TrangThaiHoSo": _ints(status, pa.int32()),
            "DonViXuLy": _strings(agency_code),
            "TenDonViXuLy": _strings(np.array([a.name_vi for a in p.agencies], dtype=object)[agency]),
            "HoSoCoThanhPhanSoHoa": _ints(at(self.digitised).astype(np.int64), pa.int32()),
            "TaiKhoanDuocXacThucVoiVNeID": _ints(at(self.vneid).astype(np.int64), pa.int32()),
            "DuocThanhToanTrucTuyen": _ints(np.where(paid_visible, at(self.paid_online), 0), pa.int32()),
            "NgayDongBo": _times(at(self.synced), seen(self.synced)),
            "NgayCapNhat": version_text,
            "MaDonViHanhChinhChuHoSo": _strings(at(self.applicant_unit)),
            "DuocXacThucCSDLDanCu": _ints(verified, pa.int32(), verified >= 0),
        }
        tables = {"dossiers": pa.table({name: columns[name].cast(dtype) for name, dtype in DOSSIER_FIELDS.items()})}

        def child(dataset: str, rows: np.ndarray, order: np.ndarray, values: dict[str, pa.Array]) -> None:
            sort = np.lexsort((order, rows))
            fields = next(f for d, f in CHILD_LISTS.values() if d == dataset)
            take = pa.array(rows[sort])
            table = {"MaHoSo": code.take(take), "NgayCapNhat": version_text.take(take)}
            for name, dtype in fields.items():
                table[name] = values[name].take(pa.array(sort)).cast(dtype)
            table["_row"] = pa.array(rows[sort], pa.int64())
            tables[dataset] = pa.table(table)

        # process steps
        officials = steps["official"][kept]
        step_status = steps["status"][kept]
        first_of_row = np.r_[0, np.flatnonzero(np.diff(step_row) != 0) + 1] if kept.size else np.zeros(0, np.int64)
        number = np.arange(kept.size) - np.repeat(first_of_row, np.diff(np.r_[first_of_row, kept.size])) + 1
        child(
            "process_steps",
            step_row,
            number,
            {
                "ThuTu": _ints(number, pa.int32()),
                "NguoiXuLy": _strings((p.official_names if raw else p.official_keys)[officials]),
                "TaiKhoanXuLy": pa.array(
                    (p.official_accounts if raw else p.official_account_keys)[officials],
                    pa.string(),
                    mask=self.name_only[steps["row"][kept]],
                ),
                "ChucDanh": _strings(p.official_titles[officials]),
                "ThoiDiemXuLy": _times(steps["at"][kept]),
                "TrangThai": _ints(step_status, pa.int32()),
                "NgayKetThucTheoQuyDinh": _few_times(steps["due"][kept]),
            },
        )
        # supplement rounds
        rows, rounds, cols = [], [], {k: [] for k in ("req", "sup", "prev", "new", "written")}
        for r in range(2):
            has = np.flatnonzero(seen(self.sup_requested[r]))
            supplied = at(self.sup_supplied[r])[has]
            rows.append(has), rounds.append(np.full(has.size, r + 1))
            cols["req"].append(at(self.sup_requested[r])[has])
            cols["sup"].append(supplied)
            cols["prev"].append(at(self.sup_previous_due[r])[has])
            cols["new"].append(at(self.sup_new_due[r])[has])
            cols["written"].append(at(self.sup_written[r])[has])
        rows, rounds = np.concatenate(rows), np.concatenate(rounds)
        c = {k: np.concatenate(v) for k, v in cols.items()}
        supplied_seen = (c["sup"] >= 0) & (c["sup"] <= as_of)
        child(
            "supplements",
            rows,
            rounds,
            {
                "LanBoSung": _ints(rounds, pa.int32()),
                "NgayYeuCau": _times(c["req"]),
                "CoVanBanYeuCau": _ints(c["written"], pa.int32()),
                "NgayBoSung": _times(c["sup"], supplied_seen),
                "NgayHenTraTruoc": _times(c["prev"]),
                "NgayHenTraMoi": _times(c["new"], supplied_seen),
            },
        )
        rows = np.flatnonzero(seen(self.apology_at))
        child(
            "apologies",
            rows,
            rows,
            {
                "LanXinLoi": _ints(np.ones(rows.size, np.int64), pa.int32()),
                "NgayXinLoi": _times(at(self.apology_at)[rows]),
                "NgayHenTraMoi": _times(at(self.apology_new_due)[rows]),
            },
        )
        fee = p.procedure_fee[procedure]
        rows = np.flatnonzero(fee > 0)
        child(
            "fees",
            rows,
            rows,
            {
                "MaPhiLePhi": _strings(np.array(["LP-" + x.code for x in p.procedures], dtype=object)[procedure[rows]]),
                "TenPhiLePhi": _strings(
                    np.array(["Lệ phí " + x.name_vi.lower() for x in p.procedures], dtype=object)[procedure[rows]]
                ),
                "Gia": _ints(fee[rows], pa.int64()),
            },
        )
        count = at(self.documents)
        rows = np.repeat(np.arange(m), count)
        which = np.arange(rows.size) - np.repeat(np.cumsum(count) - count, count)
        rolls = at(self.document_rolls)[rows, which]
        child(
            "documents",
            rows,
            which,
            {
                "MaGiayTo": _strings(np.array([f"GT{i + 1:02d}" for i in range(3)], dtype=object)[which]),
                "TenGiayTo": _strings(np.array(DOCUMENT_NAMES, dtype=object)[which]),
                "DuocSoHoa": _ints((at(self.digitised)[rows] & (rolls[:, 0] < 0.8)).astype(np.int64), pa.int32()),
                "DuocTaiSuDung": _ints((rolls[:, 1] < 0.25).astype(np.int64), pa.int32()),
                "DuocLayTuKhoDMQG": _ints(((channel[rows] == 2) & (rolls[:, 2] < 0.2)).astype(np.int64), pa.int32()),
            },
        )
        rows = np.flatnonzero(processed & p.procedure_result[procedure] & (at(self.finished) <= as_of))
        link = pc.binary_join_element_wise(E_RESULT_URL, code.take(pa.array(rows)), ".pdf", "")
        child(
            "results",
            rows,
            rows,
            {
                "MaGiayTo": _strings(np.array(["KQ-" + x.code for x in p.procedures], dtype=object)[procedure[rows]]),
                "TenGiayTo": _strings(np.array([x.name_vi for x in p.procedures], dtype=object)[procedure[rows]]),
                "DuongDanTep": pc.if_else(pa.array(at(self.e_result)[rows]), link, pa.scalar(None, pa.string())),
            },
        )
        rows = np.flatnonzero(seen(self.vote_at))
        child(
            "votes",
            rows,
            rows,
            {
                "MucDoHaiLong": _ints(at(self.vote_level)[rows], pa.int32()),
                "NgayDanhGia": _times(at(self.vote_at)[rows]),
            },
        )
        rows = np.flatnonzero(seen(self.feedback_received))
        answered = at(self.feedback_answered)[rows]
        child(
            "feedback",
            rows,
            rows,
            {
                "MaPAKN": pc.binary_join_element_wise("PAKN-", code.take(pa.array(rows)), ""),
                "NgayTiepNhanPAKN": _times(at(self.feedback_received)[rows]),
                "NgayTraLoiPAKN": _times(answered, (answered >= 0) & (answered <= as_of)),
            },
        )
        return tables


def slice_rows(tables: dict[str, pa.Table], start: int, stop: int) -> dict[str, pa.Table]:
    """Dossiers [start, stop) of rendered tables, with their child rows (`_row` renumbered)."""
    out = {"dossiers": tables["dossiers"].slice(start, stop - start)}
    for dataset, table in tables.items():
        if dataset == "dossiers":
            continue
        rows = table.column("_row").to_numpy()
        lo, hi = np.searchsorted(rows, [start, stop])
        part = table.slice(lo, hi - lo)
        out[dataset] = part.set_column(part.schema.get_field_index("_row"), "_row", pc.subtract(part["_row"], start))
    return out


def landed(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """Rendered tables as connectors/one_stop_shop.flatten returns them (without `_row`)."""
    return {dataset: (t.drop_columns(["_row"]) if "_row" in t.column_names else t) for dataset, t in tables.items()}


def payloads(tables: dict[str, pa.Table]) -> Iterator[dict]:
    """Rendered tables (personal="raw") as DVCQG sync payloads, one dict per dossier."""
    children: dict[str, list[list[dict]]] = {}
    n = tables["dossiers"].num_rows
    for list_name, (dataset, _) in CHILD_LISTS.items():
        grouped: list[list[dict]] = [[] for _ in range(n)]
        table = tables[dataset].drop_columns(["MaHoSo", "NgayCapNhat"])
        for item in table.to_pylist():
            grouped[item.pop("_row")].append(item)
        children[list_name] = grouped
    for i, dossier in enumerate(tables["dossiers"].to_pylist()):
        for list_name, grouped in children.items():
            dossier[list_name] = grouped[i]
        yield dossier


def export_lines(tables: dict[str, pa.Table]) -> Iterator[str]:
    for payload in payloads(tables):
        yield json.dumps(payload, ensure_ascii=False) + "\n"


def clock(day: date) -> int:
    """23:59:59 of `day`, in the arrays' seconds."""
    return seconds(datetime.combine(day, time(23, 59, 59)))


# -- output: a landing zone, an export file ---------------------------------------------------------
@dataclass
class LandedLoad:
    load_id: str
    load_date: date
    loaded_at: datetime
    dossiers: int
    parts: int


def history_load_id(config: ScaleConfig, year: int, month: int, loaded_at: datetime) -> str:
    """A load id in landing.new_load_id's format, fixed by what the load holds."""
    import hashlib

    digest = hashlib.blake2b(f"{config.key()}|{year}-{month:02d}".encode(), digest_size=3).hexdigest()
    return f"{loaded_at:%Y%m%dT%H%M%SZ}-{digest}"


def land_history(
    config: ScaleConfig,
    start: date,
    end: date,
    landing,
    part_rows: int = 20_000,
    source_uri: str | None = None,
    progress=None,
) -> list[LandedLoad]:
    """Every dossier received from `start` to `end` (and those submitted by then, not yet received), as
    the system showed them at 23:59:59 of `end`, landed in `landing` (a connectors.landing.LandingZone)
    as one load per month of receptions, in parts of `part_rows` dossiers: the layout, columns and batch
    columns of land_pull. Returns the loads (the caller records their gate verdicts)."""
    from connectors.ingest import _with_batch_columns
    from connectors.one_stop_shop import SOURCE

    province = Province(config)
    as_of = clock(end)
    source_uri = source_uri or f"sandbox://one_stop_shop/scale?{config.key()}&end={end}"
    loads = []
    for year, month in months(start, end + timedelta(days=7)):
        chunk = province.month(year, month)
        tables = chunk.render(as_of, selected=chunk.received // DAY >= (start - EPOCH).days)
        n = tables["dossiers"].num_rows
        if n == 0:
            continue
        first_of_next = date(year + month // 12, month % 12 + 1, 1)
        loaded_at = datetime.combine(min(max(first_of_next, start), end + timedelta(days=1)), time(0, 30))
        load_id = history_load_id(config, year, month, loaded_at)
        parts = 0
        for part, lo in enumerate(range(0, n, part_rows)):
            for dataset, table in landed(slice_rows(tables, lo, min(lo + part_rows, n))).items():
                table = _with_batch_columns(table, load_id, source_uri, loaded_at.replace(tzinfo=UTC), part)
                landing.write_batch(SOURCE, dataset, loaded_at.date(), load_id, part, table)
            parts += 1
        loads.append(LandedLoad(load_id, loaded_at.date(), loaded_at, n, parts))
        if progress:
            progress(f"{year}-{month:02d}: {n:,} dossiers in load {load_id}")
    return loads


def write_export(config: ScaleConfig, since: datetime, until: datetime, path) -> int:
    """The dossiers that changed in [since, until), as the system showed them just before `until`, one
    DVCQG payload per line in (NgayCapNhat, MaHoSo) order (what the API pages): an NDJSON export
    connectors/one_stop_shop.read_export reads. Returns the number of dossiers written."""
    from pathlib import Path

    path = Path(path)
    province = Province(config)
    lo, hi = seconds(since), seconds(until)
    lines, keys = [], []
    for year, month in months((since - timedelta(days=200)).date(), (until - timedelta(seconds=1)).date()):
        chunk = province.month(year, month)
        changed = chunk.changed_between(lo, hi)
        if changed.any():
            tables = chunk.render(hi - 1, selected=changed, personal="raw")
            keys += zip(tables["dossiers"]["NgayCapNhat"].to_pylist(), tables["dossiers"]["MaHoSo"].to_pylist())
            lines += export_lines(tables)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    count = 0
    with open(tmp, "w", encoding="utf-8") as f:
        for _, line in sorted(zip(keys, lines)):
            f.write(line)
            count += 1
    tmp.replace(path)
    return count
