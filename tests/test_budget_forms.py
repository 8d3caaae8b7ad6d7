"""Budget forms laid out as provinces publish them (Circular 343/2016, Biểu số 46/CK-NSNN), parsed
and checked against values worked out by hand.

The layouts are ours, written after the published forms of several provinces: prior-year columns
beside the current one, a year merged over its kinds, a row of column numbers, five revenue lines
where older forms have four, abbreviations (NSĐP, NSTW) and '(*)' footnote marks in labels,
numbers as text with dots, blanks and dashes, and notes, a source line, a place-and-date line and
signatures under the table.

PUBLISHED (a 2024 estimate, unit triệu đồng; columns C = Dự toán 2023, D = Ước thực hiện 2023,
E = Dự toán 2024, F = So sánh %). The 2024 column, by hand:

    A   TỔNG NGUỒN THU NSĐP          20.000 = I + II + III + IV + V = 12.000 + 7.000 + 500 + 0 + 500
    II  Thu bổ sung từ NSTW           7.000 = 4.500 + 2.500
    IV  Thu kết dư                    '-' (zero); blank in the 2023 estimate (not reported)
    B   TỔNG CHI NSĐP                20.300 = I + II + III = 19.000 + 800 + 500
    I   Tổng chi cân đối NSĐP        19.000 = 6.800 + 11.500 + 400 + 300 + 0
    II.1 CTMT quốc gia                  800 (cut from 1.200 in the 2023 estimate)
    C   BỘI CHI NSĐP                    300 = B - A
"""

from datetime import date
from decimal import Decimal

import pytest

from connectors.budget import ListedDocument, form_catalogue, label_key, match_lines, read_balance_form
from connectors.budget_forms import budget_form_lines
from connectors.spreadsheet import SpreadsheetError, write_laid_out_workbook

MILLION = Decimal(1_000_000)

TITLE = [
    ["ỦY BAN NHÂN DÂN", None, None, None, None, "Biểu số 46/CK-NSNN"],
    ["TỈNH P"],
    ["CÂN ĐỐI NGÂN SÁCH ĐỊA PHƯƠNG NĂM 2024"],
    ["(Dự toán đã được Hội đồng nhân dân tỉnh quyết định)"],
    [None, None, None, None, None, "Đơn vị: Triệu đồng"],
]
HEADER = [
    ["STT", "Nội dung", "Dự toán năm 2023", "Ước thực hiện năm 2023", "Dự toán năm 2024", "So sánh (%)"],
    ["A", "B", 1, 2, 3, "4=3/2"],
]
LINES = [  # first line on row 8
    ["A", "TỔNG NGUỒN THU NSĐP", "19.000", "19.800", "20.000", "101,0"],
    ["I", "Thu NSĐP được hưởng theo phân cấp (*)", "11.500", "12.100", 12000, "99,2"],
    ["II", "Thu bổ sung từ NSTW", "7.000", "7.000", "7.000", "100,0"],
    ["1", "Thu bổ sung cân đối ngân sách", "4.500", "4.500", "4.500", None],
    ["2", "Thu bổ sung có mục tiêu", "2.500", "2.500", "2.500", None],
    ["III", "Thu từ quỹ dự trữ tài chính", "-", "-", "500", None],
    ["IV", "Thu kết dư", None, "200", "-", None],
    ["V", "Thu chuyển nguồn từ năm trước chuyển sang", "500", "500", "500", None],
    ["B", "TỔNG CHI NSĐP", "19.500", "20.100", "20.300", None],
    ["I", "Tổng chi cân đối NSĐP", "17.800", "18.400", "19.000", None],
    ["1", "Chi đầu tư phát triển", "6.000", "6.500", "6.800", None],
    ["2", "Chi thường xuyên", "11.000", "11.200", "11.500", None],
    ["3", "Dự phòng ngân sách", "400", "-", "400", None],
    ["4", "Chi tạo nguồn, điều chỉnh tiền lương", "400", "700", "300", None],
    ["5", "Chi trả lãi, phí các khoản vay (*)", "-", "-", "-", None],
    ["II", "Chi các chương trình mục tiêu", "1.200", "1.200", "800", None],
    ["1", "Chi các chương trình mục tiêu quốc gia", "1.200", "1.200", "800", None],
    ["III", "Chi chuyển nguồn sang năm sau", "500", "500", "500", None],
    ["C", "BỘI CHI NSĐP/BỘI THU NSĐP", "500", "300", "300", None],
    ["D", "CHI TRẢ NỢ GỐC CỦA NSĐP", "120", "120", "150", None],
    ["Đ", "TỔNG MỨC VAY CỦA NSĐP", "620", "420", "450", None],
    ["I", "Vay để bù đắp bội chi", "500", "300", "300", None],
    ["II", "Vay để trả nợ gốc", "120", "120", "150", None],
]
TRAILER = [  # rows 31-38
    [None] * 6,
    ["Ghi chú: (*) Không bao gồm thu tiền sử dụng đất ghi thu, ghi chi."],
    ["(1) Số liệu ước thực hiện năm 2023 là số ước đến hết tháng 11."],
    [None] * 6,
    [None, None, None, None, "P, ngày 15 tháng 12 năm 2023"],
    [None, None, None, None, "TM. ỦY BAN NHÂN DÂN"],
    [None, None, None, None, "CHỦ TỊCH"],
    [None, None, None, None, "Nguyễn Văn A"],
]
PUBLISHED = TITLE + HEADER + LINES + TRAILER


def doc(kind="estimate", year=2024, form="46/CK-NSNN") -> ListedDocument:
    return ListedDocument(
        "P-DT", form, kind, year, "year", None, None, None, date(year, 1, 5), None, "/files/p.xlsx", "p.xlsx"
    )


def sheet(tmp_path, rows, merges=(), name="p.xlsx"):
    return write_laid_out_workbook(tmp_path / name, {"Biểu 46": (rows, list(merges))})


def column(lines, letter):
    return {r["line_code"]: r for r in lines if r["sheet_column"] == " ABCDEF".index(letter)}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return read_balance_form(sheet(tmp_path_factory.mktemp("forms"), PUBLISHED, ["A32:F32"]), doc())


def test_each_money_column_has_its_own_year_and_kind(published):
    tags = {(r["sheet_column"], r["column_label"], r["series"], r["column_fiscal_year"]) for r in published["lines"]}
    assert tags == {
        (3, "Dự toán năm 2023", "estimate", 2023),
        (4, "Ước thực hiện năm 2023", "estimated_execution", 2023),
        (5, "Dự toán năm 2024", "estimate", 2024),
    }  # the % column is not money


def test_the_current_column_read_by_hand(published):
    current = column(published["lines"], "E")
    assert len(current) == 23 and current["A"]["sheet_row"] == 8
    assert current["A"]["value_vnd"] == 20_000 * MILLION == current["A"]["children_total_vnd"]
    assert current["A.I"]["value_vnd"] == 12_000 * MILLION  # typed as a number
    assert current["A.IV"]["value_vnd"] == 0  # a dash
    assert current["B.I"]["children_total_vnd"] == 19_000 * MILLION == current["B.I"]["value_vnd"]
    assert (
        current["B.II.1"]["value_vnd"] == 800 * MILLION
        and column(published["lines"], "C")["B.II.1"]["value_vnd"] == 1_200 * MILLION
    )
    assert current["C"]["value_vnd"] == 300 * MILLION
    assert column(published["lines"], "C")["A.IV"]["value_vnd"] is None  # blank: not reported, not zero


def test_lines_are_named_by_their_label_not_their_position(published):
    ids = {code: (r["line_id"], r["line_match"]) for code, r in column(published["lines"], "E").items()}
    assert ids["A.I"] == ("revenue_retained", "label")  # NSĐP spelled out, '(*)' dropped
    assert ids["A.II"] == ("transfers_from_central", "label")  # NSTW
    assert ids["A.III"] == ("revenue_from_reserve_fund", "label")
    assert ids["A.IV"] == ("carried_over_surplus", "label")  # the fourth revenue line of five
    assert ids["A.V"] == ("carried_over_resources", "label")
    assert ids["B.I.3"] == ("contingency", "label")  # third here, fifth in the Circular
    assert ids["B.I.5"] == (None, None)  # not in the catalogue: kept, not renamed
    assert ids["C"] == ("deficit", "label") and ids["Đ.I"] == ("borrowing_for_deficit", "label")
    unlisted = column(published["lines"], "E")["B.I.5"]
    assert unlisted["line_name_vi"] == "Chi trả lãi, phí các khoản vay (*)"
    assert unlisted["line_label_key"] == "chi trả lãi phí các khoản vay"


def test_notes_and_signatures_under_the_table_are_kept_as_its_text(published):
    texts = [(t["sheet_row"], t["sheet_column"], t["text_kind"], t["text_vi"]) for t in published["form_texts"]]
    assert texts == [
        (32, 1, "note", "Ghi chú: (*) Không bao gồm thu tiền sử dụng đất ghi thu, ghi chi."),
        (33, 1, "note", "(1) Số liệu ước thực hiện năm 2023 là số ước đến hết tháng 11."),
        (35, 5, "place_date", "P, ngày 15 tháng 12 năm 2023"),
        (36, 5, "signature", "TM. ỦY BAN NHÂN DÂN"),
        (37, 5, "signature", "CHỦ TỊCH"),
        (38, 5, "signature", "Nguyễn Văn A"),
    ]


# FINAL: 2023 final accounts with the year merged over its kinds (C5:D5), a numbering row, a source
# line and two signatures side by side. B.I = 1.050 but 1 + 2 = 320 + 700 = 1.020: published so.
FINAL = [
    ["SỞ TÀI CHÍNH TỈNH Q"],
    ["QUYẾT TOÁN CÂN ĐỐI NGÂN SÁCH ĐỊA PHƯƠNG NĂM 2023"],
    [None, None, None, None, "ĐVT: triệu đồng"],
    [None],
    ["STT", "Nội dung", "Năm 2023", None, "So sánh (%)"],
    [None, None, "Dự toán", "Quyết toán", None],
    ["A", "B", "1", "2", "3=2/1"],
    ["A", "Tổng thu NSĐP", "1.000", 1100, "110"],
    ["I", "Thu NSĐP hưởng theo phân cấp", "600", "650", None],
    ["II", "Thu bổ sung từ ngân sách cấp trên", "400", "450", None],
    ["B", "TỔNG CHI NGÂN SÁCH ĐỊA PHƯƠNG", "1.000", "1.050", None],
    ["I", "Chi cân đối NSĐP", "1.000", "1.050", None],
    ["1", "Chi đầu tư phát triển", "300", "320", None],
    ["2", "Chi thường xuyên", "700", "700", None],
    ["C", "BỘI CHI NSĐP", "-", "(50)", None],
    ["Nguồn: Sở Tài chính tỉnh Q."],
    [None, "NGƯỜI LẬP BIỂU", None, "GIÁM ĐỐC"],
]
FINAL_MERGES = ["A5:A6", "B5:B6", "C5:D5", "E5:E6"]


def test_a_year_merged_over_its_kinds(tmp_path):
    parsed = read_balance_form(sheet(tmp_path, FINAL, FINAL_MERGES), doc("final_accounts", 2023))
    tags = {(r["sheet_column"], r["column_label"], r["series"], r["column_fiscal_year"]) for r in parsed["lines"]}
    assert tags == {(3, "Năm 2023 / Dự toán", "estimate", 2023), (4, "Năm 2023 / Quyết toán", "final_accounts", 2023)}
    final = column(parsed["lines"], "D")
    assert final["A"]["sheet_row"] == 8 and final["A"]["value_vnd"] == 1100 * MILLION
    assert final["A"]["line_id"] == "total_revenue" and final["A.II"]["line_id"] == "transfers_from_central"
    assert final["B.I"]["children_total_vnd"] == 1020 * MILLION != final["B.I"]["value_vnd"]
    assert final["C"]["value_vnd"] == -50 * MILLION
    assert [(t["sheet_row"], t["sheet_column"], t["text_kind"]) for t in parsed["form_texts"]] == [
        (16, 1, "source"),
        (17, 2, "signature"),
        (17, 4, "signature"),
    ]


@pytest.mark.parametrize(
    "rows, message",
    [
        # a line again below the notes: the table did not end there (or a second table): refused
        (
            TITLE + HEADER + LINES[:3] + [["Ghi chú: số liệu tạm tính"], ["III", "Thu khác", "1", "1", "1", None]],
            r"cell A12 .*a line \('III' Thu khác\) below the text that ended the table at row 11",
        ),
        # no table: the nearest row is named
        (
            TITLE + [["Mục", "Nội dung", "Dự toán năm 2024"], ["A", "TỔNG THU", "1"]],
            r"p.xlsx, sheet 'Biểu 46', cell A6 .*no header row with the expected columns in the first 20 rows; missing: stt \(nearest: row 6\)",
        ),
        # a money column without its unit (none above the header, none in it)
        (TITLE[:4] + HEADER + LINES, r"cell C5 .*no money unit stated"),
    ],
)
def test_bad_published_forms_are_refused_naming_the_cell(tmp_path, rows, message):
    with pytest.raises(SpreadsheetError, match=message):
        read_balance_form(sheet(tmp_path, rows), doc())


def test_label_keys():
    assert (
        label_key("Thu NSĐP được hưởng theo phân cấp (*)")
        == label_key("thu ngân sách địa phương được hưởng theo phân cấp")
        == "thu ngân sách địa phương được hưởng theo phân cấp"
    )
    assert label_key("Chi tạo nguồn, điều chỉnh tiền lương") == label_key("Chi tạo nguồn điều chỉnh tiền lương")
    assert label_key("Kinh phí hoà giải") == label_key("Kinh phí hòa giải")  # old and new tone placement
    assert label_key("  ") is None


def test_a_label_under_another_parent_is_not_the_catalogue_line():
    """'Chi thường xuyên' under the national target programmes is their recurrent part, not the
    budget's recurrent spending (B.I.2); the first 'Chi thường xuyên' under B.I is."""
    matched = match_lines(
        form_catalogue("46/CK-NSNN"),
        [
            ("B", None, "TỔNG CHI NSĐP"),
            ("B.I", "B", "Tổng chi cân đối NSĐP"),
            ("B.I.1", "B.I", "Chi thường xuyên"),
            ("B.II", "B", "Chi các chương trình mục tiêu"),
            ("B.II.1", "B.II", "Chi các chương trình mục tiêu quốc gia"),
            ("B.II.1.a", "B.II.1", "Chi thường xuyên"),
        ],
    )
    assert {code: (line.line_id if line else None) for code, (line, _) in matched.items()} == {
        "B": "total_spending",
        "B.I": "balanced_spending",
        "B.I.1": "recurrent",
        "B.II": "targeted_programmes",
        "B.II.1": "national_targeted_programmes",
        "B.II.1.a": None,
    }


def test_every_b46_line_has_an_english_name_and_one_label_key():
    lines = [line for line in budget_form_lines() if line.form_code == "46/CK-NSNN"]
    assert len({line.line_id for line in lines}) == len(lines) == 33
    named = {}
    for line in lines:
        for label in line.labels_vi:
            named.setdefault(label_key(label), set()).add(line.line_id)
    assert [key for key, ids in named.items() if len(ids) > 1] == []  # no label names two lines
    import csv

    from connectors.seeds import SEEDS_DIR

    with open(SEEDS_DIR / "budget_form_lines.csv", encoding="utf-8") as f:
        assert all(r["line_name_en"].strip() for r in csv.DictReader(f))


# A list form (spending by agency) with its total row above or below the lines, without a marker:
# 1.000 + 2.500,5 = 3.500,5.
AGENCIES = [["1", "Sở Y tế", "1.000"], ["2", "Sở Giáo dục và Đào tạo", "2.500,5"]]


@pytest.mark.parametrize(
    "body, total_row",
    [
        ([[None, "TỔNG SỐ", "3.500,5"]] + AGENCIES, 7),
        (AGENCIES + [[None, "Tổng cộng", "3.500,5"], ["Ghi chú: số liệu dự toán giao đầu năm."]], 9),
    ],
    ids=["total-above", "total-below"],
)
def test_a_total_row_above_or_below_the_lines(tmp_path, body, total_row):
    rows = TITLE + [["STT", "Nội dung", "Dự toán năm 2024"]] + body
    parsed = read_balance_form(sheet(tmp_path, rows), doc())
    lines = {r["line_code"]: r for r in parsed["lines"]}
    total = lines["TOTAL"]
    assert (total["sheet_row"], total["outline_level"], total["parent_line_code"]) == (total_row, 1, None)
    assert total["value_vnd"] == Decimal("3500.5") * MILLION == total["children_total_vnd"]
    assert total["children_count"] == 2 and lines["2"]["parent_line_code"] is None
    assert len(parsed["form_texts"]) == (1 if total_row == 9 else 0)


class _Served:
    """The portal's answer with a file (what _crawl_document reads of it)."""

    not_modified, etag, last_modified = False, None, None

    def __init__(self, content: bytes):
        self.content = content


class _OneFilePortal:
    def __init__(self, content: bytes):
        self.session = self
        self.content = content

    def get_file(self, path, if_none_match=None, if_modified_since=None):
        return _Served(self.content)

    def path_of(self, document):
        return document.file_url


@pytest.mark.parametrize(
    "rows, cell",
    [
        (TITLE + [["Mục", "Nội dung", "Dự toán năm 2024"], ["A", "TỔNG THU", "1"]], "A6"),  # no table
        (TITLE[:4] + HEADER + LINES + TRAILER, "C5"),  # no money unit
    ],
    ids=["no-table", "no-unit"],
)
def test_a_bad_form_lands_nothing_and_its_original_is_kept(tmp_path, rows, cell):
    from connectors.budget import _crawl_document
    from connectors.landing import LandingZone

    content = sheet(tmp_path, rows).read_bytes()
    landing = LandingZone(tmp_path / "landing")
    outcome, parsed = _crawl_document(landing, _OneFilePortal(content), doc(), None)
    assert (outcome.status, outcome.sheet, outcome.cell, parsed) == ("unparseable", "Biểu 46", cell, {})
    assert outcome.error.startswith(f"p.xlsx, sheet 'Biểu 46', cell {cell}")
    assert (landing.root / outcome.original_path).read_bytes() == content


def test_outline_and_line_columns_headed_tt_and_chi_tieu(tmp_path):
    rows = TITLE + [["TT", "Chỉ tiêu", "Dự toán năm 2024"], ["A", "TỔNG NGUỒN THU NSĐP", "1.000"]]
    (line,) = read_balance_form(sheet(tmp_path, rows), doc())["lines"]
    assert (line["line_code"], line["line_id"], line["value_vnd"]) == ("A", "total_revenue", 1000 * MILLION)
