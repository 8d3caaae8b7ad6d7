"""The one-stop-shop GX gate against small hand-built batches.

Every number asserted below is counted by hand from the rows each test builds: which rows are
defective and which rows each rule looks at (format and code rules skip nulls; the date-order
rule skips a row where either date is null).
"""

from __future__ import annotations

import pandas as pd
import pytest

from expectations.gx_runner import (
    GX_BATCH_VERDICTS_COLUMNS,
    GX_RESULTS_COLUMNS,
    ExpectationDef,
    audit_frames,
    gx_batch_verdict_row,
    gx_results_rows,
    validate_dataframe,
)
from expectations.one_stop_shop import (
    DATASETS,
    SUITES,
    TOLERANCES,
    dossier_code_regex,
    validate_one_stop_shop_batch,
)
from tests.support.one_stop_shop_rows import HASH, LOAD_ID, batch_columns, code, dossier

REGEX = "expect_column_values_to_match_regex"
ORDER = "expect_column_pair_values_a_to_be_greater_than_b"
IN_SET = "expect_column_values_to_be_in_set"
BETWEEN = "expect_column_values_to_be_between"
NOT_NULL = "expect_column_values_to_not_be_null"
UNIQUE = "expect_compound_columns_to_be_unique"
COLUMNS = "expect_table_columns_to_match_set"
DTYPE = "expect_column_dtype_to_be_in"


# --------------------------------------------------------------------------- row factory


def child(dataset: str, i: int, n: int = 1, **overrides) -> dict:
    """The n-th item of dossier i's list for `dataset`."""
    keys = {"MaHoSo": code(i), "NgayCapNhat": "20240116090000"}
    fields = {
        "process_steps": {
            "ThuTu": n,
            "NguoiXuLy": HASH,
            "TaiKhoanXuLy": HASH,
            "ChucDanh": "Chuyên viên",
            "ThoiDiemXuLy": "20240105083000",
            "TrangThai": 4,
            "NgayKetThucTheoQuyDinh": "20240112170000",
        },
        "supplements": {
            "LanBoSung": n,
            "NgayYeuCau": "20240108090000",
            "CoVanBanYeuCau": 1,
            "NgayBoSung": "20240109100000",
            "NgayHenTraTruoc": "20240119170000",
            "NgayHenTraMoi": "20240122170000",
        },
        "apologies": {"LanXinLoi": n, "NgayXinLoi": "20240119160000", "NgayHenTraMoi": "20240126170000"},
        "fees": {"MaPhiLePhi": "LP01", "TenPhiLePhi": "Lệ phí cấp phiếu", "Gia": 200_000},
        "documents": {
            "MaGiayTo": "GT01",
            "TenGiayTo": "Tờ khai",
            "DuocSoHoa": 1,
            "DuocTaiSuDung": 0,
            "DuocLayTuKhoDMQG": 0,
        },
        "results": {"MaGiayTo": "KQ01", "TenGiayTo": "Phiếu lý lịch tư pháp", "DuongDanTep": None},
        "votes": {"MucDoHaiLong": 1, "NgayDanhGia": "20240116091000"},
        "feedback": {
            "MaPAKN": f"PAKN-{i:04d}",
            "NgayTiepNhanPAKN": "20240117080000",
            "NgayTraLoiPAKN": "20240118080000",
        },
    }[dataset]
    return {**keys, **fields, **batch_columns(), **overrides}


def frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def clean_batch(n: int = 10) -> dict[str, pd.DataFrame]:
    frames = {"dossiers": frame([dossier(i) for i in range(n)])}
    frames["process_steps"] = frame([child("process_steps", i, k) for i in range(n) for k in (1, 2, 3)])
    for name in DATASETS:
        if name not in frames:
            frames[name] = frame([child(name, i) for i in range(n)])
    return frames


def by_key(result) -> dict[tuple[str, str, str | None], object]:
    out = {}
    for r in result.results:
        key = (r.dataset, r.expectation, r.column)
        assert key not in out or r.expectation in (DTYPE,), f"ambiguous key {key}"
        out[key] = r
    return out


def failing(result) -> dict[tuple[str, str, str | None], int | None]:
    return {(r.dataset, r.expectation, r.column): r.unexpected_count for r in result.failed()}


def flagged(result) -> dict[tuple[str, str, str | None], int]:
    """Row-level expectations that flagged at least one row, passed or not."""
    return {(r.dataset, r.expectation, r.column): r.unexpected_count for r in result.results if r.unexpected_count}


# --------------------------------------------------------------------------- tests


def test_suites_cover_every_dataset_with_a_column_check_first():
    assert (
        set(SUITES)
        == set(DATASETS)
        == {
            "dossiers",
            "process_steps",
            "supplements",
            "apologies",
            "fees",
            "documents",
            "results",
            "votes",
            "feedback",
        }
    )
    for name, defs in SUITES.items():
        assert defs[0].expectation == COLUMNS, name
        assert "MaHoSo" in defs[0].kwargs["column_set"]
        assert all(isinstance(d, ExpectationDef) for d in defs)
        for d in defs:
            mostly = d.kwargs.get("mostly")
            if mostly is not None:
                assert mostly in {t.mostly for t in TOLERANCES.values()}, (name, d)


def test_dossier_code_format_and_province():
    import re

    default = re.compile(dossier_code_regex())
    assert default.search("000.00.01.H34-240105-0012")
    assert default.search("000.01.22.H34-241231-9999")
    for bad in (
        "000.00.01.H35-240105-0012",
        "000.00.01.H34-240105-12",
        "000.00.01.H34-241305-0012",
        "00.00.01.H34-240105-0012",
        "000.00.01.H34-240105-0012 ",
        "HS-000.00.01.H34-240105-0012",
    ):
        assert not default.search(bad), bad
    assert re.search(dossier_code_regex("H35"), "000.00.01.H35-240105-0012")
    assert re.search(dossier_code_regex(None), "000.00.01.H07-240105-0012")
    with pytest.raises(ValueError):
        dossier_code_regex("34")


def test_clean_batch_passes():
    frames = clean_batch()
    result = validate_one_stop_shop_batch(frames, LOAD_ID)

    assert result.success and result.verdict == "accepted"
    assert result.expectations_failed == 0
    # every suite ran, plus the load-id rule added per dataset
    assert [d.dataset for d in result.datasets] == list(DATASETS)
    assert result.expectations_evaluated == sum(len(SUITES[n]) + 1 for n in DATASETS)
    assert result.rows_affected == 0 and result.rows_affected_exact
    assert flagged(result) == {}
    assert result.dataset("process_steps").row_count == 30


def test_defects_within_tolerance_pass_but_are_counted():
    # 200 dossiers; the tolerances are 98% (format, order, duplicates), 99% (codes), 90% (due date)
    rows = [dossier(i) for i in range(199)]
    rows[10]["MaHoSo"] = "000.00.01.H34-240105"  # no sequence number
    rows[20]["NgayHenTra"] = "20240104170000"  # due before reception (20240105083000)
    rows[30]["TrangThaiHoSo"] = 11  # unknown status
    rows[40]["NgayHenTra"] = None  # no appointment
    rows[50]["KenhThucHien"] = None  # null channel counts as in person: not a defect
    rows.append(dict(rows[60], _page=1))  # row 199 repeats row 60 on the next page
    frames = {"dossiers": frame(rows), "votes": frame([child("votes", i) for i in range(5)])}

    result = validate_one_stop_shop_batch(frames, LOAD_ID)

    assert result.verdict == "accepted", result.summary()
    assert flagged(result) == {
        ("dossiers", REGEX, "MaHoSo"): 1,
        ("dossiers", ORDER, "NgayHenTra,NgayTiepNhan"): 1,
        ("dossiers", IN_SET, "TrangThaiHoSo"): 1,
        ("dossiers", NOT_NULL, "NgayHenTra"): 1,
        ("dossiers", UNIQUE, "MaHoSo,NgayCapNhat"): 2,  # both copies are flagged
    }
    r = by_key(result)
    assert r[("dossiers", REGEX, "MaHoSo")].element_count == 200
    assert r[("dossiers", REGEX, "MaHoSo")].unexpected_percent == pytest.approx(0.5)
    assert r[("dossiers", REGEX, "MaHoSo")].sample_unexpected == ("000.00.01.H34-240105",)
    # the order rule skips row 40 (no due date): 1 of 199 rows it looked at
    assert r[("dossiers", ORDER, "NgayHenTra,NgayTiepNhan")].unexpected_percent == pytest.approx(100 / 199)
    assert r[("dossiers", NOT_NULL, "NgayHenTra")].unexpected_percent == pytest.approx(0.5)
    assert r[("dossiers", UNIQUE, "MaHoSo,NgayCapNhat")].unexpected_percent == pytest.approx(1.0)
    # distinct rows: 10, 20, 30, 40, 60 and its copy 199
    assert result.rows_affected == 6 and result.rows_affected_exact
    assert result.dataset("votes").rows_affected == 0


def test_defects_beyond_tolerance_fail_and_are_named():
    rows = [dossier(i) for i in range(50)]
    for i in range(10):  # rows 0-9: 20% bad dossier codes
        rows[i]["MaHoSo"] = f"HS{i:06d}"
    for i in range(10, 15):  # rows 10-14: 10% due date before reception
        rows[i]["NgayHenTra"] = "20240101170000"
    for i in range(15, 18):  # rows 15-17: 6% unknown statuses
        rows[i]["TrangThaiHoSo"] = 0 if i == 15 else 12
    votes = [child("votes", i) for i in range(10)]
    votes[3]["MucDoHaiLong"] = 5  # 2 of 10 votes on a level the seed does not know
    votes[7]["MucDoHaiLong"] = 4
    fees = [child("fees", i) for i in range(10)]
    fees[0]["Gia"] = -200_000  # 1 of 10 negative amounts
    frames = {"dossiers": frame(rows), "votes": frame(votes), "fees": frame(fees)}

    result = validate_one_stop_shop_batch(frames, LOAD_ID)

    assert result.verdict == "rejected"
    assert failing(result) == {
        ("dossiers", REGEX, "MaHoSo"): 10,
        ("dossiers", ORDER, "NgayHenTra,NgayTiepNhan"): 5,
        ("dossiers", IN_SET, "TrangThaiHoSo"): 3,
        ("votes", IN_SET, "MucDoHaiLong"): 2,
        ("fees", BETWEEN, "Gia"): 1,
    }
    assert result.expectations_failed == 5
    r = by_key(result)
    assert r[("dossiers", REGEX, "MaHoSo")].unexpected_percent == pytest.approx(20.0)
    assert r[("dossiers", ORDER, "NgayHenTra,NgayTiepNhan")].unexpected_percent == pytest.approx(10.0)
    assert r[("dossiers", IN_SET, "TrangThaiHoSo")].unexpected_percent == pytest.approx(6.0)
    assert sorted(r[("dossiers", IN_SET, "TrangThaiHoSo")].sample_unexpected) == [0, 12, 12]
    assert r[("votes", IN_SET, "MucDoHaiLong")].unexpected_percent == pytest.approx(20.0)
    assert r[("fees", BETWEEN, "Gia")].sample_unexpected == (-200_000,)
    # 18 dossier rows + 2 votes + 1 fee
    assert result.rows_affected == 21
    assert [d.rows_affected for d in result.datasets] == [18, 1, 2]  # DATASETS order: dossiers, fees, votes
    assert "MaHoSo" in result.summary() and "rejected" in result.summary()


def test_missing_required_column_fails_cleanly():
    frames = clean_batch(5)
    frames["dossiers"] = frames["dossiers"].drop(columns=["TrangThaiHoSo"])

    result = validate_one_stop_shop_batch(frames, LOAD_ID)  # must not raise

    assert result.verdict == "rejected"
    assert set(failing(result)) == {
        ("dossiers", COLUMNS, None),
        ("dossiers", DTYPE, "TrangThaiHoSo"),
        ("dossiers", NOT_NULL, "TrangThaiHoSo"),
        ("dossiers", IN_SET, "TrangThaiHoSo"),
        # the dates required of accepted dossiers only: which are accepted cannot be told
        ("dossiers", NOT_NULL, "NgayTiepNhan"),
        ("dossiers", NOT_NULL, "NgayHenTra"),
    }
    columns_check = next(x for x in result.failed() if x.expectation == COLUMNS)
    assert columns_check.details["mismatched"]["missing"] == ["TrangThaiHoSo"]
    for x in result.failed():
        if x.expectation != COLUMNS:
            assert x.exception == "missing column(s): TrangThaiHoSo"
    # the other datasets are judged as usual
    assert all(d.success for d in result.datasets if d.dataset != "dossiers")
    # GX could not list the rows of the rules on the missing column
    assert not result.rows_affected_exact


def test_wrong_type_fails():
    frames = {"dossiers": frame([dossier(i) for i in range(5)])}
    frames["dossiers"]["TrangThaiHoSo"] = frames["dossiers"]["TrangThaiHoSo"].astype(str)
    result = validate_one_stop_shop_batch(frames, LOAD_ID)
    assert result.verdict == "rejected"
    assert (("dossiers", DTYPE, "TrangThaiHoSo")) in failing(result)
    assert by_key(result)[("dossiers", DTYPE, "TrangThaiHoSo")].observed_value == "str"


def test_rows_of_another_load_are_rejected():
    rows = [dossier(i) for i in range(5)]
    rows[4]["_load_id"] = "some-other-load"
    result = validate_one_stop_shop_batch({"dossiers": frame(rows)}, LOAD_ID)
    assert failing(result) == {("dossiers", IN_SET, "_load_id"): 1}


def test_raw_personal_data_is_rejected():
    rows = [dossier(i) for i in range(100)]
    rows[5]["ChuHoSo"] = "Nguyễn Văn An"
    rows[6]["SoGiayToChuHoSo"] = "079123456789"
    result = validate_one_stop_shop_batch({"dossiers": frame(rows)}, LOAD_ID)
    assert failing(result) == {
        ("dossiers", "expect_column_values_to_not_match_regex", "ChuHoSo"): 1,
        ("dossiers", "expect_column_values_to_not_match_regex", "SoGiayToChuHoSo"): 1,
    }


def test_a_raw_official_account_is_rejected_and_a_missing_one_is_not():
    steps = [child("process_steps", i) for i in range(20)]
    steps[3]["TaiKhoanXuLy"] = "hungnv.h3400"  # landed unhashed
    steps[4]["TaiKhoanXuLy"] = None  # an older export names the handler only
    result = validate_one_stop_shop_batch(
        {"dossiers": frame([dossier(i) for i in range(20)]), "process_steps": frame(steps)}, LOAD_ID
    )
    assert failing(result) == {("process_steps", "expect_column_values_to_match_regex", "TaiKhoanXuLy"): 1}


def test_province_code_is_a_parameter():
    rows = [dossier(i, MaHoSo=code(i, "000.00.01.H35"), DonViXuLy="000.00.01.H35") for i in range(5)]
    frames = {"dossiers": frame(rows)}
    assert validate_one_stop_shop_batch(frames, LOAD_ID).verdict == "rejected"
    assert validate_one_stop_shop_batch(frames, LOAD_ID, province_code="H35").verdict == "accepted"
    assert validate_one_stop_shop_batch(frames, LOAD_ID, province_code=None).verdict == "accepted"


def test_unknown_dataset_is_refused():
    with pytest.raises(ValueError, match="dosiers"):
        validate_one_stop_shop_batch({"dosiers": frame([dossier(0)])}, LOAD_ID)


def test_audit_rows_follow_the_contract():
    rows = [dossier(i) for i in range(10)]
    rows[0]["MaHoSo"] = "bad"  # 10% bad codes: rejected
    frames = {"dossiers": frame(rows), "votes": frame([child("votes", i) for i in range(3)])}
    result = validate_one_stop_shop_batch(frames, LOAD_ID, source_system="one_stop_shop")

    results, verdicts = audit_frames(result)
    assert (
        tuple(results.columns)
        == GX_RESULTS_COLUMNS
        == (
            "load_id",
            "source_system",
            "dataset",
            "suite_name",
            "expectation",
            "column_name",
            "success",
            "element_count",
            "unexpected_count",
            "unexpected_percent",
            "checked_at",
        )
    )
    assert (
        tuple(verdicts.columns)
        == GX_BATCH_VERDICTS_COLUMNS
        == (
            "load_id",
            "source_system",
            "verdict",
            "expectations_evaluated",
            "expectations_failed",
            "rows_affected",
            "checked_at",
            "updated_at_min",
            "updated_at_max",
            "rows_without_updated_at",
        )
    )
    assert verdicts[["updated_at_min", "rows_without_updated_at"]].isna().all().all()  # no range given: null
    assert len(results) == result.expectations_evaluated == len(SUITES["dossiers"]) + len(SUITES["votes"]) + 2
    assert set(results["dataset"]) == {"dossiers", "votes"}
    assert set(results["suite_name"]) == {"one_stop_shop.dossiers", "one_stop_shop.votes"}
    assert (results["load_id"] == LOAD_ID).all() and (results["source_system"] == "one_stop_shop").all()
    bad = results[
        (results["expectation"] == REGEX) & (results["column_name"] == "MaHoSo") & (results["dataset"] == "dossiers")
    ]
    assert bad[["success", "element_count", "unexpected_count"]].values.tolist() == [[False, 10, 1]]
    assert bad["unexpected_percent"].iloc[0] == pytest.approx(10.0)
    assert int(results["success"].eq(False).sum()) == 1

    assert len(verdicts) == 1
    v = verdicts.iloc[0]
    assert (v["load_id"], v["verdict"], v["expectations_failed"], v["rows_affected"]) == (LOAD_ID, "rejected", 1, 1)
    assert v["expectations_evaluated"] == len(results)
    assert str(verdicts["checked_at"].dt.tz) == "UTC"
    assert (results["checked_at"] == verdicts["checked_at"].iloc[0]).all()

    # the same rows as plain dicts
    assert gx_batch_verdict_row(result)["verdict"] == "rejected"
    assert [set(d) for d in gx_results_rows(result)] == [set(GX_RESULTS_COLUMNS)] * len(results)


def test_runner_is_source_agnostic():
    df = pd.DataFrame({"id": [1, 2, 2, 4], "amount": [10, -1, 5, None]})
    defs = [
        ExpectationDef("expect_column_values_to_be_unique", {"column": "id"}),
        ExpectationDef("expect_column_values_to_be_between", {"column": "amount", "min_value": 0, "mostly": 0.5}),
    ]
    result = validate_dataframe(df, defs, dataset="ledger", load_id="L", source_system="budget")
    assert failing(result) == {("ledger", "expect_column_values_to_be_unique", "id"): 2}
    assert flagged(result)[("ledger", BETWEEN, "amount")] == 1
    # rows 1 and 2 (duplicates) and row 1 (negative): 2 distinct rows
    assert result.rows_affected == 2


def test_no_progress_bars_on_stderr(capfd):
    validate_one_stop_shop_batch({"votes": frame([child("votes", i) for i in range(3)])}, LOAD_ID)
    assert "Calculating Metrics" not in capfd.readouterr().err


def test_importing_the_suites_does_not_import_gx():
    import subprocess
    import sys

    code = (
        "import sys, expectations.one_stop_shop, expectations.gx_runner; "
        "print(any(m.startswith('great_expectations') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
