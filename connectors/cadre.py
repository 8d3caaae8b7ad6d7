"""Connector for the province's cadre management software (phần mềm quản lý cán bộ, công chức, viên chức)
and for the yearly PAR ranking file (xếp hạng chỉ số cải cách hành chính).

The one place that knows both formats (docs/cadre_landing.md):
- the cadre system's API, `GET /api/v1/cadre/<dataset>?as_of=yyyy-MM-dd&page=&page_size=`, one
  dataset at a time, codes and ISO dates; every response says the date its data stands at (`as_of`);
- its XLSX export: one sheet per dataset, title rows (the export date among them, "Ngày xuất dữ
  liệu: dd/MM/yyyy"), Vietnamese column names, Vietnamese labels instead of codes, dates dd/MM/yyyy;
- the PAR ranking: one XLSX file per year ("... NĂM 2024" in its title), score and grade per agency.

Both land as snapshots: every row carries the date the source's data stands at (NgayChotDuLieu),
staging reads the latest accepted snapshot. Names and ID numbers are pseudonymised before landing
with the same keyed hash as the one-stop-shop's officials; so are the persons' one-stop-shop accounts,
which is how a person meets their dossiers (docs/one_stop_shop_landing.md "Officials").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyarrow as pa

from connectors.file_cursor import FileCursor, whole_file_cursors, why_not_resume
from connectors.http_session import SourceResponseError, SourceSession
from connectors.ingest import Page
from connectors.pseudonymise import Pseudonymiser
from connectors.records import RESERVED_COLUMNS, RecordError, build_table, coerce_value, json_type
from connectors.spreadsheet import (
    CellLocation,
    SpreadsheetError,
    find_header_row,
    is_blank,
    iter_records,
    normalise_header,
    parse_vn_date,
    parse_vn_number,
    sheet_rows,
)

log = logging.getLogger(__name__)

SOURCE = "cadre"
RANKING_SOURCE = "par_ranking"
API_PATH = "/api/v1/cadre/{dataset}"
SNAPSHOT_FIELD = "NgayChotDuLieu"  # the date the source's data stands at (API as_of, export date)

_STR, _INT, _DATE = pa.string(), pa.int32(), pa.date32()
_SCORE = pa.decimal128(7, 2)

FIELDS: dict[str, dict[str, pa.DataType]] = {
    "persons": {
        "MaCanBo": _STR,
        "HoTen": _STR,
        "SoCCCD": _STR,
        "MaDonVi": _STR,
        "DonViCongTac": _STR,
        "PhanLoai": _STR,
        "Cap": _STR,
        "ChucDanh": _STR,
        "HuongLuongNganSach": _INT,
        "DatChuanChucDanh": _INT,
        "NgayDatChuan": _DATE,
        "NgayBatDau": _DATE,
        "NgayKetThuc": _DATE,
        "ChucVuLanhDao": _STR,
        "TaiKhoanMotCua": _STR,
    },
    "appraisals": {"MaCanBo": _STR, "Nam": _INT, "MucXepLoai": _STR, "NgayQuyetDinh": _DATE},
    "staffing_quotas": {"MaDonVi": _STR, "Nam": _INT, "BienCheCongChuc": _INT, "SoNguoiLamViec": _INT},
    "public_service_units": {
        "MaDVSN": _STR,
        "TenDVSN": _STR,
        "MaCoQuanChuQuan": _STR,
        "NhomTuChu": _INT,
        "NgayThanhLap": _DATE,
        "NgayKetThuc": _DATE,
        "HinhThucKetThuc": _STR,
        "MaDVSNTiepNhan": _STR,
    },
}
DATASETS = tuple(FIELDS)
KEYS = {
    "persons": ("MaCanBo", "NgayBatDau"),
    "appraisals": ("MaCanBo", "Nam"),
    "staffing_quotas": ("MaDonVi", "Nam"),
    "public_service_units": ("MaDVSN",),
}
# Personal data, hashed before landing: the person's name (the one-stop-shop's NguoiXuLy) and ID number.
PERSONAL_FIELDS = {"persons": ("HoTen", "SoCCCD")}
# The person's account(s) in the one-stop-shop system (its TaiKhoanXuLy), beside MaCanBo: a JSON list
# or a text with the accounts separated by ";" or ",". Each account is hashed like a personal field and
# lands as the sorted, distinct hashes joined by ACCOUNT_SEPARATOR (at most MAX_ACCOUNTS: the gate
# rejects more), so an account meets the steps it signed (docs/cadre_landing.md "Officials").
ACCOUNT_FIELDS = {"persons": "TaiKhoanMotCua"}
ACCOUNT_SEPARATOR = ";"
MAX_ACCOUNTS = 4
_ACCOUNT_SPLIT = re.compile(r"[;,]")

RANKING_DATASET = "rankings"
RANKING_FIELDS: dict[str, pa.DataType] = {
    "Nam": _INT,
    "MaDonVi": _STR,
    "TenDonVi": _STR,
    "TongDiem": _SCORE,
    "XepLoai": _STR,
    "TenTep": _STR,
}

# -- the XLSX export: sheet and Vietnamese column name of each field ------------------------------
EXPORT_SHEETS: dict[str, tuple[str, dict[str, str]]] = {
    "persons": (
        "CanBo",
        {
            "MaCanBo": "Mã cán bộ",
            "HoTen": "Họ và tên",
            "SoCCCD": "Số CCCD",
            "MaDonVi": "Mã cơ quan",
            "DonViCongTac": "Đơn vị công tác",
            "PhanLoai": "Phân loại",
            "Cap": "Cấp",
            "ChucDanh": "Chức danh",
            "HuongLuongNganSach": "Hưởng lương ngân sách",
            "DatChuanChucDanh": "Đạt chuẩn chức danh",
            "NgayDatChuan": "Ngày đạt chuẩn",
            "NgayBatDau": "Ngày bắt đầu công tác",
            "NgayKetThuc": "Ngày kết thúc công tác",
            "ChucVuLanhDao": "Chức vụ lãnh đạo",
            "TaiKhoanMotCua": "Tài khoản một cửa",
        },
    ),
    "appraisals": (
        "DanhGia",
        {
            "MaCanBo": "Mã cán bộ",
            "Nam": "Năm đánh giá",
            "MucXepLoai": "Mức xếp loại",
            "NgayQuyetDinh": "Ngày quyết định",
        },
    ),
    "staffing_quotas": (
        "BienChe",
        {
            "MaDonVi": "Mã cơ quan",
            "Nam": "Năm",
            "BienCheCongChuc": "Biên chế công chức được giao",
            "SoNguoiLamViec": "Số người làm việc được giao",
        },
    ),
    "public_service_units": (
        "DonViSuNghiep",
        {
            "MaDVSN": "Mã đơn vị sự nghiệp",
            "TenDVSN": "Tên đơn vị sự nghiệp",
            "MaCoQuanChuQuan": "Mã cơ quan chủ quản",
            "NhomTuChu": "Nhóm tự chủ",
            "NgayThanhLap": "Ngày thành lập",
            "NgayKetThuc": "Ngày kết thúc",
            "HinhThucKetThuc": "Hình thức kết thúc",
            "MaDVSNTiepNhan": "Đơn vị tiếp nhận",
        },
    ),
}
# The export writes labels where the API sends codes: code -> label per field. Blank is null.
EXPORT_LABELS: dict[str, dict[str, str]] = {
    "PhanLoai": {"CB": "Cán bộ", "CC": "Công chức", "VC": "Viên chức", "HD": "Hợp đồng lao động"},
    "Cap": {"TINH": "Tỉnh", "HUYEN": "Huyện", "XA": "Xã"},
    "ChucVuLanhDao": {"TRUONG": "Trưởng", "PHO": "Phó"},
    "HinhThucKetThuc": {"SAP_NHAP": "Sáp nhập", "GIAI_THE": "Giải thể"},
    "MucXepLoai": {
        "HTXSNV": "Hoàn thành xuất sắc nhiệm vụ",
        "HTTNV": "Hoàn thành tốt nhiệm vụ",
        "HTNV": "Hoàn thành nhiệm vụ",
        "KHTNV": "Không hoàn thành nhiệm vụ",
    },
    "HuongLuongNganSach": {1: "Có", 0: "Không"},
    "DatChuanChucDanh": {1: "Có", 0: "Không"},
}
EXPORT_TITLE = "PHẦN MỀM QUẢN LÝ CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC TỈNH KHÁNH HÒA"
EXPORT_DATE_LABEL = "Ngày xuất dữ liệu:"
RANKING_SHEET = "XepHang"
RANKING_HEADERS = {"MaDonVi": "Mã đơn vị", "TenDonVi": "Tên đơn vị", "TongDiem": "Tổng điểm", "XepLoai": "Xếp loại"}
RANKING_TITLE = "KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}"
_RANKING_YEAR = re.compile(r"CẢI CÁCH HÀNH CHÍNH NĂM (\d{4})", re.IGNORECASE)
_EXPORT_DATE = re.compile(re.escape(EXPORT_DATE_LABEL) + r"\s*(\S+)")


# -- one record of a dataset, from either form ----------------------------------------------------
def _record_error_place(dataset: str, record: dict, number: int) -> str:
    keys = [
        f"{k}={record.get(k)!r}"
        for k in KEYS[dataset]
        if k in FIELDS[dataset] and record.get(k) is not None and k not in PERSONAL_FIELDS.get(dataset, ())
    ]
    return f"{dataset} record {number}" + (f" ({', '.join(keys)})" if keys else "")


def account_hashes(value: object, pseudonymise: Pseudonymiser, where: str, field: str) -> str | None:
    """The person's one-stop-shop accounts (a list, or a text separated by ";" or ","), each hashed:
    the distinct hashes, sorted, joined by ACCOUNT_SEPARATOR; None when there is none."""
    if value is None:
        return None
    if isinstance(value, list):
        accounts = [coerce_value(v, _STR, where, f"{field}[{i}]") for i, v in enumerate(value, start=1)]
    else:
        text = coerce_value(value, _STR, where, field)
        accounts = _ACCOUNT_SPLIT.split(text) if text is not None else []
    hashes = sorted({h for h in pseudonymise.texts(a.strip() if a else None for a in accounts) if h})
    return ACCOUNT_SEPARATOR.join(hashes) or None


def _typed(dataset: str, record: object, number: int, fields: dict[str, pa.DataType]) -> dict:
    if not isinstance(record, dict):
        raise RecordError(f"{dataset} record {number} is {json_type(record)}, not a JSON object")
    where = _record_error_place(dataset, record, number) if dataset in KEYS else f"{dataset} record {number}"
    row = {}
    for key, value in record.items():
        if key in RESERVED_COLUMNS or key == SNAPSHOT_FIELD:
            raise RecordError(f"{where}: field {key} has the name of a column the landing zone adds")
        if key == ACCOUNT_FIELDS.get(dataset):
            row[key] = value if isinstance(value, list) else coerce_value(value, _STR, where, key)
            continue
        row[key] = coerce_value(value, fields.get(key, _STR), where, key)
    missing = [k for k in KEYS.get(dataset, ()) if row.get(k) is None]
    if missing:
        raise RecordError(f"{where} has no {' / '.join(missing)}: a record cannot be landed without its key")
    return row


def flatten(items: list[dict], pseudonymise: Pseudonymiser) -> dict[str, pa.Table]:
    """Items {"dataset", "as_of", "record"} -> one table per dataset, every dataset present.

    Raises RecordError naming the dataset, the record's key and the field for a value that cannot
    have the contract's type; nothing of the batch is landed then.
    """
    rows: dict[str, list[dict]] = {d: [] for d in DATASETS}
    for number, item in enumerate(items, start=1):
        dataset = item["dataset"]
        row = _typed(dataset, item["record"], number, FIELDS[dataset])
        row[SNAPSHOT_FIELD] = item["as_of"]
        for name in PERSONAL_FIELDS.get(dataset, ()):
            row[name] = pseudonymise(row.get(name))
        if dataset in ACCOUNT_FIELDS:
            name = ACCOUNT_FIELDS[dataset]
            row[name] = account_hashes(row.get(name), pseudonymise, _record_error_place(dataset, row, number), name)
        rows[dataset].append(row)
    return {d: build_table(rows[d], {**FIELDS[d], SNAPSHOT_FIELD: _DATE}) for d in DATASETS}


def flatten_rankings(items: list[dict]) -> dict[str, pa.Table]:
    rows = [_typed(RANKING_DATASET, item, n, RANKING_FIELDS) for n, item in enumerate(items, start=1)]
    return {RANKING_DATASET: build_table(rows, RANKING_FIELDS)}


# -- the API --------------------------------------------------------------------------------------
class CadreClient:
    """Pages through every dataset of the system's API, as the data stood on `as_of`."""

    def __init__(self, session: SourceSession, page_size: int = 1000):
        self.session = session
        self.page_size = page_size

    def pages(self, as_of: date, cursor: str | None = None) -> Iterator[Page]:
        """Cursor "<dataset>:<last page landed>"; the snapshot date is the source's own `as_of`."""
        done_dataset, done_page = cursor.split(":") if cursor else (None, "0")
        start = DATASETS.index(done_dataset) if done_dataset else 0
        for dataset in DATASETS[start:]:
            page = int(done_page) + 1 if dataset == done_dataset else 1
            while True:
                params = {"as_of": as_of.isoformat(), "page": page, "page_size": self.page_size}
                body = self.session.get_json(API_PATH.format(dataset=dataset), params)
                data = body.get("data") if isinstance(body, dict) else None
                if not isinstance(data, list):
                    raise SourceResponseError(
                        f"{self.session.source_name}: a page without a 'data' list for {dataset} {params}"
                    )
                stood_at = coerce_value(body.get("as_of"), _DATE, f"{dataset} page {page}", "as_of")
                if stood_at is None:
                    raise SourceResponseError(
                        f"{self.session.source_name}: {dataset} page {page} does not say "
                        "the date its data stands at (as_of)"
                    )
                yield [{"dataset": dataset, "as_of": stood_at, "record": r} for r in data], f"{dataset}:{page}"
                if page >= int(body.get("total_pages") or 1):
                    break
                page += 1


# -- the XLSX export ------------------------------------------------------------------------------
def _from_label(field: str, value: object, where: CellLocation) -> object:
    labels = EXPORT_LABELS.get(field)
    if labels is None or is_blank(value):
        return None if is_blank(value) else value
    by_label = {normalise_header(label): code for code, label in labels.items()}
    code = by_label.get(normalise_header(value))
    if code is None:
        if field == "MucXepLoai":
            return str(value).strip()  # a rating outside the code list lands as written: the gate judges it
        raise where.error(f"'{value}' is not one of {', '.join(labels.values())} (column {field})")
    return code


def _cell(field: str, dtype: pa.DataType, value: object, where: CellLocation) -> object:
    if dtype == _DATE:
        return parse_vn_date(value, where)
    if field in EXPORT_LABELS:
        return _from_label(field, value, where)
    if dtype == _INT:
        number = parse_vn_number(value, where)
        if number is not None and number != number.to_integral_value():
            raise where.error(f"'{value}' is not a whole number")
        return None if number is None else int(number)
    if pa.types.is_decimal(dtype):
        return parse_vn_number(value, where)
    return None if is_blank(value) else str(value).strip()


def _title_text(rows: list[tuple], header_row: int) -> str:
    return " ".join(str(v) for row in rows[: header_row - 1] for v in row if not is_blank(v))


def read_export_sheets(path: Path) -> tuple[date, dict[str, list[dict]]]:
    """The whole export, checked cell by cell before anything is returned: (export date, records per dataset).

    A malformed workbook raises SpreadsheetError naming the file, the sheet and the cell; nothing of it
    is landed then.
    """
    stood_at: date | None = None
    records: dict[str, list[dict]] = {}
    for dataset, (sheet, headers) in EXPORT_SHEETS.items():
        title, rows = sheet_rows(path, sheet)
        header_row, columns = find_header_row(path, title, rows, headers.values())
        titles = _title_text(rows, header_row)
        match = _EXPORT_DATE.search(titles)
        if match:
            where = CellLocation(Path(path).name, title, 1, 1)
            sheet_date = parse_vn_date(match.group(1), where)
            if stood_at is not None and sheet_date != stood_at:
                raise SpreadsheetError(
                    path, f"export date {sheet_date:%d/%m/%Y} differs from the first sheet's {stood_at:%d/%m/%Y}", title
                )
            stood_at = sheet_date
        out = records[dataset] = []
        for _, cells in iter_records(path, title, rows, header_row, columns, headers):
            out.append(
                {name: _cell(name, FIELDS[dataset][name], value, where) for name, (value, where) in cells.items()}
            )
    if stood_at is None:
        raise SpreadsheetError(
            path, f"no '{EXPORT_DATE_LABEL} dd/MM/yyyy' in the title rows: the date the data stands at is unknown"
        )
    return stood_at, records


def read_export(
    path: Path, chunk_size: int = 2000, skip: str | None = None, *, cursor: str | None = None
) -> Iterator[Page]:
    """Pages of the export for land_pull; the cursor is "<dataset>:<rows landed>" with which file it was
    (connectors/file_cursor.py): a pull resumes only in the very file it began on; a file replaced
    meanwhile is read from its start again (logged). `cursor` is `skip` under the name the registry's
    export readers share (`read_export(path, cursor=...)`, orchestration/registry.py `Api.export`)."""
    skip = cursor if skip is None else skip
    saved = FileCursor.decode(skip)
    why = why_not_resume(path, skip)
    if why:
        log.warning(
            "%s: not resuming after %s: %s. Reading it from its start again.", path, saved.at if saved else skip, why
        )
        saved = None
    cursor = whole_file_cursors(path)
    stood_at, records = read_export_sheets(path)
    done_dataset, done_rows = saved.at.split(":") if saved else (None, "0")
    start = DATASETS.index(done_dataset) if done_dataset else 0
    for dataset in DATASETS[start:]:
        rows = records[dataset]
        first = int(done_rows) if dataset == done_dataset else 0
        for lo in range(first, len(rows), chunk_size):
            chunk = rows[lo : lo + chunk_size]
            yield (
                [{"dataset": dataset, "as_of": stood_at, "record": r} for r in chunk],
                cursor(f"{dataset}:{lo + len(chunk)}"),
            )


# -- the PAR ranking files ------------------------------------------------------------------------
def read_ranking_file(path: Path) -> list[dict]:
    """One year's ranking: the year from the title, a row per agency. Malformed: SpreadsheetError."""
    title, rows = sheet_rows(path, None)
    header_row, columns = find_header_row(path, title, rows, RANKING_HEADERS.values())
    match = _RANKING_YEAR.search(_title_text(rows, header_row))
    if not match:
        raise SpreadsheetError(path, "no 'CẢI CÁCH HÀNH CHÍNH NĂM yyyy' in the title rows: the year is unknown", title)
    year = int(match.group(1))
    out = []
    for _, cells in iter_records(path, title, rows, header_row, columns, RANKING_HEADERS):
        row = {name: _cell(name, RANKING_FIELDS[name], value, where) for name, (value, where) in cells.items()}
        if row["MaDonVi"] is None:
            raise cells["MaDonVi"][1].error("an agency row without its code (Mã đơn vị)")
        out.append({**row, "Nam": year, "TenTep": Path(path).name})
    return out


def read_ranking_files(directory: Path) -> Iterator[Page]:
    """Every `*.xlsx` of the directory, all read and checked before the first page is yielded."""
    files = sorted(Path(directory).glob("*.xlsx"))
    records = [r for f in files for r in read_ranking_file(f)]
    years = [r["Nam"] for r in records]
    seen: dict[int, str] = {}
    for r in records:
        if seen.setdefault(r["Nam"], r["TenTep"]) != r["TenTep"]:
            raise SpreadsheetError(r["TenTep"], f"a second ranking for {r['Nam']} (also in {seen[r['Nam']]})")
    yield records, f"files:{len(files)};years:{len(set(years))}"
