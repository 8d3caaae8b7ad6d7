"""The whole pipeline on Apache Spark (local mode standing in for a cluster): `PAR_WAREHOUSE_TARGET=spark`
runs the Dagster job end to end, and every mart holds the same values as on DuckDB.

The DuckDB side is the whole pipeline on a small sandbox (one month at scale 0.2), one run shared with
the PostgreSQL test (tests/mart_parity.py). The Spark side is the same pipeline with the `spark`
target over the same sandbox month (landing, gates, the dbt steps on Spark, the mart metadata, the
headlines, the report and the analysts' snapshot read from Spark's tables), then one nightly increment
(yesterday pulled again) in which the cadre system's batch is rejected: the same marts are stopped as
on DuckDB (tests/test_pipeline_end_to_end.py), and after each run every mart equals DuckDB's. The
marts are read from the Parquet files of the Spark tables with DuckDB (reporting/warehouse.py), as the
pipeline reads them.

Cost, measured on the 2-core CI machine: see docs/scaling.md ("the parity test")."""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterEventType

from connectors.sandbox.cadre_api import write_export as write_cadre_export
from connectors.sandbox.cadre_data import CadreConfig, CadreSandbox
from orchestration.headlines import headline_rows
from reporting.warehouse import attach_spark_tables
from tests.mart_parity import END, SANDBOX, START, duckdb_reference_run, mart_differences, ordered_select
from tests.support.pipeline import gate_results, materialized, run, seeds_reloaded, settings_for

SPARK_INSTALLED = bool(shutil.which("java")) and all(
    importlib.util.find_spec(name) for name in ("pyspark", "dbt.adapters.spark")
)
# CI installs the spark dependency group and Java (`.ci/run`): there a missing Spark is a failure, not a skip.
pytestmark = pytest.mark.skipif(
    not SPARK_INSTALLED and not os.environ.get("CI"),
    reason="Spark is not installed: `make test EXTRA_GROUPS=spark` installs pyspark and dbt-spark, "
    "`bash .ci/system_packages.sh` Java (CI always does both)",
)

# Spark local mode on the CI machine's two cores, one partition after a shuffle (the data is small).
SPARK_ENVIRONMENT = {"PAR_SPARK_MASTER": "local[2]", "PAR_SPARK_SHUFFLE_PARTITIONS": "1"}
# What a run sets in this process's environment for its dbt steps (Settings.export_for_dbt), restored after.
EXPORTED = ("PAR_WAREHOUSE_TARGET", "PAR_LANDING_DIR", "PAR_WAREHOUSE_PATH", "PAR_SPARK_DIR", *SPARK_ENVIRONMENT)
WORKFORCE_MARTS = {
    "mart_workforce",
    "mart_public_service_units",
    "mart_commune_cadre_standards",
    "mart_official_rating_eligibility",
    "mart_head_accountability",
    "mart_official_performance",  # officials are persons of the cadre register
}


@pytest.fixture(scope="module")
def spark_runs(tmp_path_factory):
    """The DuckDB reference run's settings, and the Spark pipeline's settings with its two runs' results:
    the sandbox month, then the nightly increment with a rejected cadre batch."""
    assert SPARK_INSTALLED, (
        "Java, pyspark or dbt-spark is missing: `bash .ci/system_packages.sh` and "
        "`make test EXTRA_GROUPS=spark` install them"
    )
    on_duckdb = duckdb_reference_run(tmp_path_factory)
    with pytest.MonkeyPatch.context() as environment:
        for name in EXPORTED:  # restored as they are now when the block ends
            environment.setenv(name, SPARK_ENVIRONMENT.get(name, os.environ.get(name, "")))
        # dbt's data tests are left out on Spark (PAR_DBT_DATA_TESTS=0): ~300 Spark jobs, about half the
        # Spark run's time; they ran on the DuckDB reference, and every mart is compared with DuckDB's
        on_spark = settings_for(
            tmp_path_factory.mktemp("spark"), **SANDBOX, warehouse_target="spark", dbt_data_tests=False
        )
        first = run(on_spark, START, END)
        # the nightly run pulls yesterday again; the cadre system's export is beyond tolerance (the
        # rejected export of tests/test_pipeline_end_to_end.py). A real export needs a pseudonymisation
        # key: SANDBOX gives every parity run the same one, so persons hash alike on both engines
        cadre = CadreSandbox(CadreConfig(seed=7, scale=0.1, end=date(2026, 2, 28), defect_rate=0.06))
        export = write_cadre_export(cadre, on_spark.data_dir / "canbo.xlsx")
        nightly = run(dataclasses.replace(on_spark, cadre_export=export), END, END)
    return on_duckdb, on_spark, first, nightly


def spark_differences(on_duckdb, on_spark) -> tuple[dict[str, str], dict[str, int]]:
    """({mart: what differs} between DuckDB's warehouse and Spark's tables, {mart: rows on DuckDB})."""
    with duckdb.connect(":memory:") as dd:
        dd.execute("attach ? as warehouse (read_only)", [str(on_duckdb.warehouse_path)])
        spark_marts = [t for s, t in attach_spark_tables(dd, on_spark.warehouse_location, ("marts",))]
        dd_marts = [
            r[0]
            for r in dd.execute(
                "select table_name from information_schema.tables where table_catalog = 'warehouse' "
                "and table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        assert spark_marts == dd_marts and len(spark_marts) >= 20
        columns = {}
        for mart in spark_marts:
            columns[mart] = [r[0] for r in dd.execute(f'describe warehouse.marts."{mart}"').fetchall()]
            assert [r[0] for r in dd.execute(f'describe memory.marts."{mart}"').fetchall()] == columns[mart], mart
        differences = mart_differences(
            spark_marts,
            lambda mart: dd.execute(ordered_select(f'warehouse.marts."{mart}"', columns[mart])).fetchall(),
            lambda mart: dd.execute(ordered_select(f'memory.marts."{mart}"', columns[mart])).fetchall(),
            "Spark",
        )
        rows = {mart: dd.execute(f'select count(*) from warehouse.marts."{mart}"').fetchone()[0] for mart in dd_marts}
    return differences, rows


def test_the_pipeline_on_spark_builds_every_mart_as_on_duckdb(spark_runs):
    on_duckdb, on_spark, (result, events), _ = spark_runs
    assert result.success, "the pipeline failed on Spark"
    # the version tables and the marts are Spark's tables, under the Spark warehouse folder
    assert (on_spark.warehouse_location / "staging.db" / "stg_one_stop_shop__dossier_versions").is_dir()
    assert not on_spark.warehouse_path.exists(), "no DuckDB warehouse on the spark target"
    differences, rows = spark_differences(on_duckdb, on_spark)
    # the comparison is not vacuous: most marts hold rows, the service marts many
    assert sum(1 for count in rows.values() if count) >= 15 and rows["mart_agency_service_quality"] > 100, rows
    assert not differences, "marts that differ between DuckDB and Spark:\n" + "\n".join(
        f"{mart}: {what}" for mart, what in differences.items()
    )
    # every mart's materialisation carries its row count, read from Spark's tables
    counts = {
        e.asset_key.path[-1]: e.event_specific_data.materialization.metadata["dagster/row_count"].value
        for e in events
        if e.event_type == DagsterEventType.ASSET_MATERIALIZATION and e.asset_key.path[0] == "marts"
    }
    assert counts == rows
    # the closing table, the report and the analysts' snapshot read Spark's marts
    assert headline_rows(on_spark) == headline_rows(on_duckdb)
    report = next(
        e.event_specific_data.materialization.metadata["report_vi"].value
        for e in events
        if e.event_type == DagsterEventType.ASSET_MATERIALIZATION and e.asset_key.path == ["reports", "periodic_report"]
    )
    assert Path(report).exists()
    with duckdb.connect(str(on_spark.snapshot_path), read_only=True) as snapshot:
        published = {
            name: snapshot.execute(f'select count(*) from marts."{name}"').fetchone()[0]
            for (name,) in snapshot.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
    assert published == rows


def test_a_nightly_increment_on_spark_with_a_rejected_cadre_batch_stops_the_same_marts(spark_runs):
    on_duckdb, on_spark, (_, first_events), (result, events) = spark_runs
    assert result.success  # a rejected load skips the marts built from it; the run itself ends
    # the seeds are loaded by the first run only: on Spark too the nightly finds them current
    assert seeds_reloaded(first_events) == {True}
    assert seeds_reloaded(events) == {False}
    checks = gate_results(events)
    assert checks.pop("landing/cadre") is False
    assert checks and all(checks.values()), f"only the cadre gate fails: {checks}"
    built = {key.removeprefix("marts/") for key in materialized(events) if key.startswith("marts/")}
    # as on DuckDB (tests/test_pipeline_end_to_end.py): the one-stop-shop's marts are rebuilt, the
    # workforce marts and the officials' wait for a good cadre snapshot
    assert {"mart_agency_service_quality", "mart_province_service_quality", "mart_766_index"} <= built
    assert not WORKFORCE_MARTS & built
    # yesterday pulled again changes nothing: every mart still equals DuckDB's
    differences, _ = spark_differences(on_duckdb, on_spark)
    assert not differences, "marts that differ between DuckDB and Spark after the increment:\n" + "\n".join(
        f"{mart}: {what}" for mart, what in differences.items()
    )
