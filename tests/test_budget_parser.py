"""The budget form parsers on hand-made forms of each layout and each defect; every value is worked out by hand.

The estimate form below (unit: triệu đồng = 1,000,000 VND):

    A  TỔNG NGUỒN THU           1.500,5   = I + II = 1000 + 500,5
    I    Thu được hưởng           1000     (typed as a number)
    II   Thu bổ sung từ NSTW      500,5    = 1 + 2 = 300 + 200,5
    1      Bổ sung cân đối        300
    2      Bổ sung có mục tiêu    200,5
    B  TỔNG CHI                 1.400     = I
    I    Chi cân đối             1.400     = 1 + 2 + 3 + 4 = 600 + 800 + (blank) + 0
    1      Chi đầu tư             600      = a + b = 450 + 150
    a        Dự án               450       = the two dashes 250 + 200
    -          giao thông        250
    -          thủy lợi          200
    b        Đầu tư khác         150
    2      Chi thường xuyên       800      ('Trong đó:' a = 300 is an 'of which' item, not a breakdown)
    a        Chi giáo dục         300
    3      Dự phòng              (blank: not reported, not zero)
    4      Quỹ dự trữ             -        (a dash: zero)
    C  BỘI CHI                  (100,5)   = B - A, negative: a surplus
"""

from decimal import Decimal

import pytest

from connectors.budget import parse_balance_form, parse_document_file, parse_unit_autonomy_form
from connectors.spreadsheet import SpreadsheetError, write_laid_out_workbook
from tests.support.budget_forms import ESTIMATE_LINES, TITLE, doc, form

MILLION = Decimal(1_000_000)


def by_code(rows, series="estimate"):
    return {r["line_code"]: r for r in rows if r["series"] == series}


def test_estimate_layout_outline_values_and_children_totals(tmp_path):
    path = form(tmp_path, TITLE + [["STT", "Nội dung", "Dự toán năm 2024"], ["A", "B", 1]] + ESTIMATE_LINES)
    lines = by_code(parse_balance_form(path, doc()))
    assert list(lines) == [
        "A",
        "A.I",
        "A.II",
        "A.II.1",
        "A.II.2",
        "B",
        "B.I",
        "B.I.1",
        "B.I.1.a",
        "B.I.1.a.-1",
        "B.I.1.a.-2",
        "B.I.1.b",
        "B.I.2",
        "B.I.2.a",
        "B.I.3",
        "B.I.4",
        "C",
    ]
    a, transfers = lines["A"], lines["A.II"]
    assert a["value_vnd"] == Decimal("1500.5") * MILLION and a["unit"] == "triệu đồng" and a["unit_vnd"] == 1_000_000
    assert (a["outline_level"], a["parent_line_code"], a["sheet_row"]) == (1, None, 7)
    assert lines["A.I"]["value_vnd"] == 1000 * MILLION  # typed as a number by Excel
    assert transfers["children_total_vnd"] == (300 + Decimal("200.5")) * MILLION == transfers["value_vnd"]
    # rounding allowed: half a unit for each of the 2 children and for the parent = 1.5 triệu
    assert a["children_count"] == 2 and a["rounding_tolerance_vnd"] == Decimal(1_500_000)
    dash = lines["B.I.1.a.-2"]
    assert (dash["outline_level"], dash["parent_line_code"], dash["value_vnd"]) == (5, "B.I.1.a", 200 * MILLION)
    assert lines["B.I.1.a"]["children_total_vnd"] == 450 * MILLION
    # 600 + 800 + 0, the blank line left out: 3 children with a value, tolerance (3 + 1) x 0.5 triệu
    spending = lines["B.I"]
    assert spending["children_total_vnd"] == 1400 * MILLION and spending["children_count"] == 3
    assert spending["rounding_tolerance_vnd"] == Decimal(2_000_000)
    # 'Trong đó': an 'of which' item is not part of its parent's sum
    assert lines["B.I.2.a"]["is_of_which"] and lines["B.I.2"]["children_total_vnd"] is None
    assert not lines["B.I.3"]["is_of_which"] and lines["B.I.3"]["parent_line_code"] == "B.I"
    assert lines["B.I.3"]["value_vnd"] is None and lines["B.I.4"]["value_vnd"] == 0
    assert lines["C"]["value_vnd"] == Decimal("-100.5") * MILLION and lines["C"]["children_total_vnd"] is None


def test_a_header_one_row_lower_gives_the_same_lines(tmp_path):
    standard = form(tmp_path, TITLE + [["STT", "Nội dung", "Dự toán năm 2024"]] + ESTIMATE_LINES, name="a.xlsx")
    lower = form(
        tmp_path,
        TITLE
        + [["(Kèm theo Quyết định số 123/QĐ-UBND)", None, None], ["STT", "Nội dung", "Dự toán năm 2024"]]
        + ESTIMATE_LINES,
        name="b.xlsx",
    )
    first, second = parse_balance_form(standard, doc()), parse_balance_form(lower, doc())
    assert [(r["line_code"], r["value_vnd"]) for r in first] == [(r["line_code"], r["value_vnd"]) for r in second]
    assert first[0]["sheet_row"] == 6 and second[0]["sheet_row"] == 7


def test_final_accounts_with_a_parent_that_is_not_the_sum_of_its_children(tmp_path):
    """Quyết toán: A = 1.600 but I + II = 1.050 + 500 = 1.550: landed as published, the gap visible."""
    rows = TITLE + [
        ["STT", "Nội dung", "Dự toán năm 2023", "Quyết toán năm 2023", "So sánh (%)"],
        ["A", "B", 1, 2, "3=2/1"],
        ["A", "TỔNG NGUỒN THU", "1.500", "1.600", "106,7"],
        ["I", "Thu được hưởng", "1.000", "1.050", "105"],
        ["II", "Thu bổ sung", "500", "500", "100"],
    ]
    rows = parse_balance_form(form(tmp_path, rows), doc("final_accounts"))
    assert {r["series"] for r in rows} == {"estimate", "final_accounts"}  # the ratio column is not money
    final = by_code(rows, "final_accounts")["A"]
    assert final["value_vnd"] == 1600 * MILLION and final["children_total_vnd"] == 1550 * MILLION
    assert abs(final["value_vnd"] - final["children_total_vnd"]) > final["rounding_tolerance_vnd"]
    assert by_code(rows)["A"]["children_total_vnd"] == by_code(rows)["A"]["value_vnd"] == 1500 * MILLION


def test_execution_with_a_header_merged_over_two_rows(tmp_path):
    rows = TITLE + [
        ["STT", "Nội dung", "Dự toán năm 2024", "Thực hiện 6 tháng năm 2024", None],
        [None, None, None, "Số tiền", "So với dự toán (%)"],
        ["A", "TỔNG NGUỒN THU", "1.500", "690,3", "46,0"],
        ["I", "Thu được hưởng", "1.500", "690,3", "46,0"],
    ]
    merges = ["A5:A6", "B5:B6", "C5:C6", "D5:E5"]
    lines = parse_balance_form(form(tmp_path, rows, merges), doc("execution", period="h1"))
    executed = by_code(lines, "execution")["A"]
    assert executed["column_label"] == "Thực hiện 6 tháng năm 2024 / Số tiền"
    assert executed["value_vnd"] == Decimal("690.3") * MILLION and executed["sheet_row"] == 7
    assert len(lines) == 4  # 2 lines x (estimate, execution); the % column is skipped


def test_a_unit_stated_in_the_column_header_wins(tmp_path):
    rows = [["CÂN ĐỐI NGÂN SÁCH"], ["STT", "Nội dung", "Dự toán năm 2024 (tỷ đồng)"], ["A", "TỔNG THU", "17,5"]]
    (line,) = parse_balance_form(form(tmp_path, rows), doc())
    assert line["unit"] == "tỷ đồng" and line["value_vnd"] == Decimal(17_500_000_000)


@pytest.mark.parametrize(
    "rows, message",
    [
        (
            TITLE
            + [["STT", "Nội dung", "Dự toán năm 2024"], ["A", "TỔNG THU", "1.500"], ["I", "Thu", "đang cập nhật"]],
            r"form.xlsx, sheet '46-CK-NSNN', cell C7 \(row 7, column C\): 'đang cập nhật' is not a number",
        ),
        (
            TITLE + [["STT", "Nội dung", "Dự toán năm 2024"], ["A", "TỔNG THU", "1.500"], [None, "Thu khác", "20"]],
            r"cell A7 .*'Thu khác' has amounts but no outline marker",
        ),
        (
            TITLE
            + [
                ["STT", "Nội dung", "Dự toán năm 2024"],
                ["A", "TỔNG THU", "1.500"],
                ["I", "Thu", "1"],
                ["I", "Thu", "1"],
            ],
            r"cell A8 .*line A.I appears twice \(rows 7 and 8\)",
        ),
        (
            TITLE + [["STT", "Nội dung", "Dự toán năm 2024"], ["A", "TỔNG THU", "1.500"], ["1.a", "Thu", "1"]],
            r"cell A7 .*'1.a' is not an outline marker",
        ),
        ([["STT", "Nội dung", "Dự toán năm 2024"], ["A", "TỔNG THU", "1.500"]], r"cell C1 .*no money unit stated"),
        (TITLE + [["STT", "Nội dung", "Ghi chú"], ["A", "TỔNG THU", "x"]], r"row 5: no money column"),
        (
            TITLE + [["STT", "Nội dung", "Dự toán"], ["A", "TỔNG THU", "1.500"]],
            r"cell C5 .*the money column 'Dự toán' names no year",
        ),
        (
            TITLE + [["Thứ tự", "Nội dung", "Dự toán năm 2024"], ["A", "TỔNG THU", "1.500"]],
            r"no header row with the expected columns .*missing: stt",
        ),
    ],
)
def test_a_form_that_cannot_be_parsed_names_file_sheet_and_cell(tmp_path, rows, message):
    with pytest.raises(SpreadsheetError, match=message):
        parse_balance_form(form(tmp_path, rows), doc())


UNIT_HEADER = [
    ["STT", "Tên đơn vị", "Mã đơn vị", "Nhóm tự chủ", "Nguồn thu sự nghiệp", None, None, "Chi thường xuyên"],
    [
        None,
        None,
        None,
        None,
        "Thu hoạt động dịch vụ",
        "Phí được để lại",
        "Chênh lệch thu chi hoạt động sản xuất kinh doanh",
        None,
    ],
]


def units_form(tmp_path, body):
    rows = [["CÔNG KHAI TÌNH HÌNH TỰ CHỦ TÀI CHÍNH"], [None] * 7 + ["Đơn vị: Triệu đồng"]] + UNIT_HEADER + body
    return write_laid_out_workbook(tmp_path / "dvsn.xlsx", {"DVSN": (rows, ["A3:A4", "E3:G3", "H3:H4"])})


def test_unit_autonomy_form(tmp_path):
    path = units_form(
        tmp_path,
        [
            ["I", "GIÁO DỤC", None, None, None, None, None, None],
            [1, "Trường Cao đẳng Nha Trang", "1100000", "Nhóm 2", "9.000", "1.500,5", "500", "10.500"],
            [2, "Trường Trung cấp Cam Ranh", "1100037", 3, "2.000", "200", None, "8.000"],
            ["II", "Y TẾ", None, None, None, None, None, None],
            [1, "Bệnh viện Ninh Hòa", "1100074", "4", "100", "-", None, "40.000"],
        ],
    )
    units = parse_unit_autonomy_form(path, doc("unit_autonomy", form="DVSN-TC"))
    assert [(u["unit_code"], u["sector_name_vi"], u["autonomy_group"]) for u in units] == [
        ("1100000", "GIÁO DỤC", 2),
        ("1100037", "GIÁO DỤC", 3),
        ("1100074", "Y TẾ", 4),
    ]
    first = units[0]
    assert first["service_revenue_vnd"] == 9000 * MILLION and first["retained_fees_vnd"] == Decimal("1500.5") * MILLION
    assert first["business_surplus_vnd"] == 500 * MILLION and first["recurrent_spending_vnd"] == 10500 * MILLION
    assert units[1]["business_surplus_vnd"] is None and units[2]["retained_fees_vnd"] == 0  # blank vs dash
    assert parse_document_file(path, doc("unit_autonomy"))["units"] == units


def test_a_unit_form_ends_where_its_notes_and_signatures_begin(tmp_path):
    path = units_form(
        tmp_path,
        [
            ["I", "GIÁO DỤC", None, None, None, None, None, None],
            [1, "Trường Cao đẳng Nha Trang", "1100000", "Nhóm 2", "9.000", "1.500,5", "500", "10.500"],
            ["Ghi chú: Nhóm tự chủ theo Nghị định 60/2021/NĐ-CP."],
            [None, None, None, None, None, None, "Khánh Hòa, ngày 20 tháng 3 năm 2024"],
            [None, None, None, None, None, None, "GIÁM ĐỐC"],
        ],
    )
    parsed = parse_document_file(path, doc("unit_autonomy", form="DVSN-TC"))
    assert [u["unit_code"] for u in parsed["units"]] == ["1100000"]
    assert [(t["sheet_row"], t["text_kind"]) for t in parsed["form_texts"]] == [
        (7, "note"),
        (8, "place_date"),
        (9, "signature"),
    ]


@pytest.mark.parametrize(
    "row, message",
    [
        ([1, "Trường A", "1100000", "5", "1", "1", "1", "1"], r"cell D5 .*'5' is not an autonomy group 1 to 4"),
        ([1, "Trường A", None, "2", "1", "1", "1", "1"], r"cell C5 .*a unit row without its unit code"),
        ([1, "Trường A", "1100000", "2", "1", "1", "1", "#REF!"], r"cell H5 .*'#REF!' is not a number"),
    ],
)
def test_a_unit_form_that_cannot_be_parsed_names_the_cell(tmp_path, row, message):
    with pytest.raises(SpreadsheetError, match=message):
        parse_unit_autonomy_form(units_form(tmp_path, [row]), doc("unit_autonomy"))
