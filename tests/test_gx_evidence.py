"""What a GX gate's check shows in the UI: the failing expectations with a bounded sample of the values they
found, never a value of a personal field (even one landed unhashed, which the gate rejects), and a page with
the whole validation result. One small batch of hand-made dossiers."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
from dagster import AssetCheckSeverity

from expectations.one_stop_shop import validate_one_stop_shop_batch
from orchestration.gx_evidence import (
    PERSONAL,
    SAMPLE_VALUES,
    sample_of,
    sample_text,
    unexpected_samples,
    unexpected_values_text,
    write_validation_page,
)
from orchestration.quality_checks import _check_result
from tests.support.one_stop_shop_rows import LOAD_ID, dossier

RAW_NAME, RAW_ID = "Nguyễn Văn An", "079123456789"


def test_failing_expectations_carry_a_bounded_sample_and_no_personal_value(tmp_path):
    rows = [dossier(i) for i in range(40)]
    rows[5]["ChuHoSo"] = RAW_NAME  # landed unhashed: the gate rejects it, and must not repeat it
    rows[6]["SoGiayToChuHoSo"] = RAW_ID
    for i in range(10, 20):  # ten unknown status codes (99, 98, ...): more than a sample shows
        rows[i]["TrangThaiHoSo"] = 99 - (i - 10)
    result = validate_one_stop_shop_batch({"dossiers": pd.DataFrame(rows)}, LOAD_ID)
    assert result.verdict == "rejected"

    entries = {(e["expectation"], e["column"]): e for e in unexpected_samples(result)}
    status = entries[("expect_column_values_to_be_in_set", "TrangThaiHoSo")]
    assert status["failed"] and status["unexpected_rows"] == 10
    assert len(status["sample"]) == SAMPLE_VALUES and set(status["sample"]) <= set(range(90, 100))
    for column in ("ChuHoSo", "SoGiayToChuHoSo"):
        personal = entries[("expect_column_values_to_not_match_regex", column)]
        assert personal["failed"] and personal["unexpected_rows"] == 1 and personal["sample"] == PERSONAL

    page = write_validation_page(result, tmp_path / "gx_pages" / "one_stop_shop" / f"{LOAD_ID}.html")
    text = page.read_text()
    assert "rejected" in text and "TrangThaiHoSo" in text and "99" in text
    assert RAW_NAME not in text and RAW_ID not in text
    assert RAW_NAME not in str(unexpected_samples(result)) and RAW_ID not in str(unexpected_samples(result))

    check = _check_result(LOAD_ID, result, [LOAD_ID], page)  # what the gate reports to Dagster
    assert not check.passed and check.severity == AssetCheckSeverity.WARN  # the run goes on; the marts skip
    assert check.metadata["validation_page"].value == str(page)
    assert check.metadata["failed_expectations"].value == unexpected_samples(result)
    table = check.metadata["unexpected_values"].value  # shown inline in the UI
    assert "dossiers.TrangThaiHoSo: expect_column_values_to_be_in_set, 10 rows: 99, 98, 97, 96, 95" in table
    assert RAW_NAME not in table and RAW_ID not in table and PERSONAL in table


def test_the_check_links_the_staging_quarantine_and_the_build_counts_it_per_load(tmp_path):
    """The rows a row rule rejects are quarantined by staging, after the gate: the gate's check links the source's
    quarantine tables; the dbt step's materialisation of each carries its count, by reason and for this run's loads."""
    import duckdb
    from dagster import AssetKey

    from orchestration.mart_metadata import quarantine_metadata
    from orchestration.warehouse import quarantine_keys
    from reporting.warehouse import open_warehouse

    keys = quarantine_keys("one_stop_shop")
    assert keys == [AssetKey(["staging", "stg_one_stop_shop__dossiers_quarantine"])]
    assert quarantine_keys("cadre") == [
        AssetKey(["staging", "stg_cadre__appraisals_quarantine"]),
        AssetKey(["staging", "stg_cadre__persons_quarantine"]),
    ]
    result = validate_one_stop_shop_batch({"dossiers": pd.DataFrame([dossier(i) for i in range(10)])}, LOAD_ID)
    check = _check_result(LOAD_ID, result, [LOAD_ID], tmp_path / "page.html", keys)
    link = check.metadata["quarantine: stg_one_stop_shop__dossiers_quarantine"]
    assert link.value == keys[0]  # a link to the table's asset page in the UI
    assert "quarantined_from_this_run" in check.metadata["quarantine_count"].value

    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema staging")
        con.execute("""create table staging.stg_one_stop_shop__dossiers_quarantine as select * from (values
            ('invalid_dossier_code', 'L1'), ('invalid_dossier_code', 'L2'), ('unknown_agency_code', 'L2'),
            ('end_before_reception', 'L0')) t(quarantine_reason, load_id)""")
    with open_warehouse("duckdb", path) as warehouse:
        metadata = quarantine_metadata(warehouse, "stg_one_stop_shop__dossiers_quarantine", ["L1", "L2"])
    assert metadata["dagster/row_count"].value == 4
    assert metadata["quarantined_from_this_run (rows)"].value == 3
    assert metadata["quarantined_by_reason"].value == {
        "end_before_reception": 1,
        "invalid_dossier_code": 2,
        "unknown_agency_code": 1,
    }
    assert metadata["loads_of_this_run"].value == ["L1", "L2"]
    # as the dbt step yields it: the quarantine table's output, named after its key, gets the counts
    from dagster import Output

    from orchestration.mart_metadata import with_mart_metadata

    built = Output(None, output_name="staging__stg_one_stop_shop__dossiers_quarantine")
    [event] = list(with_mart_metadata([built], "duckdb", path, None, ["L1"]))
    assert event.metadata["quarantined_from_this_run (rows)"].value == 1


def test_a_pair_sample_reads_as_its_two_values_not_python_reprs():
    """A pair rule's unexpected values are (a, b) pairs: shown as `(a, b)` with the values as a user reads them
    (a timestamp as `2024-01-20 08:30:00`, never `np.datetime64(...)` or `Timestamp(...)`), each pair once."""
    rows = [dossier(i) for i in range(40)]
    for i in range(3):  # received after its due date and its end: two pair rules find them
        rows[i]["NgayTiepNhan"] = "20240120083000"
    result = validate_one_stop_shop_batch({"dossiers": pd.DataFrame(rows)}, LOAD_ID)
    text = unexpected_values_text(result)
    assert "NgayHenTra,NgayTiepNhan: expect_column_pair_values_a_to_be_greater_than_b, 3 rows: " in text, text
    assert text.count("(20240119170000, 20240120083000)") == 1, text  # the same pair three times: shown once
    assert "'" not in text and '"' not in text, text

    # the cadre export's dates land as timestamps: GX hands back numpy and pandas values
    pair = SimpleNamespace(
        column="NgayBatDau,NgayKetThuc",
        kwargs={"column_A": "NgayKetThuc", "column_B": "NgayBatDau"},
        sample_unexpected=[
            [np.datetime64("2024-01-20T08:30:00.000000000"), pd.Timestamp("2024-03-01")],
            (pd.Timestamp("2023-05-02 10:00"), np.datetime64("NaT")),
        ],
    )
    shown = sample_of(pair)  # the check's JSON metadata: each pair a list of two plain values
    assert shown == [["2024-01-20 08:30:00", "2024-03-01"], ["2023-05-02 10:00:00", None]], shown
    assert sample_text(shown) == "(2024-01-20 08:30:00, 2024-03-01), (2023-05-02 10:00:00, missing)"
