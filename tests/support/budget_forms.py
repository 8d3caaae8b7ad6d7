"""A hand-made budget form (Biểu 46/CK-NSNN, estimate) and its listing entry: the title rows, the lines
(test_budget_parser.py's docstring works out every value) and the workbook writer."""

from __future__ import annotations

from datetime import date

from connectors.budget import ListedDocument
from connectors.spreadsheet import write_laid_out_workbook

TITLE = [
    ["ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA", None, "Biểu số 46/CK-NSNN"],
    [None, None, None],
    ["CÂN ĐỐI NGÂN SÁCH ĐỊA PHƯƠNG NĂM 2024", None, None],
    [None, None, "Đơn vị: Triệu đồng"],
]


ESTIMATE_LINES = [
    ["A", "TỔNG NGUỒN THU NSĐP", "1.500,5"],
    ["I", "Thu NSĐP được hưởng theo phân cấp", 1000],
    ["II", "Thu bổ sung từ ngân sách trung ương", "500,5"],
    ["1", "Thu bổ sung cân đối ngân sách", "300"],
    ["2", "Thu bổ sung có mục tiêu", "200,5"],
    ["B", "TỔNG CHI NSĐP", "1.400"],
    ["I", "Tổng chi cân đối NSĐP", "1.400"],
    ["1", "Chi đầu tư phát triển", "600"],
    ["a", "Chi đầu tư cho các dự án", "450"],
    ["-", "Dự án giao thông", "250"],
    ["-", "Dự án thủy lợi", "200"],
    ["b", "Chi đầu tư khác", "150"],
    ["2", "Chi thường xuyên", "800"],
    [None, "Trong đó:", None],
    ["a", "Chi giáo dục", "300"],
    ["3", "Dự phòng ngân sách", None],
    ["4", "Chi bổ sung quỹ dự trữ tài chính", "-"],
    ["C", "BỘI CHI NSĐP", "(100,5)"],
]


def doc(kind="estimate", document_id="D1", form="46/CK-NSNN", period="year") -> ListedDocument:
    return ListedDocument(
        document_id, form, kind, 2024, period, None, None, None, date(2024, 1, 5), None, "/files/f.xlsx", "f.xlsx"
    )


def form(tmp_path, rows, merges=(), name="form.xlsx"):
    return write_laid_out_workbook(tmp_path / name, {"46-CK-NSNN": (rows, list(merges))})
