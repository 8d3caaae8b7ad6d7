"""The shared XLSX conventions: Vietnamese dates and numbers, header search, errors naming the cell."""

from datetime import date
from decimal import Decimal

import pytest

from connectors.spreadsheet import (
    CellLocation,
    SpreadsheetError,
    find_header_row,
    format_vn_number,
    iter_records,
    parse_vn_date,
    parse_vn_number,
    sheet_rows,
    write_workbook,
)
from tests.support.workbooks import with_stale_dimension

HERE = CellLocation("cadre.xlsx", "Nhân sự", 7, 3)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1.234.567,5", Decimal("1234567.5")),
        ("1234", Decimal(1234)),
        ("0,25", Decimal("0.25")),
        ("(1.200)", Decimal(-1200)),
        ("-3.000", Decimal(-3000)),
        (12.5, Decimal("12.5")),
        ("-", Decimal(0)),
        (None, None),
        ("  ", None),
    ],
)
def test_vietnamese_numbers(text, expected):
    assert parse_vn_number(text, HERE) == expected


@pytest.mark.parametrize("text", ["12,345.6", "1.23.4", "abc", "1.234,5 triệu", True])
def test_text_in_a_number_cell_names_the_cell(text):
    with pytest.raises(SpreadsheetError, match=r"cadre.xlsx, sheet 'Nhân sự', cell C7 \(row 7, column C\)"):
        parse_vn_number(text, HERE)


def test_number_round_trip():
    assert format_vn_number(Decimal("1234567.5"), 1) == "1.234.567,5"
    assert parse_vn_number(format_vn_number(-9876543, 0), HERE) == Decimal(-9876543)


def test_dates_dd_mm_yyyy():
    assert parse_vn_date("05/07/2024", HERE) == date(2024, 7, 5)
    assert parse_vn_date(None, HERE) is None
    with pytest.raises(SpreadsheetError, match="cell C7.*'31/02/2024' is not a real date"):
        parse_vn_date("31/02/2024", HERE)
    with pytest.raises(SpreadsheetError, match="'2024-07-05' is not a date written dd/MM/yyyy"):
        parse_vn_date("2024-07-05", HERE)


def test_header_found_below_title_rows_and_records_keyed_by_field(tmp_path):
    path = write_workbook(
        tmp_path / "x.xlsx",
        {
            "Danh sách": (
                [["SỞ NỘI VỤ"], ["DANH SÁCH CÔNG CHỨC"], []],
                ["STT", "Mã cán bộ", "Ngày sinh"],
                [[1, "A1", "01/02/1990"], [None, None, None], [2, "A2", "31/12/1985"]],
            )
        },
    )
    sheet, rows = sheet_rows(path)
    header_row, columns = find_header_row(path, sheet, rows, ["mã cán bộ", "NGÀY  SINH"])
    assert header_row == 4
    records = list(iter_records(path, sheet, rows, header_row, columns, {"id": "Mã cán bộ", "born": "Ngày sinh"}))
    assert [r for r, _ in records] == [5, 7]
    value, where = records[1][1]["born"]
    assert parse_vn_date(value, where) == date(1985, 12, 31) and where.row == 7 and where.column == 3


def test_missing_header_and_corrupt_file_are_named(tmp_path):
    path = write_workbook(tmp_path / "x.xlsx", {"S": ([], ["STT", "Họ tên"], [[1, "x"]])})
    sheet, rows = sheet_rows(path)
    with pytest.raises(
        SpreadsheetError,
        match=r"x.xlsx, sheet 'S', cell A1 \(row 1, column A\): no header row.*missing: mã cán bộ \(nearest: row 1\)",
    ):
        find_header_row(path, sheet, rows, ["Mã cán bộ", "Họ tên"])
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(path.read_bytes()[:200])
    with pytest.raises(SpreadsheetError, match="broken.xlsx: not a readable XLSX workbook"):
        sheet_rows(broken)
    with pytest.raises(SpreadsheetError, match="no sheet named 'Khác'"):
        sheet_rows(path, "Khác")


# -- money units, merged headers, outline markers, reproducible files ---------------------------

from datetime import datetime  # noqa: E402

from connectors.spreadsheet import Outline, merged_header_labels, money_unit, write_laid_out_workbook  # noqa: E402


@pytest.mark.parametrize(
    "text, unit",
    [
        ("Đơn vị: Triệu đồng", "triệu đồng"),
        ("ĐVT: đồng", "đồng"),
        ("Đơn vị tính: nghìn đồng", "nghìn đồng"),
        ("Dự toán năm 2024 (tỷ đồng)", "tỷ đồng"),
        ("Nội dung", None),
        ("Đơn vị: người", None),
        (None, None),
    ],
)
def test_money_units_stated_in_words(text, unit):
    assert money_unit(text) == unit


def test_a_title_merged_over_two_columns_is_carried_to_their_sub_headers():
    top = ["STT", "Nội dung", "Dự toán", "Thực hiện 6 tháng", None, "Ghi chú"]
    below = [None, None, None, "Số tiền", "So với dự toán (%)", None]
    assert merged_header_labels(top, below) == [
        "STT",
        "Nội dung",
        "Dự toán",
        "Thực hiện 6 tháng / Số tiền",
        "Thực hiện 6 tháng / So với dự toán (%)",
        "Ghi chú",
    ]
    assert merged_header_labels(["STT", None, "Dự toán"], None) == ["STT", "", "Dự toán"]


def test_outline_markers_roman_numerals_and_section_letters():
    outline = Outline()
    codes = [
        outline.add(m).code
        for m in ["A", "I", "II", "III", "1", "2.", "a)", "b", "-", "-", "+", "B", "I", "C", "D", "I", "V"]
    ]
    assert codes == [
        "A",
        "A.I",
        "A.II",
        "A.III",
        "A.III.1",
        "A.III.2",
        "A.III.2.a",
        "A.III.2.b",
        "A.III.2.b.-1",
        "A.III.2.b.-2",
        "A.III.2.b.-2.+1",
        "B",
        "B.I",
        "C",
        "D",
        "D.I",
        "D.V",
    ]
    # C after B.I is section C, not Roman 100; V after D.I is Roman 5 (out of sequence), not a section
    assert (
        outline.add("1.a") is None
        and outline.add("•") is None
        and outline.add("") is None
        and outline.add(None) is None
    )


def test_of_which_items_end_with_their_parent():
    outline = Outline()
    outline.add("1")
    outline.mark_of_which()
    inside = [outline.add("a"), outline.add("b")]
    after = outline.add("2")
    child_of_2 = outline.add("a")
    assert all(line.is_of_which for line in inside) and inside[0].parent_code == "1"
    assert not after.is_of_which and not child_of_2.is_of_which


def test_laid_out_workbook_is_reproducible_with_a_fixed_time(tmp_path):
    sheets = {"S": ([["STT", "Nội dung"], ["A", "Tổng"]], ["A1:A1"])}
    first = write_laid_out_workbook(tmp_path / "a.xlsx", sheets, fixed_time=datetime(2024, 1, 5, 8)).read_bytes()
    second = write_laid_out_workbook(tmp_path / "b.xlsx", sheets, fixed_time=datetime(2024, 1, 5, 8)).read_bytes()
    assert first == second
    assert sheet_rows(tmp_path / "a.xlsx")[1] == [("STT", "Nội dung"), ("A", "Tổng")]


# -- the sheet's <dimension> tag is not trusted ---------------------------------------------------


@pytest.mark.parametrize("ref", ["A1", "A1:B2", "B2:C3", "A1:H40"], ids=["A1", "too-small", "offset", "too-large"])
def test_a_stale_dimension_tag_does_not_cut_the_sheet(tmp_path, ref):
    rows = [["SỞ NỘI VỤ"], [], ["STT", "Mã cán bộ", "Họ tên", "Ghi chú"]] + [
        [n, f"CB{n:03d}", f"Người {n}"] for n in range(1, 12)
    ]
    path = write_laid_out_workbook(tmp_path / "x.xlsx", {"S": (rows, [])})
    expected = sheet_rows(path)
    assert len(expected[1]) == 14 and {len(r) for r in expected[1]} == {4}
    stale = with_stale_dimension(path, ref)
    assert sheet_rows(stale) == expected
