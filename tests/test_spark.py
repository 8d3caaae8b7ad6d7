"""The same dbt project on Apache Spark (local mode standing in for a cluster): every mart holds the
same values as on DuckDB, built from the same landed Parquet.

The DuckDB side is the whole pipeline on a small sandbox (one month at scale 0.2), one run shared with
the PostgreSQL test (tests/mart_parity.py). The Spark side is one `dbt build` of the seeds and every
model with the `spark` target over that run's landing zone: one Spark session (a JVM start) instead of
one per Dagster step, and no data tests (they run on DuckDB in test_dbt_build.py; on Spark they would
add minutes). The marts are read back from the Parquet files of the Spark tables with DuckDB, which
avoids a second JVM.

Cost, measured on the 2-core CI machine: see docs/scaling.md ("the parity test")."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import DBT_PROJECT_DIR
from tests.mart_parity import duckdb_reference_run, mart_differences, ordered_select

SPARK_INSTALLED = bool(shutil.which("java")) and all(
    importlib.util.find_spec(name) for name in ("pyspark", "dbt.adapters.spark")
)
# CI installs the spark dependency group and Java (`.ci/run`): there a missing Spark is a failure, not a skip.
pytestmark = pytest.mark.skipif(
    not SPARK_INSTALLED and not os.environ.get("CI"),
    reason="Spark is not installed: `make test EXTRA_GROUPS=spark` installs pyspark and dbt-spark, "
    "`bash .ci/system_packages.sh` Java (CI always does both)",
)


def spark_build(landing_dir: Path, spark_dir: Path, target_path: Path) -> subprocess.CompletedProcess:
    """`dbt build` of the seeds and models on Spark local mode over `landing_dir`."""
    env = {
        **os.environ,
        "PAR_WAREHOUSE_TARGET": "spark",
        "PAR_LANDING_DIR": str(landing_dir),
        "PAR_SPARK_DIR": str(spark_dir),
        "PAR_SPARK_MASTER": "local[2]",
        "PAR_SPARK_SHUFFLE_PARTITIONS": "1",
    }
    for name in ("PAR_WINDOW_START", "PAR_WINDOW_END"):
        env.pop(name, None)
    dbt = Path(sys.executable).parent / "dbt"
    return subprocess.run(
        [str(dbt), "build", "--resource-type", "seed", "--resource-type", "model", "--target-path", str(target_path)],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The same sandbox month built on DuckDB (the pipeline) and on Spark (dbt over the same landing zone)."""
    assert SPARK_INSTALLED, (
        "Java, pyspark or dbt-spark is missing: `bash .ci/system_packages.sh` and "
        "`make test EXTRA_GROUPS=spark` install them"
    )
    on_duckdb = duckdb_reference_run(tmp_path_factory)
    spark_dir = tmp_path_factory.mktemp("spark")
    built = spark_build(on_duckdb.landing_dir, spark_dir, spark_dir / "dbt_target")
    assert built.returncode == 0, "dbt build on Spark failed:\n" + built.stdout[-6000:]
    return on_duckdb, spark_dir / "warehouse"


def spark_table(warehouse: Path, schema: str, table: str) -> str:
    """A table of the Spark warehouse (Hive layout: <warehouse>/<schema>.db/<table>/) as DuckDB reads it."""
    return f"read_parquet('{warehouse / f'{schema}.db' / table}/*.parquet')"


def test_every_mart_holds_the_same_values_on_duckdb_and_spark(both):
    on_duckdb, warehouse = both
    spark_marts = sorted(folder.name for folder in (warehouse / "marts.db").iterdir() if folder.is_dir())
    with duckdb.connect(str(on_duckdb.warehouse_path), read_only=True) as dd:
        dd_marts = [
            r[0]
            for r in dd.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        assert spark_marts == dd_marts and len(spark_marts) >= 20
        columns = {}
        for mart in spark_marts:
            columns[mart] = [
                r[0]
                for r in dd.execute(
                    "select column_name from information_schema.columns where "
                    "table_schema = 'marts' and table_name = ? "
                    "order by ordinal_position",
                    [mart],
                ).fetchall()
            ]
            on_spark = dd.sql(f"select * from {spark_table(warehouse, 'marts', mart)} limit 0").columns
            assert on_spark == columns[mart], mart
        differences = mart_differences(
            spark_marts,
            lambda mart: dd.execute(ordered_select(f'marts."{mart}"', columns[mart])).fetchall(),
            lambda mart: dd.execute(ordered_select(spark_table(warehouse, "marts", mart), columns[mart])).fetchall(),
            "Spark",
        )
        rows = {mart: dd.execute(f'select count(*) from marts."{mart}"').fetchone()[0] for mart in spark_marts}
    # the comparison is not vacuous: most marts hold rows, the service marts many
    assert sum(1 for count in rows.values() if count) >= 15 and rows["mart_agency_service_quality"] > 100, rows
    assert not differences, "marts that differ between DuckDB and Spark:\n" + "\n".join(
        f"{mart}: {what}" for mart, what in differences.items()
    )
