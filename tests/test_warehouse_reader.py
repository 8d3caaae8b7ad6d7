"""The one reader of the warehouse (reporting/warehouse.py) on the spark target: Spark's tables read
from their Parquet files (Hive layout, as Spark local mode and a cluster write them) through DuckDB.
Spark itself is not needed: the folders are written here as Spark writes them."""

from __future__ import annotations

import dataclasses

import duckdb
import pytest

from orchestration.headlines import optional_rows
from reporting.warehouse import open_warehouse
from tests.support.pipeline import settings_for


def spark_folder(root):
    """A Spark warehouse folder: marts.mart_a (two part files), staging.versions (partitioned by
    update_month, one partition 'none'), and a table being created (no Parquet file yet)."""
    warehouse = root / "warehouse"
    (warehouse / "marts.db" / "mart_a").mkdir(parents=True)
    (warehouse / "marts.db" / "mart_being_created").mkdir()
    (warehouse / "staging.db").mkdir()
    with duckdb.connect() as con:
        for part, rows in enumerate(([("x", 1)], [("y", 2), ("z", None)])):
            values = ", ".join(f"('{k}', {'null' if v is None else v})" for k, v in rows)
            con.execute(
                f"copy (select * from (values {values}) as t(key, amount)) "
                f"to '{warehouse}/marts.db/mart_a/part-0000{part}.snappy.parquet' (format parquet)"
            )
        con.execute(
            "copy (select * from (values ('d1', '2022-01'), ('d2', '2022-02'), ('d3', 'none')) as t(code, update_month)) "
            f"to '{warehouse}/staging.db/versions' (format parquet, partition_by (update_month))"
        )
    return warehouse


def test_the_spark_target_reads_the_tables_files_through_the_same_queries(tmp_path):
    warehouse = spark_folder(tmp_path)
    with open_warehouse("spark", warehouse) as con:
        assert con.rows("select key, amount from marts.mart_a order by key") == [
            {"key": "x", "amount": 1},
            {"key": "y", "amount": 2},
            {"key": "z", "amount": None},
        ]
        assert con.rows("select sum(amount) as total from marts.mart_a where key <> ?", "x") == [{"total": 2}]
        # a partitioned table: its partition column read back, last, as Spark orders it
        rows = con.rows("select * from staging.versions order by code")
        assert [list(r) for r in rows][0] == ["code", "update_month"]
        assert [r["update_month"] for r in rows] == ["2022-01", "2022-02", "none"]
        # a table without a file yet is no table: "no such table", as a mart never built
        with pytest.raises(duckdb.CatalogException):
            con.rows("select * from marts.mart_being_created")


def test_the_closing_tables_of_a_spark_warehouse_skip_marts_never_built(tmp_path):
    settings = dataclasses.replace(settings_for(tmp_path), warehouse_target="spark", spark_dir=tmp_path)
    spark_folder(tmp_path)
    assert settings.warehouse_location == tmp_path / "warehouse"
    assert optional_rows(settings, "select count(*) as n from marts.mart_a") == [{"n": 3}]
    assert optional_rows(settings, "select * from marts.mart_workforce") == []
