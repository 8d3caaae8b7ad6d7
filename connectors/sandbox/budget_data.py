"""The sandbox disclosure portal's documents: what Khánh Hòa publishes under Circular 343/2016, made up.

Per fiscal year: the approved estimate (dự toán) and final accounts (quyết toán) in the B46 layout
(provincial budget balance), the execution reports of the first quarter, half-year and nine months
(form 59, cumulative), and the public service units' autonomy form. Values are in triệu đồng,
written the Vietnamese way, mostly as text cells (`1.234.567`), some typed as numbers, some blank
(not reported, never zero). Publication dates follow Decree 163/2016 Art. 49 (30 days after the
decision, 15 days after the period) with a few late ones.

Defects, each on a fixed document so tests can name it (DEFECTS):
- the 2023 estimate has one more title row: its header sits one row lower;
- the 2022 final accounts state a parent line (B.I) that is not the sum of its children;
- the nine-month 2023 execution report has text in a number cell: it cannot be parsed;
- the first-quarter 2024 execution report is listed but its file answers 404;
- the 2024 estimate was re-published with corrections under the same file name;
- the 2023 estimate, the 2023 final accounts and the half-year 2024 report were published late.

Layouts as provinces publish them, from 2024 (UNTIDY): five revenue lines where the earlier
forms have four (Thu từ quỹ dự trữ tài chính before Thu kết dư), labels with NSĐP / NSTW and
'(*)' footnote marks; the 2024 estimate beside the previous year's estimate and estimated
execution (one header row, a row of column numbers), with notes, a place-and-date line and
signatures under the table; the 2025 estimate with the year merged over its kinds (Năm 2024 over
Dự toán | Ước thực hiện), a source line and two signatures side by side, and its national target
programmes cut below the 2024 estimate (CUT_LINE).
The portal shows what was published by its clock: a document appears on its publication day,
its corrected version on the day of the correction.
"""

from __future__ import annotations

import hashlib
import random
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from connectors.spreadsheet import format_vn_number, write_laid_out_workbook

BALANCE_FORM = "46/CK-NSNN"
EXECUTION_FORM = "59/CK-NSNN"
UNIT_FORM = "DVSN-TC"
FIRST_YEAR = 2022

# (marker, name, children); a leaf's share of its parent drives the generated values.
BALANCE_OUTLINE = [
    (
        "A",
        "TỔNG NGUỒN THU NGÂN SÁCH ĐỊA PHƯƠNG",
        [
            ("I", "Thu ngân sách địa phương được hưởng theo phân cấp", 0.62),
            (
                "II",
                "Thu bổ sung từ ngân sách trung ương",
                [("1", "Thu bổ sung cân đối ngân sách", 0.55), ("2", "Thu bổ sung có mục tiêu", 0.45)],
            ),
            ("III", "Thu kết dư", 0.04),
            ("IV", "Thu chuyển nguồn từ năm trước chuyển sang", 0.06),
        ],
    ),
    (
        "B",
        "TỔNG CHI NGÂN SÁCH ĐỊA PHƯƠNG",
        [
            (
                "I",
                "Tổng chi cân đối ngân sách địa phương",
                [
                    (
                        "1",
                        "Chi đầu tư phát triển",
                        [("a", "Chi đầu tư cho các dự án", 0.8), ("b", "Chi đầu tư phát triển khác", 0.2)],
                    ),
                    ("2", "Chi thường xuyên", 0.52),
                    ("3", "Chi trả nợ lãi các khoản do chính quyền địa phương vay", 0.004),
                    ("4", "Chi bổ sung quỹ dự trữ tài chính", 0.001),
                    ("5", "Dự phòng ngân sách", 0.02),
                    ("6", "Chi tạo nguồn, điều chỉnh tiền lương", 0.045),
                ],
            ),
            (
                "II",
                "Chi các chương trình mục tiêu",
                [
                    ("1", "Chi các chương trình mục tiêu quốc gia", 0.3),
                    ("2", "Chi các chương trình mục tiêu, nhiệm vụ", 0.7),
                ],
            ),
            ("III", "Chi chuyển nguồn sang năm sau", 0.0),
        ],
    ),
    ("C", "BỘI CHI NGÂN SÁCH ĐỊA PHƯƠNG", None),
]
# From 2024 the forms have the Circular's five revenue lines: the reserve fund line comes third.
FIVE_REVENUE_LINES_FROM = 2024
BALANCE_OUTLINE_FIVE = [
    (
        "A",
        BALANCE_OUTLINE[0][1],
        [
            *BALANCE_OUTLINE[0][2][:2],
            ("III", "Thu từ quỹ dự trữ tài chính", 0.01),
            ("IV", "Thu kết dư", 0.04),
            ("V", "Thu chuyển nguồn từ năm trước chuyển sang", 0.06),
        ],
    ),
    *BALANCE_OUTLINE[1:],
]
# How the untidy forms print some labels (abbreviations, footnote marks).
PUBLISHED_LABELS = {
    "TỔNG NGUỒN THU NGÂN SÁCH ĐỊA PHƯƠNG": "TỔNG NGUỒN THU NSĐP",
    "Thu ngân sách địa phương được hưởng theo phân cấp": "Thu NSĐP được hưởng theo phân cấp (*)",
    "Thu bổ sung từ ngân sách trung ương": "Thu bổ sung từ NSTW",
    "TỔNG CHI NGÂN SÁCH ĐỊA PHƯƠNG": "TỔNG CHI NSĐP",
    "Tổng chi cân đối ngân sách địa phương": "Tổng chi cân đối NSĐP",
    "BỘI CHI NGÂN SÁCH ĐỊA PHƯƠNG": "BỘI CHI NSĐP/BỘI THU NSĐP",
}
# The line the 2025 estimate cuts below the 2024 estimate, and to what share of it.
CUT_LINE = ("B.II.1", 2025, Decimal("0.6"))


def outline_of(year: int) -> list:
    return BALANCE_OUTLINE_FIVE if year >= FIVE_REVENUE_LINES_FROM else BALANCE_OUTLINE


def line_names(outline, prefix: str = "") -> dict[str, str]:
    """Line code -> name, for every line of an outline (the 'of which' items too)."""
    names = {}
    for marker, name, children in outline:
        code = f"{prefix}.{marker}" if prefix else marker
        names[code] = name
        if isinstance(children, list):
            names.update(line_names(children, code))
        for m, n, _share in OF_WHICH.get(code, []):
            names[f"{code}.{m}"] = n
    return names


# Shares of parents with children, by line code (the rest is spread over leaves above).
_BRANCH_SHARES = {"A.II": 0.28, "B.I": 0.9, "B.I.1": 0.378, "B.II": 0.1}
# 'Of which' items under B.I.2 (Chi thường xuyên): part of it, not a breakdown that sums.
OF_WHICH = {"B.I.2": [("a", "Chi giáo dục - đào tạo và dạy nghề", 0.38), ("b", "Chi khoa học và công nghệ", 0.012)]}
# Cumulative execution by the end of the reported period, as a share of the year's estimate.
EXECUTION_SHARE = {"q1": 0.21, "h1": 0.46, "q3": 0.71}
PERIOD_END = {"q1": (3, 31), "h1": (6, 30), "q3": (9, 30), "year": (12, 31)}
PERIOD_VI = {"q1": "quý I", "h1": "6 tháng", "q3": "9 tháng"}

SECTORS = [
    ("Giáo dục - đào tạo và dạy nghề", ["Trường Cao đẳng", "Trường Trung cấp", "Trung tâm Giáo dục nghề nghiệp"]),
    ("Y tế", ["Bệnh viện", "Trung tâm Y tế", "Trung tâm Kiểm soát bệnh tật"]),
    ("Văn hóa, thể thao và du lịch", ["Trung tâm Văn hóa", "Nhà hát", "Trung tâm Huấn luyện thể thao"]),
    ("Khoa học và công nghệ", ["Trung tâm Ứng dụng khoa học", "Trung tâm Kỹ thuật đo lường"]),
    ("Sự nghiệp kinh tế", ["Ban Quản lý dự án", "Trung tâm Dịch vụ nông nghiệp", "Trung tâm Phát triển quỹ đất"]),
]
PLACES = ["Nha Trang", "Cam Ranh", "Ninh Hòa", "Vạn Ninh", "Diên Khánh", "Cam Lâm", "Khánh Vĩnh", "Khánh Sơn"]
UNITS_PER_YEAR = 30
# Share of units self-financing their recurrent spending (groups 1 and 2), rising to the T09 target.
SELF_FINANCING_SHARE = {2022: 0.10, 2023: 0.133, 2024: 0.167, 2025: 0.20, 2026: 0.233}


@dataclass(frozen=True)
class Version:
    available_on: date  # the portal shows this version from this day
    content: bytes


@dataclass
class PortalDocument:
    document_id: str
    form_code: str
    kind: str
    fiscal_year: int
    period: str
    title: str
    decision_number: str | None
    decision_date: date | None
    published_date: date
    file_name: str
    versions: list[Version] = field(default_factory=list)
    missing_file: bool = False

    def version_on(self, day: date) -> Version | None:
        shown = [v for v in self.versions if v.available_on <= day]
        return shown[-1] if shown else None

    def listing_entry(self, day: date) -> dict:
        version = self.version_on(day)
        return {
            "id": self.document_id,
            "form_code": self.form_code,
            "kind": self.kind,
            "fiscal_year": self.fiscal_year,
            "period": self.period,
            "title": self.title,
            "decision_number": self.decision_number,
            "decision_date": self.decision_date.isoformat() if self.decision_date else None,
            "published_date": self.published_date.isoformat(),
            "updated_date": version.available_on.isoformat() if version else self.published_date.isoformat(),
            "file_url": f"/files/{self.file_name}",
            "file_name": self.file_name,
        }


DEFECTS = {
    "header_one_row_lower": "CK-2023-DT",
    "parent_not_sum_of_children": "CK-2022-QT",
    "text_in_number_cell": "CK-2023-TH-Q3",
    "file_not_found": "CK-2024-TH-Q1",
    "republished_with_corrections": "CK-2024-DT",
    "published_late": ("CK-2023-DT", "CK-2023-QT", "CK-2024-TH-H1"),
}
CORRECTION_DAYS = 46  # the corrected 2024 estimate comes out this many days after the first version
PARENT_DEFECT_VND_MILLIONS = 1_250  # what the 2022 final accounts add to B.I beyond its children


def balance_values(total: Decimal, rng: random.Random, outline=BALANCE_OUTLINE) -> dict[str, Decimal]:
    """Line code -> value in triệu đồng; parents are the exact sums of their children."""
    values: dict[str, Decimal] = {}

    def fill(outline, prefix: str, amount: Decimal) -> Decimal:
        shares = []
        for marker, _name, children in outline:
            code = f"{prefix}.{marker}" if prefix else marker
            share = children if isinstance(children, float) else _BRANCH_SHARES.get(code, 0.0)
            shares.append((code, children, share * rng.uniform(0.93, 1.07)))
        scale = sum(s for _, _, s in shares) or 1.0
        spent = Decimal(0)
        for code, children, share in shares:
            part = Decimal(round(float(amount) * share / scale))
            values[code] = fill(children, code, part) if isinstance(children, list) else part
            spent += values[code]
        return spent

    revenue = Decimal(round(float(total) * rng.uniform(0.96, 1.0)))
    values["A"] = fill(outline[0][2], "A", revenue)
    values["B"] = fill(outline[1][2], "B", total)
    values["C"] = values["B"] - values["A"]
    for parent, items in OF_WHICH.items():
        for marker, _name, share in items:
            values[f"{parent}.{marker}"] = Decimal(round(float(values[parent]) * share))
    return values


def balance_rows(
    values_by_column: list[dict[str, Decimal | None]],
    rng: random.Random,
    outline=BALANCE_OUTLINE,
    labels: dict[str, str] | None = None,
) -> list[list]:
    """The outline as rows [marker, name, value...], values as the sheet shows them, names as
    `labels` prints them."""
    labels = labels or {}
    rows = []

    def cell(value):
        if value is None:
            return None
        if value == 0:
            return "-"
        return int(value) if rng.random() < 0.25 else format_vn_number(value)

    def walk(outline, prefix):
        for marker, name, children in outline:
            code = f"{prefix}.{marker}" if prefix else marker
            rows.append([marker, labels.get(name, name), *[cell(v.get(code)) for v in values_by_column]])
            if isinstance(children, list):
                walk(children, code)
            if code in OF_WHICH:
                rows.append([None, "Trong đó:", *[None] * len(values_by_column)])
                for m, n, _share in OF_WHICH[code]:
                    rows.append([m, n, *[cell(v.get(f"{code}.{m}")) for v in values_by_column]])

    walk(outline, "")
    return rows


def _title_rows(form: str, title: str, subtitle: str, width: int) -> list[list]:
    return [
        ["ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA"] + [None] * (width - 2) + [f"Biểu số {form}"],
        [None] * width,
        [title] + [None] * (width - 1),
        [subtitle] + [None] * (width - 1),
        [None] * (width - 1) + ["Đơn vị: Triệu đồng"],
    ]


def _xlsx(sheet: str, rows: list[list], merges: list[str], day: date) -> bytes:
    """The form as the portal serves it; the same bytes whenever it is generated (stamped with
    the day the version was published), so ETags and hashes are stable across runs."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_laid_out_workbook(
            Path(tmp) / "form.xlsx", {sheet: (rows, merges)}, fixed_time=datetime.combine(day, time(8, 0))
        )
        return path.read_bytes()


class BudgetPortalData:
    """Every document the sandbox portal ever publishes for fiscal years FIRST_YEAR..last_year."""

    def __init__(self, seed: int = 20220101, last_year: int = 2026):
        self.seed, self.last_year = seed, last_year
        self.documents: list[PortalDocument] = []
        for year in range(FIRST_YEAR, last_year + 1):
            self._year(year)

    def _rng(self, *parts: object) -> random.Random:
        return random.Random(int(hashlib.sha256(f"{self.seed}|{parts}".encode()).hexdigest()[:12], 16))

    def estimate_values(self, year: int) -> dict[str, Decimal]:
        total = Decimal(17_500_000 + 900_000 * (year - FIRST_YEAR))
        values = balance_values(total, self._rng("estimate", year), outline_of(year))
        code, cut_year, share = CUT_LINE
        if year == cut_year:  # cut below the year before's estimate of the line
            values[code] = (self.estimate_values(year - 1)[code] * share).quantize(Decimal(1))
            values = self._resum(values, outline_of(year))
        return values

    def prior_year_columns(self, year: int) -> list[tuple[str, dict]]:
        """The previous year's estimate and estimated execution (the estimate scaled line by line,
        parents summed again), recoded to `year`'s outline by line name."""
        before, rng = year - 1, self._rng("prior", year)
        estimate = self.estimate_values(before)
        estimated = self._resum(
            {code: (value * Decimal(rng.uniform(0.98, 1.08))).quantize(Decimal(1)) for code, value in estimate.items()},
            outline_of(before),
        )
        code_of = {name: code for code, name in line_names(outline_of(year)).items()}
        names = line_names(outline_of(before))
        recode = lambda values: {code_of[names[c]]: v for c, v in values.items() if names.get(c) in code_of}  # noqa: E731
        return [(f"Dự toán năm {before}", recode(estimate)), (f"Ước thực hiện năm {before}", recode(estimated))]

    def _year(self, year: int) -> None:
        rng = self._rng("dates", year)
        estimate = self.estimate_values(year)
        # Estimate: the People's Council decides in early December of the year before.
        decided = date(year - 1, 12, 8) + timedelta(days=rng.randint(0, 6))
        late = f"CK-{year}-DT" in DEFECTS["published_late"]
        published = decided + timedelta(days=45 if late else rng.randint(6, 27))
        doc = self._balance_doc(
            f"CK-{year}-DT",
            "estimate",
            year,
            "year",
            decided,
            published,
            f"Dự toán ngân sách địa phương năm {year}",
            [(f"Dự toán năm {year}", estimate)],
        )
        if doc.document_id == DEFECTS["republished_with_corrections"]:
            corrected = dict(estimate)
            delta = Decimal(12_400)
            for code in ("B.I.2", "B.I", "B", "C"):
                corrected[code] += delta
            corrected_on = published + timedelta(days=CORRECTION_DAYS)
            doc.versions.append(
                Version(corrected_on, self._balance_file(doc, [(f"Dự toán năm {year}", corrected)], corrected_on))
            )
        # Final accounts: decided in December of the following year.
        decided = date(year + 1, 12, 6) + timedelta(days=rng.randint(0, 8))
        late = f"CK-{year}-QT" in DEFECTS["published_late"]
        final = {
            code: (value * Decimal(rng.uniform(0.97, 1.06))).quantize(Decimal(1)) for code, value in estimate.items()
        }
        final = self._resum(final, outline_of(year))
        if f"CK-{year}-QT" == DEFECTS["parent_not_sum_of_children"]:
            final["B.I"] += PARENT_DEFECT_VND_MILLIONS  # a typo in B.I alone; B still sums its children
            final["B"] += PARENT_DEFECT_VND_MILLIONS
        self._balance_doc(
            f"CK-{year}-QT",
            "final_accounts",
            year,
            "year",
            decided,
            decided + timedelta(days=38 if late else rng.randint(8, 28)),
            f"Quyết toán ngân sách địa phương năm {year}",
            [(f"Dự toán năm {year}", estimate), (f"Quyết toán năm {year}", final)],
        )
        for period, share in EXECUTION_SHARE.items():
            month, day = PERIOD_END[period]
            end = date(year, month, day)
            document_id = f"CK-{year}-TH-{period.upper()}"
            late = document_id in DEFECTS["published_late"]
            executed = {
                code: (value * Decimal(share * rng.uniform(0.9, 1.1))).quantize(Decimal(1))
                for code, value in estimate.items()
            }
            if period == "q1":
                executed["A.III"] = None  # Thu kết dư: not reported in the first quarter (blank, not zero)
            executed = self._resum(executed, outline_of(year))
            self._balance_doc(
                document_id,
                "execution",
                year,
                period,
                None,
                end + timedelta(days=22 if late else rng.randint(5, 14)),
                f"Tình hình thực hiện dự toán ngân sách {PERIOD_VI[period]} năm {year}",
                [(f"Dự toán năm {year}", estimate), (f"Thực hiện {PERIOD_VI[period]} năm {year}", executed)],
            )
        self._unit_doc(year, date(year, 3, 10) + timedelta(days=rng.randint(0, 20)))

    @staticmethod
    def _resum(values: dict[str, Decimal | None], outline=BALANCE_OUTLINE) -> dict[str, Decimal | None]:
        """Parents as the sums of their children again (after leaves were scaled one by one)."""

        def walk(outline, prefix):
            for marker, _name, children in outline:
                code = f"{prefix}.{marker}" if prefix else marker
                if isinstance(children, list):
                    walk(children, code)
                    values[code] = sum((values[f"{code}.{m}"] or 0 for m, _, _ in children), Decimal(0))

        walk(outline[:2], "")
        values["C"] = values["B"] - values["A"]
        return values

    def _balance_doc(self, document_id, kind, year, period, decided, published, title, columns) -> PortalDocument:
        form = EXECUTION_FORM if kind == "execution" else BALANCE_FORM
        slug = {"estimate": "du-toan", "final_accounts": "quyet-toan", "execution": f"thuc-hien-{period}"}[kind]
        doc = PortalDocument(
            document_id,
            form,
            kind,
            year,
            period,
            title,
            f"{int(hashlib.sha256(document_id.encode()).hexdigest()[:6], 16) % 900 + 100}/QĐ-UBND" if decided else None,
            decided,
            published,
            f"{form.split('/')[0]}-CK-NSNN_{slug}_{year}.xlsx",
            missing_file=document_id == DEFECTS["file_not_found"],
        )
        doc.versions.append(Version(published, self._balance_file(doc, columns, published)))
        self.documents.append(doc)
        return doc

    def _balance_file(self, doc: PortalDocument, columns: list[tuple[str, dict]], day: date) -> bytes:
        rng = self._rng("cells", doc.document_id, len(doc.versions))
        untidy = doc.fiscal_year >= FIVE_REVENUE_LINES_FROM
        if untidy and doc.kind == "estimate":
            return self._published_estimate(doc, self.prior_year_columns(doc.fiscal_year) + columns, day, rng)
        data = balance_rows(
            [values for _, values in columns], rng, outline_of(doc.fiscal_year), PUBLISHED_LABELS if untidy else None
        )
        if doc.document_id == DEFECTS["text_in_number_cell"]:
            data[9][3] = "đang cập nhật"  # row of B.I.1.a: 'being updated', in the execution column
        if doc.kind == "execution":
            # Two header rows: the execution column's title merged over its amount and its ratio.
            width = 5
            title = _title_rows(doc.form_code, doc.title.upper(), "(Kèm theo báo cáo của Ủy ban nhân dân tỉnh)", width)
            header = [
                ["STT", "Nội dung", columns[0][0], columns[1][0], None],
                [None, None, None, "Số tiền", "So với dự toán năm (%)"],
            ]
            body = [r[:4] + [self._ratio(r[3], r[2])] for r in data]
            top = len(title) + 1
            merges = [f"A{top}:A{top + 1}", f"B{top}:B{top + 1}", f"C{top}:C{top + 1}", f"D{top}:E{top}"]
            return _xlsx("59-CK-NSNN", title + header + body, merges, day)
        if doc.kind == "final_accounts":
            width = 5
            title = _title_rows(
                doc.form_code, doc.title.upper(), "(Quyết toán đã được Hội đồng nhân dân tỉnh phê chuẩn)", width
            )
            header = [["STT", "Nội dung", columns[0][0], columns[1][0], "So sánh (%)"], ["A", "B", 1, 2, "3=2/1"]]
            body = [r + [self._ratio(r[3], r[2])] for r in data]
            return _xlsx("46-CK-NSNN", title + header + body, [], day)
        width = 3
        title = _title_rows(
            doc.form_code, doc.title.upper(), "(Dự toán đã được Hội đồng nhân dân tỉnh quyết định)", width
        )
        if doc.document_id == DEFECTS["header_one_row_lower"]:
            title.insert(4, [f"(Kèm theo Quyết định số {doc.decision_number} của Ủy ban nhân dân tỉnh)", None, None])
        return _xlsx("46-CK-NSNN", title + [["STT", "Nội dung", columns[0][0]], ["A", "B", 1]] + data, [], day)

    def _published_estimate(
        self, doc: PortalDocument, columns: list[tuple[str, dict]], day: date, rng: random.Random
    ) -> bytes:
        """An estimate as provinces publish it: the previous year's estimate and estimated
        execution beside the year's estimate and its ratio to the former, abbreviated labels, and
        text under the table. 2024: one header row, notes, place-and-date and signatures under
        each other; later years: the year merged over its kinds, a source line, two signatures
        side by side."""
        width = 6
        data = balance_rows([values for _, values in columns], rng, outline_of(doc.fiscal_year), PUBLISHED_LABELS)
        body = [r + [self._ratio(r[4], r[2])] for r in data]
        title = _title_rows(
            doc.form_code, doc.title.upper(), "(Dự toán đã được Hội đồng nhân dân tỉnh quyết định)", width
        )
        top, before = len(title) + 1, doc.fiscal_year - 1
        place_date = (
            f"Khánh Hòa, ngày {doc.published_date.day:02d} tháng {doc.published_date.month:02d} năm "
            f"{doc.published_date.year}"
        )
        if doc.fiscal_year == FIVE_REVENUE_LINES_FROM:
            header = [
                ["STT", "Nội dung", *(label for label, _ in columns), "So sánh (%)"],
                ["A", "B", 1, 2, 3, "4=3/1"],
            ]
            merges: list[str] = []
            trailer = [
                [None] * width,
                ["Ghi chú: (*) Không bao gồm thu tiền sử dụng đất ghi thu, ghi chi vào ngân sách.", *[None] * 5],
                [f"(1) Số ước thực hiện năm {before} là số ước đến hết tháng 11.", *[None] * 5],
                [None] * width,
                [None, None, None, None, place_date, None],
                [None, None, None, None, "TM. ỦY BAN NHÂN DÂN", None],
                [None, None, None, None, "KT. CHỦ TỊCH", None],
                [None, None, None, None, "PHÓ CHỦ TỊCH", None],
            ]
            end = top + len(header) + len(body) + 1
            merges.append(f"A{end + 1}:F{end + 1}")
        else:
            header = [
                ["STT", "Nội dung", f"Năm {before}", None, f"Năm {doc.fiscal_year}", "So sánh (%)"],
                [None, None, "Dự toán", "Ước thực hiện", "Dự toán", None],
                ["A", "B", "1", "2", "3", "4=3/1"],
            ]
            merges = [f"A{top}:A{top + 1}", f"B{top}:B{top + 1}", f"C{top}:D{top}", f"F{top}:F{top + 1}"]
            trailer = [
                ["Nguồn: Sở Tài chính tỉnh Khánh Hòa.", *[None] * 5],
                [None, None, None, None, place_date, None],
                [None, "NGƯỜI LẬP BIỂU", None, None, "GIÁM ĐỐC SỞ TÀI CHÍNH", None],
            ]
        return _xlsx("46-CK-NSNN", title + header + body + trailer, merges, day)

    @staticmethod
    def _ratio(value, base) -> str | None:
        def number(v):
            if isinstance(v, int):
                return Decimal(v)
            try:
                return Decimal(str(v).replace(".", "").replace(",", "."))
            except ArithmeticError:  # a blank, '-' or the text of a defective cell
                return None

        a, b = number(value), number(base)
        return format_vn_number(a / b * 100, 1) if a is not None and b else None

    def _unit_doc(self, year: int, published: date) -> None:
        doc = PortalDocument(
            f"CK-{year}-DVSN",
            UNIT_FORM,
            "unit_autonomy",
            year,
            "year",
            f"Công khai tình hình tự chủ tài chính của các đơn vị sự nghiệp công lập năm {year}",
            None,
            None,
            published,
            f"DVSN-tu-chu-tai-chinh_{year}.xlsx",
        )
        rows = _title_rows(UNIT_FORM, doc.title.upper(), "(Số liệu dự toán năm)", 8)
        top = len(rows) + 1
        rows += [
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
        merges = [
            f"A{top}:A{top + 1}",
            f"B{top}:B{top + 1}",
            f"C{top}:C{top + 1}",
            f"D{top}:D{top + 1}",
            f"E{top}:G{top}",
            f"H{top}:H{top + 1}",
        ]
        for sector_index, (sector, unit_rows) in enumerate(self.units(year)):
            rows.append(
                [["I", "II", "III", "IV", "V"][sector_index], sector.upper(), None, None, None, None, None, None]
            )
            for number, unit in enumerate(unit_rows, start=1):
                rows.append(
                    [
                        number,
                        unit["name"],
                        unit["code"],
                        unit["group"],
                        *[
                            format_vn_number(unit[k], 1) if unit[k] is not None else None
                            for k in ("service", "fees", "surplus", "spending")
                        ],
                    ]
                )
        doc.versions.append(Version(published, _xlsx("DVSN", rows, merges, published)))
        self.documents.append(doc)

    def units(self, year: int) -> list[tuple[str, list[dict]]]:
        """Per sector, the units of the year: code, name, autonomy group and money (triệu đồng).
        The same units every year; ceil(share x units) of them self-finance recurrent spending."""
        rng = self._rng("units", year)
        stable = self._rng("unit-names")
        self_financing = round(SELF_FINANCING_SHARE.get(year, 0.25) * UNITS_PER_YEAR)
        out, index = [], 0
        for sector, kinds in SECTORS:
            units = []
            for _ in range(UNITS_PER_YEAR // len(SECTORS)):
                name = f"{stable.choice(kinds)} {PLACES[index % len(PLACES)]}"
                group = (1 if index == 0 else 2) if index < self_financing else (3 if index % 3 else 4)
                spending = Decimal(rng.randint(4_000, 90_000))
                rate = {
                    1: rng.uniform(1.05, 1.4),
                    2: rng.uniform(1.0, 1.2),
                    3: rng.uniform(0.15, 0.9),
                    4: rng.uniform(0.0, 0.08),
                }[group]
                own = spending * Decimal(str(round(rate, 4)))
                fees = (own * Decimal("0.1")).quantize(Decimal("0.1"))
                surplus = (own * Decimal("0.05")).quantize(Decimal("0.1")) if group in (1, 2) else None
                service = (own - fees - (surplus or 0)).quantize(Decimal("0.1"))
                units.append(
                    {
                        "code": f"{1_100_000 + index * 37:07d}",
                        "name": name,
                        "group": group,
                        "service": service,
                        "fees": fees,
                        "surplus": surplus,
                        "spending": spending,
                    }
                )
                index += 1
            out.append((sector, units))
        return out
