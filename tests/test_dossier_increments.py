"""The one-stop-shop's latest-version tables and the dossier-keyed intermediate models are incremental
by dossier (dbt_project/macros/dossier_increments.sql): a nightly build recomputes only the dossiers its
window touched (stg_one_stop_shop__changed_dossiers), and int_dossier_period_status also every dossier
of a period that is new or whose end moved. A dossier finished later, a supplement added later, a new
dossier, a load re-judged as rejected after it was read and a new period must come out exactly as a full
rebuild gives them, while an untouched dossier keeps its rows. The models incremental by period downstream
(int_766_indicator_counts, mart_agency_service_quality, mart_766_index: dbt_project/macros/period_increments.sql)
are built and compared too: a late update to a closed period, a new period, a dossier and a vote leaving a closed period, a night
whose marts were not built caught up by the next.

Cost: seventeen small dbt invocations (the seeds, the one-stop-shop and procedure catalogue staging models, the
dossier-keyed intermediate models and the models incremental by period, their data tests in one), about two
minutes on a quiet machine."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.dbt_fixtures.landing_builder import write_landing, write_verdict
from tests.support.landed_rows import P10
from tests.support.landed_rows import dossier_row as _dossier
from tests.support.landed_rows import step_row as _step

DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"
DBT = Path(sys.executable).with_name("dbt")
J = "000.00.02.H34"
D1, D2, D3, D4, D5 = (
    f"{J}-250303-0001",
    f"{J}-250303-0002",
    f"{J}-250312-0003",
    f"{J}-250320-0004",
    f"{J}-250312-0005",
)
# A dossier of the Department of Planning and Investment (seed: ends 2025-02-28, successor Finance 000.00.04):
# received 25 February, pending; load B brings the hand-over (DonViXuLy Finance), dated 1 March.
PLANNING, FINANCE = "000.00.03.H34", "000.00.04.H34"
D6 = f"{PLANNING}-250225-0006"
INCREMENTAL_TABLES = (
    "stg_one_stop_shop__dossiers_validated",
    "stg_one_stop_shop__status_events",
    "stg_one_stop_shop__supplements",
    "stg_one_stop_shop__fees",
)
INTERMEDIATE_MODELS = (
    "int_dossier_end_times",
    "int_dossiers_enriched",
    "int_dossier_handlers",
    "int_dossier_digital_services",
    "int_dossier_period_status",
    "int_dossier_official_years",
)
# The models incremental by period (dbt_project/macros/period_increments.sql), and their list of periods.
# (the list is emptied only once every model reading it was built: mart_766_index too)
PERIOD_MODELS = ("int_recomputed_periods", "int_766_indicator_counts", "mart_agency_service_quality", "mart_766_index")
CHANGED = "stg_one_stop_shop__changed_dossiers"
LISTED = "intermediate.int_recomputed_periods"
T0 = dt.datetime(2025, 3, 11, 1, 0, tzinfo=dt.UTC)


def build(
    tmp: Path,
    *,
    as_of: str,
    window: tuple[str, str] | None = None,
    full_refresh: bool = False,
    warehouse: str = "warehouse.duckdb",
    intermediate: tuple[str, ...] = INTERMEDIATE_MODELS + PERIOD_MODELS,
    data_tests: bool = False,
) -> str:
    """Seeds, the one-stop-shop staging models and the dossier-keyed intermediate models, as the nightly
    step builds them, with the reporting periods as of `as_of` (their data tests too if `data_tests`);
    returns dbt's output."""
    env = {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "PAR_LANDING_DIR": str(tmp / "landing"),
        "PAR_WAREHOUSE_PATH": str(tmp / warehouse),
    }
    for name in ("PAR_WINDOW_START", "PAR_WINDOW_END"):
        env.pop(name, None)
    if window:
        env["PAR_WINDOW_START"], env["PAR_WINDOW_END"] = window
    tested = ["test", "--indirect-selection", "cautious"] if data_tests else []  # the tests within the selection
    command = [
        str(DBT),
        "build",
        "--resource-type",
        "seed",
        "model",
        *tested,
        "--select",
        "procedures",
        "dossier_statuses",
        "working_calendar_exceptions",
        "submission_channels",
        "satisfaction_levels",
        "service_quality_thresholds",
        "index_766_schemes",
        "index_766_groups",
        "index_766_indicators",
        "agencies",
        "int_working_days",
        "int_reporting_periods",
        "agency_district_units",
        "path:models/staging/admin_units",
        "int_agencies",
        "path:models/staging/one_stop_shop",
        "path:models/staging/procedure_catalogue",
        "int_procedures",
        *intermediate,
        "--project-dir",
        str(DBT_PROJECT),
        "--profiles-dir",
        str(DBT_PROJECT),
        "--target-path",
        str(tmp / "target"),
        "--log-path",
        str(tmp / "logs"),
        "--vars",
        json.dumps({"reporting_as_of": as_of}),
    ]
    done = subprocess.run(
        command + (["--full-refresh"] if full_refresh else []), cwd=DBT_PROJECT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    return done.stdout


def tables(tmp: Path, warehouse: str = "warehouse.duckdb") -> dict[str, list[tuple]]:
    """Every one-stop-shop staging relation, dossier-keyed intermediate model and model incremental by period,
    rows sorted."""
    with duckdb.connect(str(tmp / warehouse), read_only=True) as con:
        names = [
            f"{schema}.{name}"
            for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables where "
                "(table_schema = 'staging' and table_name like 'stg_one_stop_shop__%') or "
                f"(table_schema in ('intermediate', 'marts') and table_name in {INTERMEDIATE_MODELS + PERIOD_MODELS})"
            ).fetchall()
        ]
        return {n: con.execute(f"select * from {n} order by all").fetchall() for n in names}


def staging(tmp: Path) -> dict[str, list[tuple]]:
    return {name: rows for name, rows in tables(tmp).items() if name.startswith("staging.")}


def assert_same_as_a_full_rebuild(tmp: Path, as_of: str) -> None:
    """A full rebuild of the same landing zone in a fresh warehouse gives every table row for row; the
    lists of changed dossiers and recomputed periods are empty in both once every model that reads them was
    built."""
    build(tmp, as_of=as_of, full_refresh=True, warehouse="full.duckdb")
    incremental, full = tables(tmp), tables(tmp, "full.duckdb")
    assert incremental[f"staging.{CHANGED}"] == full[f"staging.{CHANGED}"] == []
    assert incremental[LISTED] == full[LISTED] == []
    assert incremental.keys() == full.keys() >= {f"intermediate.{m}" for m in INTERMEDIATE_MODELS}
    assert {"intermediate.int_766_indicator_counts", "marts.mart_agency_service_quality", "marts.mart_766_index"} <= (
        full.keys()
    )
    for name, rows in full.items():
        assert incremental[name] == rows, f"{name}: an incremental build gives what a full rebuild gives"
    (tmp / "full.duckdb").unlink()


def query(tmp: Path, sql: str, *params) -> list[tuple]:
    with duckdb.connect(str(tmp / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def steps_of(tmp: Path, code: str) -> list[tuple]:
    return query(
        tmp,
        "select step_number, status_code, load_id from staging.stg_one_stop_shop__status_events "
        f"where dossier_code = '{code}' order by step_number",
    )


def periods_of(tmp: Path, code: str, *period_keys: str) -> dict[str, tuple]:
    """(end_at, due_at, finished on time, finished late, pending, overdue) of a dossier by period."""
    keys = ", ".join(f"'{k}'" for k in period_keys)
    return {
        key: tuple(rest)
        for key, *rest in query(
            tmp,
            "select period_key, end_at, due_at, is_finished_on_time, is_finished_late, is_pending_at_end, "
            "is_overdue_at_end from intermediate.int_dossier_period_status "
            f"where dossier_code = '{code}' and period_key in ({keys})",
        )
    }


def at(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M")


@pytest.fixture(scope="module")
def landed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dossier_increments")
    landing = tmp / "landing"
    # Load A (accepted, 10-12 March): D1 pending with a supplement request, D2 finished with a fee, D3
    # and D5 pending (no supplement), and a dossier without a code (quarantined: invalid_dossier_code).
    write_landing(
        landing,
        [
            _dossier(
                D1,
                "20250303080000",
                "20250317170000",
                status=4,
                version="20250310000000",
                QuaTrinhXuLy=[_step(1, "OFF_A", 4, "20250303090000")],
                BoSung=[{"LanBoSung": 1, "NgayYeuCau": "20250305090000"}],
            ),
            _dossier(
                D2,
                "20250303090000",
                "20250314170000",
                status=9,
                version="20250310000000",
                NgayKetThucXuLy="20250310160000",
                QuaTrinhXuLy=[_step(1, "OFF_B", 9, "20250310160000")],
                LePhi=[{"MaPhiLePhi": "LP1", "TenPhiLePhi": "Lệ phí", "Gia": 200000}],
            ),
            _dossier(
                D3,
                "20250312080000",
                "20250331170000",
                status=4,
                version="20250312090000",
                QuaTrinhXuLy=[_step(1, "OFF_C", 4, "20250312090000")],
            ),
            _dossier(
                D5,
                "20250312080000",
                "20250325170000",
                status=4,
                version="20250312090000",
                QuaTrinhXuLy=[_step(1, "OFF_C", 4, "20250312090000")],
            ),
            _dossier(None, "20250303100000", "20250314170000", status=4, version="20250310000000"),
            _dossier(
                D6,
                "20250225080000",
                "20250311170000",
                status=4,
                version="20250225090000",
                agency=PLANNING,
                QuaTrinhXuLy=[_step(1, "OFF_C", 4, "20250225090000")],
            ),
        ],
        load_id="load-a",
        load_date="2025-03-11",
        loaded_at=T0,
    )
    build(tmp, as_of="2025-03-15", full_refresh=True)
    return tmp


def test_a_later_version_and_a_new_dossier_replace_only_their_dossiers(landed):
    tmp = landed
    before = tables(tmp)
    # Load B (accepted, 21 March): D1 updated on 20 March (finished, two steps, no fee), D3 with a
    # supplement round added (requested 14 March, supplied 20 March, new appointment 10 April), D4 new.
    write_landing(
        tmp / "landing",
        [
            _dossier(
                D1,
                "20250303080000",
                "20250317170000",
                status=9,
                version="20250320120000",
                NgayKetThucXuLy="20250320110000",
                QuaTrinhXuLy=[_step(1, "OFF_A", 4, "20250303090000"), _step(2, "OFF_A", 9, "20250320110000")],
            ),
            _dossier(
                D3,
                "20250312080000",
                "20250331170000",
                status=4,
                version="20250320100000",
                QuaTrinhXuLy=[_step(1, "OFF_C", 4, "20250312090000")],
                BoSung=[
                    {
                        "LanBoSung": 1,
                        "NgayYeuCau": "20250314090000",
                        "NgayBoSung": "20250320090000",
                        "NgayHenTraMoi": "20250410170000",
                    }
                ],
            ),
            _dossier(
                D4,
                "20250320080000",
                "20250403170000",
                status=4,
                version="20250320130000",
                procedure=P10,
                QuaTrinhXuLy=[_step(1, "OFF_C", 4, "20250320090000")],
            ),
            _dossier(
                D6,
                "20250225080000",
                "20250311170000",
                status=4,
                version="20250320140000",
                agency=FINANCE,
                QuaTrinhXuLy=[_step(1, "OFF_C", 4, "20250225090000")],
            ),
        ],
        load_id="load-b",
        load_date="2025-03-21",
        loaded_at=T0 + dt.timedelta(days=10),
    )
    build(tmp, as_of="2025-03-21", window=("2025-03-20", "2025-03-21"))

    assert steps_of(tmp, D1) == [(1, 4, "load-b"), (2, 9, "load-b")], "D1's latest version, from load B"
    assert steps_of(tmp, D4) == [(1, 4, "load-b")]
    assert steps_of(tmp, D2) == [(1, 9, "load-a")], "D2 untouched"
    # D1's new version has no supplement list: its latest version present in supplements stays load A's
    assert query(
        tmp, "select dossier_code, supplement_round, load_id from staging.stg_one_stop_shop__supplements order by 1"
    ) == [(D1, 1, "load-a"), (D3, 1, "load-b")]
    validated = dict(query(tmp, "select dossier_code, status_code from staging.stg_one_stop_shop__dossiers_validated"))
    assert validated == {D1: 9, D2: 9, D3: 4, D4: 4, D5: 4, D6: 4, None: 4}
    # D6 handed over (docs/agencies.md): the new version names Finance; February stays Planning's
    # (pending at its end), March is Finance's (pending, overdue since 11 March)
    assert query(
        tmp,
        "select period_key, agency_code, received_agency_code, is_pending_at_end, is_overdue_at_end "
        "from intermediate.int_dossier_period_status where dossier_code = ? and period_type = 'month' "
        "order by 1",
        D6,
    ) == [("2025-02", PLANNING, PLANNING, True, False), ("2025-03", FINANCE, PLANNING, True, True)]
    # D1 finished later: its first end is the processing end of 20 March (status 9)
    assert query(
        tmp, f"select end_at, end_status_code from intermediate.int_dossier_end_times where dossier_code = '{D1}'"
    ) == [(at("2025-03-20 11:00"), 9)]
    assert query(tmp, f"select count(*) from intermediate.int_dossier_handlers where dossier_code = '{D1}'") == [(2,)]
    # D3's supplement moves its appointment from 31 March to 10 April 17:00
    assert query(
        tmp,
        f"select supplement_rounds, base_due_at, due_at from intermediate.int_dossiers_enriched "
        f"where dossier_code = '{D3}'",
    ) == [(1, at("2025-03-31 17:00"), at("2025-04-10 17:00"))]
    # As of 21 March (the running month ends then): D1 ended 20 March 11:00 after its appointment
    # (17 March 17:00): late. D3 supplied its only round on 20 March: pending, due 10 April, not
    # overdue. D5 (untouched) pending, due 25 March: not overdue yet.
    assert periods_of(tmp, D1, "2025-03") == {
        "2025-03": (at("2025-03-20 11:00"), at("2025-03-17 17:00"), False, True, False, False)
    }
    assert periods_of(tmp, D3, "2025-03") == {"2025-03": (None, at("2025-04-10 17:00"), False, False, True, False)}
    assert periods_of(tmp, D5, "2025-03") == {"2025-03": (None, at("2025-03-25 17:00"), False, False, True, False)}
    # D2's rows are the very rows of the first build (same values, same load)
    after = tables(tmp)
    for name in [f"staging.{t}" for t in INCREMENTAL_TABLES] + [f"intermediate.{m}" for m in INTERMEDIATE_MODELS[:4]]:
        assert [r for r in after[name] if D2 in r] == [r for r in before[name] if D2 in r], name
    assert_same_as_a_full_rebuild(tmp, "2025-03-21")


def test_a_load_rejected_after_it_was_read_and_a_new_period_come_out_as_a_full_rebuild_gives_them(landed):
    tmp = landed
    # Load B re-checked and rejected on 25 March; that night's window holds no new version. The
    # warehouse is built as of 2 April: March is complete now, April and the second quarter are new.
    write_verdict(tmp / "landing", "load-b", "rejected", load_date="2025-03-25", checked_at=T0 + dt.timedelta(days=14))
    build(tmp, as_of="2025-04-02", window=("2025-03-25", "2025-03-26"))

    assert steps_of(tmp, D1) == [(1, 4, "load-a")], "D1 falls back to its version of load A"
    assert steps_of(tmp, D4) == [], "D4 came only in load B"
    assert dict(query(tmp, "select dossier_code, status_code from staging.stg_one_stop_shop__dossiers_validated")) == {
        D1: 4,
        D2: 9,
        D3: 4,
        D5: 4,
        D6: 4,
        None: 4,
    }
    # D6 falls back to load A's version, which still names Planning: from 1 March the catalogue's
    # successor holds it all the same
    assert query(
        tmp,
        "select period_key, agency_code from intermediate.int_dossier_period_status "
        "where dossier_code = ? and period_key in ('2025-02', '2025-03') order by 1",
        D6,
    ) == [("2025-02", PLANNING), ("2025-03", FINANCE)]
    assert query(tmp, f"select count(*) from intermediate.int_dossier_period_status where dossier_code = '{D4}'") == [
        (0,)
    ]
    # D1 (load A again) waits on its only supplement request of 5 March: it ends then, on time.
    assert periods_of(tmp, D1, "2025-03", "2025-04") == {
        "2025-03": (at("2025-03-05 09:00"), at("2025-03-17 17:00"), True, False, False, False)
    }
    # D3 (load A again: no supplement) and D5 (untouched) are pending at the end of March (now the
    # 31st, 23:59:59), of April and of the second quarter (2 April, 23:59:59), all after their
    # appointments (31 March and 25 March, 17:00): overdue.
    for code, due in ((D3, at("2025-03-31 17:00")), (D5, at("2025-03-25 17:00"))):
        assert periods_of(tmp, code, "2025-03", "2025-04", "2025-Q2") == {
            key: (None, due, False, False, True, True) for key in ("2025-03", "2025-04", "2025-Q2")
        }, code
    assert_same_as_a_full_rebuild(tmp, "2025-04-02")


def test_a_night_whose_intermediate_models_were_not_built_is_caught_up_by_the_next(landed):
    tmp = landed
    # Load C (accepted, 28 March): D2's result returned on 27 March, a second step by OFF_D. That
    # night's build stops after the staging models: the intermediate models keep D2's old rows.
    write_landing(
        tmp / "landing",
        [
            _dossier(
                D2,
                "20250303090000",
                "20250314170000",
                status=10,
                version="20250327120000",
                NgayKetThucXuLy="20250310160000",
                NgayTra="20250327100000",
                QuaTrinhXuLy=[_step(1, "OFF_B", 9, "20250310160000"), _step(2, "OFF_D", 10, "20250327100000")],
            ),
        ],
        load_id="load-c",
        load_date="2025-03-28",
        loaded_at=T0 + dt.timedelta(days=17),
    )
    build(tmp, as_of="2025-04-02", window=("2025-03-27", "2025-03-28"), intermediate=())
    assert query(tmp, f"select * from staging.{CHANGED}") == [(D2,)], "kept until the intermediate models apply it"
    assert query(tmp, f"select count(*) from intermediate.int_dossier_handlers where dossier_code = '{D2}'") == [(1,)]

    build(tmp, as_of="2025-04-02", window=("2025-03-28", "2025-03-29"))  # a night with nothing new
    assert query(
        tmp,
        f"select handling_name_key, status_code from intermediate.int_dossier_handlers "
        f"where dossier_code = '{D2}' order by step_number",
    ) == [("OFF_B", 9), ("OFF_D", 10)]
    assert_same_as_a_full_rebuild(tmp, "2025-04-02")


def test_a_nightly_build_tests_the_dossiers_it_recomputed_and_a_full_test_every_row(landed):
    """The data tests of a model incremental by dossier read, on a nightly build, only the dossiers that
    build recomputed (macros/tests/where_subquery.sql); without a window they read every row."""
    tmp = landed
    with duckdb.connect(str(tmp / "warehouse.duckdb")) as con:  # a duplicate of D5, which no night touches
        con.execute(
            f"insert into intermediate.int_dossiers_enriched "
            f"select * from intermediate.int_dossiers_enriched where dossier_code = '{D5}'"
        )
    # Load D (29 March): D3's new version lists step 1 twice (two officials): the source's duplicate
    write_landing(
        tmp / "landing",
        [
            _dossier(
                D3,
                "20250312080000",
                "20250331170000",
                status=4,
                version="20250329100000",
                QuaTrinhXuLy=[_step(1, "OFF_C", 4, "20250312090000"), _step(1, "OFF_E", 4, "20250329090000")],
            ),
        ],
        load_id="load-d",
        load_date="2025-03-30",
        loaded_at=T0 + dt.timedelta(days=19),
    )
    nightly = build(
        tmp, as_of="2025-04-02", window=("2025-03-29", "2025-03-30"), intermediate=INTERMEDIATE_MODELS, data_tests=True
    )
    # the models incremental by period are not built this night: the list keeps D3's periods for the next
    assert {"2025-03", "2025-04", "2025-Q1", "2025-Q2"} <= {
        key for (key,) in query(tmp, f"select period_key from {LISTED}")
    }

    assert "PASS unique_int_dossiers_enriched_dossier_code" in nightly, "D5's duplicate is not the night's"
    assert "WARN 1 unique_combination_stg_one_stop_shop__status_events_dossier_code__step_number" in nightly, (
        "D3's duplicated step is"
    )
    everything = subprocess.run(
        [
            str(DBT),
            "test",
            "--select",
            "int_dossiers_enriched",
            "--project-dir",
            str(DBT_PROJECT),
            "--profiles-dir",
            str(DBT_PROJECT),
            "--target-path",
            str(tmp / "target"),
            "--log-path",
            str(tmp / "logs"),
        ],
        cwd=DBT_PROJECT,
        capture_output=True,
        text=True,
        env={
            **{k: v for k, v in os.environ.items() if k not in ("PAR_WINDOW_START", "PAR_WINDOW_END")},
            "DO_NOT_TRACK": "1",
            "PAR_LANDING_DIR": str(tmp / "landing"),
            "PAR_WAREHOUSE_PATH": str(tmp / "warehouse.duckdb"),
        },
    )
    assert everything.returncode == 1, everything.stdout[-3000:]
    assert "FAIL 1 unique_int_dossiers_enriched_dossier_code" in everything.stdout


def test_a_night_reads_only_the_loads_whose_update_times_meet_its_window(landed):
    """(After the tests above, in this order: the warehouse as they left it, as of 2 April.) The version tables read, on a nightly build, only the accepted loads whose range of update times (recorded
    with the gate's verdict: orchestration/update_ranges.py) meets the window, whatever day they landed: a source
    whose clock runs ahead is read by the night its stamps belong to, and a rejected night caught up by a
    re-run of its partition reads the new load. A decoy shows the pruning: a load whose recorded range misses
    the window is not read, though its rows are in it."""
    tmp = landed
    landing = tmp / "landing"
    # Load E, pulled for 3 April and landed at 01:00 on 4 April: the source's clock runs ahead, it stamped D5's
    # new version (finished) 08:00 on 4 April, after the landing
    write_landing(
        landing,
        [
            _dossier(
                D5,
                "20250312080000",
                "20250325170000",
                status=9,
                version="20250404080000",
                NgayKetThucXuLy="20250404070000",
                QuaTrinhXuLy=[_step(1, "OFF_C", 4, "20250312090000"), _step(2, "OFF_C", 9, "20250404070000")],
            ),
        ],
        load_id="load-e",
        load_date="2025-04-04",
        loaded_at=dt.datetime(2025, 4, 3, 18, 0, tzinfo=dt.UTC),
    )
    # The night of 4 April: load R rejected (D3 finished); the partition re-run lands R2, accepted
    finished_d3 = _dossier(
        D3,
        "20250312080000",
        "20250331170000",
        status=9,
        version="20250404100000",
        NgayKetThucXuLy="20250404090000",
        QuaTrinhXuLy=[_step(1, "OFF_C", 9, "20250404090000")],
    )
    for load_id, verdict, hours in (("load-r", "rejected", 19), ("load-r2", "accepted", 20)):
        write_landing(
            landing,
            [finished_d3],
            load_id=load_id,
            load_date="2025-04-05",
            loaded_at=dt.datetime(2025, 4, 4, hours, 0, tzinfo=dt.UTC),
            verdict=verdict,
        )
    # The decoy: D2's version of 4 April 12:00 in an accepted load whose verdict says January
    write_landing(
        landing,
        [_dossier(D2, "20250303090000", "20250314170000", status=4, version="20250404120000")],
        load_id="load-z",
        load_date="2025-04-05",
        verdict=None,
    )
    january = (dt.datetime(2025, 1, 1), dt.datetime(2025, 1, 2))
    write_verdict(
        landing,
        "load-z",
        "accepted",
        load_date="2025-04-05",
        checked_at=dt.datetime(2025, 4, 4, 21, 0, tzinfo=dt.UTC),
        update_range={"updated_at_min": january[0], "updated_at_max": january[1], "rows_without_updated_at": 0},
    )
    recorded = duckdb.sql(
        f"select load_id, updated_at_min, updated_at_max, rows_without_updated_at from read_parquet("
        f"'{landing}/_audit/gx_batch_verdicts/*/*.parquet', union_by_name = true) "
        "where load_id in ('load-e', 'load-r2') order by 1"
    ).fetchall()
    assert recorded == [
        ("load-e", at("2025-04-04 08:00"), at("2025-04-04 08:00"), 0),
        ("load-r2", at("2025-04-04 10:00"), at("2025-04-04 10:00"), 0),
    ]
    build(tmp, as_of="2025-04-05", window=("2025-04-04", "2025-04-05"))

    assert steps_of(tmp, D5) == [(1, 4, "load-e"), (2, 9, "load-e")], "the clock ahead: read the night of its stamps"
    assert steps_of(tmp, D3) == [(1, 9, "load-r2")], "the rejected night caught up"
    status = dict(query(tmp, "select dossier_code, status_code from staging.stg_one_stop_shop__dossiers_validated"))
    assert (status[D5], status[D3], status[D2]) == (9, 9, 10), "D2 keeps load C's version: the decoy is not read"
    assert query(tmp, "select count(*) from staging.stg_one_stop_shop__dossier_versions where load_id = 'load-z'") == [
        (0,)
    ], "a load whose range misses the window is not read"
    # the decoy re-checked and rejected: a full rebuild does not read it either
    write_verdict(
        landing, "load-z", "rejected", load_date="2025-04-05", checked_at=dt.datetime(2025, 4, 5, tzinfo=dt.UTC)
    )
    assert_same_as_a_full_rebuild(tmp, "2025-04-05")


def test_the_marts_recompute_the_periods_a_late_update_touched_and_those_a_dossier_or_a_vote_left(landed):
    """(After the tests above, as of 5 April.) The models incremental by period recompute the periods listed in
    int_recomputed_periods (dbt_project/macros/period_increments.sql): those whose status rows, votes or
    feedback a build deleted or inserted; the list is emptied once applied. 6 May: a late update moves D6's
    reception from 25 February to 3 March (February, closed, loses its only row and gains none) and gives D2
    (finished 10 March) a vote of 2 April. 7 May: D2's vote moves to May: April, closed and applied by then,
    holds no status row of D2; only the old vote's period says it changed."""
    tmp = landed
    d2 = {
        "status": 10,
        "NgayKetThucXuLy": "20250310160000",
        "NgayTra": "20250327100000",
        "QuaTrinhXuLy": [_step(1, "OFF_B", 9, "20250310160000"), _step(2, "OFF_D", 10, "20250327100000")],
    }

    def d2_voting(version: str, voted: str) -> dict:
        return _dossier(
            D2, "20250303090000", "20250314170000", version=version, **d2,
            DanhGia=[{"MucDoHaiLong": 1, "NgayDanhGia": voted}],
        )  # fmt: skip

    def votes_by_period() -> dict[str, int]:
        sql = "select period_key, votes_cast from marts.mart_agency_service_quality where agency_code = ?"
        return dict(query(tmp, sql, J))

    moved_d6 = _dossier(
        D6, "20250303080000", "20250311170000", status=4, version="20250505100000", agency=PLANNING,
        QuaTrinhXuLy=[_step(1, "OFF_C", 4, "20250303090000")],
    )  # fmt: skip
    landing = tmp / "landing"
    write_landing(
        landing, [moved_d6, d2_voting("20250505110000", "20250402090000")], load_id="load-f", load_date="2025-05-06"
    )
    build(tmp, as_of="2025-05-06", window=("2025-05-05", "2025-05-06"))
    assert query(tmp, "select count(*) from intermediate.int_dossier_period_status where period_key = '2025-02'") == [
        (0,)
    ], "D6 left February"
    assert query(tmp, "select count(*) from marts.mart_agency_service_quality where period_key = '2025-02'") == [(0,)]
    assert query(tmp, f"select count(*) from {LISTED}") == [(0,)], "applied: emptied"
    assert votes_by_period()["2025-04"] == 1

    write_landing(landing, [d2_voting("20250506110000", "20250506090000")], load_id="load-g", load_date="2025-05-07")
    build(tmp, as_of="2025-05-07", window=("2025-05-06", "2025-05-07"))
    votes = votes_by_period()
    assert (votes["2025-04"], votes["2025-05"]) == (0, 1), "the vote moved from April to May"
    assert_same_as_a_full_rebuild(tmp, "2025-05-07")


def test_a_dossier_without_a_version_keeps_the_rows_of_its_latest_load(tmp_path):
    """latest_child_rows takes the highest version of a dossier by a group by, which relies on each
    version coming from one load; a missing NgayCapNhat is one version too, the oldest (macro
    version_key). D1 has no version in loads A and B: B's steps only (A's two steps are gone, B has
    one). D2 has a version in A and none in B: A's versioned steps win ("no version" sorts last).
    Cost: two small dbt invocations, about 20 s."""
    landing = tmp_path / "landing"
    write_landing(
        landing,
        [
            _dossier(
                D1,
                "20250303080000",
                "20250317170000",
                status=4,
                version=None,
                QuaTrinhXuLy=[_step(1, "OFF_A", 4, "20250303090000"), _step(2, "OFF_A", 4, "20250304090000")],
            ),
            _dossier(
                D2,
                "20250303090000",
                "20250314170000",
                status=4,
                version="20250310000000",
                QuaTrinhXuLy=[_step(1, "OFF_B", 4, "20250303100000")],
            ),
        ],
        load_id="load-a",
        load_date="2025-03-11",
        loaded_at=T0,
    )
    write_landing(
        landing,
        [
            _dossier(
                D1,
                "20250303080000",
                "20250317170000",
                status=4,
                version=None,
                QuaTrinhXuLy=[_step(1, "OFF_C", 9, "20250312090000")],
            ),
            _dossier(
                D2,
                "20250303090000",
                "20250314170000",
                status=9,
                version=None,
                QuaTrinhXuLy=[_step(1, "OFF_B", 9, "20250312100000")],
            ),
        ],
        load_id="load-b",
        load_date="2025-03-12",
        loaded_at=T0 + dt.timedelta(days=1),
    )
    build(tmp_path, as_of="2025-03-31", full_refresh=True, intermediate=INTERMEDIATE_MODELS)

    assert steps_of(tmp_path, D1) == [(1, 9, "load-b")]
    assert steps_of(tmp_path, D2) == [(1, 4, "load-a")]
    # the version table keeps D1's unversioned steps from one load only: its latest
    assert query(
        tmp_path,
        "select load_id, count(*) from staging.stg_one_stop_shop__process_step_versions "
        f"where dossier_code = '{D1}' group by 1",
    ) == [("load-b", 1)]
    full = staging(tmp_path)
    build(tmp_path, as_of="2025-03-31", window=("2025-03-12", "2025-03-13"), intermediate=INTERMEDIATE_MODELS)
    assert staging(tmp_path) == full, "a nightly build refreshes the unversioned rows to the same tables"


def test_a_loads_range_of_update_times_is_what_the_version_tables_parse(tmp_path):
    """The range the gate records (orchestration/update_ranges.py) parses as the models do (macro
    parse_source_timestamp): spaces trimmed; a tab, a 30 February or a missing stamp is no version (in every
    window), counted apart; the child rows carry their dossier's stamp. No dbt run."""
    from connectors.landing import LandingZone
    from connectors.one_stop_shop import DATASETS, UPDATE_FIELD
    from orchestration.update_ranges import update_time_range

    landing = tmp_path / "landing"
    write_landing(
        landing,
        [
            _dossier(D1, "20250303080000", "20250317170000", status=4, version=" 20250402101500 "),
            _dossier(
                D2,
                "20250303090000",
                "20250314170000",
                status=4,
                version="20250404080000",
                QuaTrinhXuLy=[_step(1, "OFF_B", 4, "20250303100000")],
            ),
            _dossier(D3, "20250312080000", "20250331170000", status=4, version="\t20250401000000"),
            _dossier(D4, "20250320080000", "20250403170000", status=4, version="20250230000000"),
            _dossier(D5, "20250312080000", "20250325170000", status=4, version=None),
        ],
        load_id="load-x",
        verdict=None,
    )
    assert update_time_range(LandingZone(landing), "one_stop_shop", DATASETS, "load-x", UPDATE_FIELD) == {
        "updated_at_min": at("2025-04-02 10:15"),
        "updated_at_max": at("2025-04-04 08:00"),
        "rows_without_updated_at": 3,
    }
    assert update_time_range(LandingZone(landing), "one_stop_shop", DATASETS, "load-none", UPDATE_FIELD) == {
        "updated_at_min": None,
        "updated_at_max": None,
        "rows_without_updated_at": 0,
    }


def test_the_gates_parse_of_update_times_is_the_models_parse():
    """orchestration/update_ranges.py repeats, in Python, the DuckDB body of macro parse_source_timestamp: a
    load's recorded range decides whether a nightly reads it, so a parse that drifted from the models' would
    leave versions unread. Change both together; this test fails when only one changes."""
    import re

    from orchestration.update_ranges import PARSED_UPDATE

    macros = (
        Path(__file__).resolve().parents[1] / "dbt_project/macros/cross_db/parse_source_timestamp.sql"
    ).read_text()
    duckdb_body = re.search(r"macro default__parse_source_timestamp\(expr\).*?-%\}(.*?)\{%-? endmacro", macros, re.S)
    body = re.sub(r"\{#-.*?-#\}", "", duckdb_body.group(1), flags=re.S).replace("{{ expr }}", "{field}")
    assert " ".join(body.split()) == " ".join(PARSED_UPDATE.split())
