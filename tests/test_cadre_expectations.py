"""The GX suites of the cadre system and the PAR ranking on a good and on a defective export, read
the way the gate reads a landed load (Parquet -> pandas)."""

from __future__ import annotations

from datetime import date

import pytest

from connectors import cadre
from connectors.ingest import land_pull
from connectors.landing import LandingZone
from connectors.pseudonymise import SANDBOX_KEY, Pseudonymiser
from connectors.sandbox.cadre_api import write_export, write_ranking_files
from connectors.sandbox.cadre_data import CadreConfig, CadreSandbox
from expectations.cadre import validate_cadre_batch, validate_ranking_batch

CLOCK = date(2025, 6, 30)
pseudonymise = Pseudonymiser(SANDBOX_KEY)


def landed_export(tmp_path, defect_rate, name, pseudonymiser=pseudonymise):
    """Write the sandbox's XLSX export, land it as orchestration does, read the load back as the gate does."""
    sandbox = CadreSandbox(CadreConfig(seed=5, scale=0.3, end=CLOCK, defect_rate=defect_rate))
    path = write_export(sandbox, tmp_path / f"{name}.xlsx")
    landing = LandingZone(tmp_path / name)
    summary = land_pull(
        landing,
        cadre.SOURCE,
        "export",
        f"file://{path}",
        lambda c: cadre.read_export(path, skip=c),
        lambda items: cadre.flatten(items, pseudonymiser),
    )
    frames = {d: landing.read_load(cadre.SOURCE, d, summary.load_id).to_pandas() for d in cadre.DATASETS}
    return frames, summary.load_id, sandbox


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    return landed_export(tmp_path_factory.mktemp("good"), 0.004, "good")


@pytest.fixture(scope="module")
def defective(tmp_path_factory):
    return landed_export(tmp_path_factory.mktemp("bad"), 0.06, "bad")


def failed(result):
    return {(r.dataset, r.expectation, r.column) for r in result.failed()}


def test_a_good_export_passes_and_its_few_defects_are_counted(good):
    frames, load_id, sandbox = good
    result = validate_cadre_batch(frames, load_id)
    assert result.success, result.summary()
    assert {d.dataset for d in result.datasets} == set(cadre.DATASETS)
    # the sandbox's defects within tolerance are flagged (staging quarantines them), not hidden
    bad_ratings = sum(
        a.rating not in ("HTXSNV", "HTTNV", "HTNV", "KHTNV") for a in sandbox.appraisals if a.decided_on <= CLOCK
    )
    rating_rule = next(
        r
        for r in result.results
        if r.dataset == "appraisals"
        and r.column == "MucXepLoai"
        and r.expectation == "expect_column_values_to_be_in_set"
    )
    assert rating_rule.unexpected_count == bad_ratings > 0


def test_a_defective_export_is_rejected_naming_the_rules(defective):
    frames, load_id, _ = defective
    result = validate_cadre_batch(frames, load_id)
    assert not result.success
    assert ("appraisals", "expect_column_values_to_be_in_set", "MucXepLoai") in failed(result)
    assert ("persons", "expect_column_pair_values_a_to_be_greater_than_b", "NgayKetThuc,NgayBatDau") in failed(result)


def test_a_raw_name_a_second_snapshot_date_or_a_foreign_row_is_rejected(good):
    frames, load_id, _ = good
    persons = frames["persons"].copy()
    persons.loc[0, "HoTen"] = "Nguyễn Văn An"
    persons.loc[1, cadre.SNAPSHOT_FIELD] = date(2020, 1, 1)
    persons.loc[2, "_load_id"] = "another-load"
    assert persons["TaiKhoanMotCua"].str.contains(";").any()  # persons with two accounts pass
    persons.loc[3, "TaiKhoanMotCua"] = "hungnv.h3400"  # an account landed unhashed
    result = validate_cadre_batch({**frames, "persons": persons}, load_id)
    assert {
        ("persons", "expect_column_values_to_match_regex", "TaiKhoanMotCua"),
        ("persons", "expect_column_values_to_not_match_regex", "HoTen"),
        ("persons", "expect_column_unique_value_count_to_be_between", cadre.SNAPSHOT_FIELD),
        ("persons", "expect_column_values_to_be_in_set", "_load_id"),
    } <= failed(result)


def test_a_missing_column_fails_cleanly(good):
    frames, load_id, _ = good
    result = validate_cadre_batch({"staffing_quotas": frames["staffing_quotas"].drop(columns=["Nam"])}, load_id)
    assert not result.success
    assert any(r.exception == "missing column(s): Nam" for r in result.failed())


def test_the_ranking_suite_on_good_and_defective_files(tmp_path):
    sandbox = CadreSandbox(CadreConfig(seed=5, scale=0.05, end=date(2026, 3, 1), defect_rate=0.0))
    write_ranking_files(sandbox, tmp_path / "files")
    landing = LandingZone(tmp_path / "landing")
    summary = land_pull(
        landing,
        cadre.RANKING_SOURCE,
        "files",
        "file://files",
        lambda c: cadre.read_ranking_files(tmp_path / "files"),
        cadre.flatten_rankings,
    )
    frame = landing.read_load(cadre.RANKING_SOURCE, cadre.RANKING_DATASET, summary.load_id).to_pandas()
    assert sorted(frame["Nam"].unique()) == [2022, 2023, 2024, 2025]
    assert validate_ranking_batch({"rankings": frame}, summary.load_id).success
    bad = frame.copy()
    bad.loc[0, "XepLoai"] = "Xuất sắc"
    bad.loc[1, "TongDiem"] = 120
    result = validate_ranking_batch({"rankings": bad}, summary.load_id)
    assert {
        ("rankings", "expect_column_values_to_be_in_set", "XepLoai"),
        ("rankings", "expect_column_values_to_be_between", "TongDiem"),
    } <= failed(result)
