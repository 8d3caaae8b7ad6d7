"""The same pipeline on a real PostgreSQL server: every mart holds the same values as on DuckDB, and
the analysts' role reads the marts and nothing else."""

from __future__ import annotations

import os

import duckdb
import pytest
from dagster import DagsterInstance

from orchestration.cli import run_pipeline
from orchestration.postgres import landed_tables
from orchestration.warehouse import manifest_path
from tests.mart_parity import END, SANDBOX, START, duckdb_reference_run, mart_differences, ordered_select
from tests.postgres_server import postgres_server, requires_postgres
from tests.support.pipeline import settings_for

pytestmark = requires_postgres

ANALYST, ANALYST_PASSWORD = "par_analyst", "analyst-test-password"


def run(settings):
    with DagsterInstance.ephemeral() as instance:
        result = run_pipeline(START, END, settings, instance=instance)
    assert result.success
    return result


@pytest.fixture(scope="module")
def server():
    with postgres_server() as pg:
        with pg.connect() as admin, admin.cursor() as cur:
            cur.execute(f"create role {ANALYST} login password '{ANALYST_PASSWORD}'")
        # the runs export their settings for dbt (PAR_WAREHOUSE_TARGET...): restore them for the next modules
        saved = {
            k: os.environ.get(k) for k in [*pg.env(), "PAR_WAREHOUSE_TARGET", "PAR_LANDING_DIR", "PAR_WAREHOUSE_PATH"]
        }
        os.environ.update(pg.env())
        try:
            yield pg
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


@pytest.fixture(scope="module")
def both(server, tmp_path_factory):
    """The same sandbox month built on DuckDB and on PostgreSQL."""
    on_duckdb = duckdb_reference_run(tmp_path_factory)
    on_postgres = settings_for(tmp_path_factory.mktemp("postgres"), **SANDBOX, warehouse_target="postgres")
    run(on_postgres)
    return on_duckdb, on_postgres


def _rows(cursor, sql):
    cursor.execute(sql)
    return cursor.fetchall()


def test_every_mart_holds_the_same_values_on_duckdb_and_postgresql(server, both):
    on_duckdb, _ = both
    with (
        server.connect() as pg,
        pg.cursor() as cur,
        duckdb.connect(str(on_duckdb.warehouse_path), read_only=True) as dd,
    ):
        cur.execute("select table_name from information_schema.tables where table_schema = 'marts' order by 1")
        pg_marts = [r[0] for r in cur.fetchall()]
        dd_marts = [
            r[0]
            for r in dd.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        assert pg_marts == dd_marts and len(pg_marts) >= 3
        columns = {}
        for mart in pg_marts:
            cur.execute(
                "select column_name from information_schema.columns where table_schema = 'marts' "
                "and table_name = %s order by ordinal_position",
                (mart,),
            )
            columns[mart] = [r[0] for r in cur.fetchall()]
            dd_columns = [
                r[0]
                for r in dd.execute(
                    "select column_name from information_schema.columns where "
                    "table_schema = 'marts' and table_name = ? order by ordinal_position",
                    [mart],
                ).fetchall()
            ]
            assert columns[mart] == dd_columns, mart
        differences = mart_differences(
            pg_marts,
            lambda mart: _rows(dd.cursor(), ordered_select(f'marts."{mart}"', columns[mart])),
            lambda mart: _rows(cur, ordered_select(f'marts."{mart}"', columns[mart])),
            "PostgreSQL",
        )
    assert len(compared_rows := [m for m in pg_marts if m not in differences]) >= 3, compared_rows
    assert not differences, "marts that differ between DuckDB and PostgreSQL:\n" + "\n".join(
        f"{mart}: {what}" for mart, what in differences.items()
    )


def test_the_landing_schemas_hold_every_landed_row_once(server, both):
    _, on_postgres = both
    tables = landed_tables(manifest_path(), on_postgres.landing_dir)
    assert {"landing_one_stop_shop", "landing_budget_disclosures", "landing_cadre", "landing_audit"} <= {
        t.schema for t in tables
    }
    # a table whose source declares its own location: the budget crawl's file errors, an audit record
    assert ("landing_budget_disclosures", "file_errors", ("_audit", "budget_file_errors")) in {
        (t.schema, t.name, t.folder.parts[-2:]) for t in tables
    }
    with server.connect() as pg, pg.cursor() as cur, duckdb.connect() as dd:
        for table in tables:
            cur.execute(f"select count(*) from {table.schema}.{table.name}")
            on_server = cur.fetchone()[0]
            landed = dd.execute(
                f"select count(*) from read_parquet('{table.folder}/*/*.parquet', union_by_name = true)"
            ).fetchone()[0]
            assert on_server == landed, f"{table.schema}.{table.name}: {on_server} rows on the server, {landed} landed"
    # loading again copies no part twice (the audit records, under _audit/, are replaced whole)
    from orchestration.postgres import load_landing

    copied = load_landing(manifest_path(), on_postgres.landing_dir)
    batches = [t for t in tables if t.folder.parent.name != "_audit"]
    assert {name: rows for name, rows in copied.items() if name in {f"{t.schema}.{t.name}" for t in batches}} == {
        f"{t.schema}.{t.name}": 0 for t in batches
    }


def test_the_headline_table_reads_the_postgresql_warehouse(both, capsys):
    from orchestration.headlines import print_headlines

    _, on_postgres = both
    assert not on_postgres.warehouse_path.exists(), "nothing was written to DuckDB"
    assert print_headlines(on_postgres) == 0
    assert "\n2022 " in capsys.readouterr().out.replace("  ", " ")


def test_the_analysts_role_reads_the_marts_and_nothing_else(server, both):
    from psycopg2 import errors

    with server.connect(ANALYST, ANALYST_PASSWORD) as pg, pg.cursor() as cur:
        cur.execute("select count(*) from marts.mart_province_service_quality")
        assert cur.fetchone()[0] > 0
        pg.rollback()
        for denied in (
            "select count(*) from staging.stg_one_stop_shop__dossiers",
            "select count(*) from intermediate.int_dossier_period_status",
            "select count(*) from landing_one_stop_shop.dossiers",
            "select count(*) from reference.agencies",
            "delete from marts.mart_province_service_quality",
            "create table marts.mine (x integer)",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                cur.execute(denied)
            pg.rollback()
