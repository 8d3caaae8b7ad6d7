"""Connector for the provincial one-stop-shop system (một cửa điện tử): API pages or NDJSON export.

The one place that knows the source's format: the DVCQG sync payload, its child lists, which
fields are personal. It pages, pseudonymises and flattens; it never judges whether data is good
(that is the GX gate's job) beyond refusing a value that cannot have the contract's type.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from connectors.http_session import SourceResponseError, SourceSession
from connectors.ingest import Page
from connectors.pseudonymise import Pseudonymiser

SOURCE = "one_stop_shop"
DOSSIERS_PATH = "/api/v1/dossiers"
DATE_FORMAT = "%Y%m%d%H%M%S"

_STR, _INT, _BIGINT = pa.string(), pa.int32(), pa.int64()

DOSSIER_FIELDS: dict[str, pa.DataType] = {
    "MaHoSo": _STR, "MaTTHC": _STR, "MaLinhVuc": _STR, "KenhThucHien": _INT, "ChuHoSo": _STR,
    "SoGiayToChuHoSo": _STR, "LoaiDoiTuong": _INT, "NgayNopHoSo": _STR, "NgayTiepNhan": _STR,
    "NgayHenTra": _STR, "NgayKetThucXuLy": _STR, "NgayTra": _STR, "NgayTuChoi": _STR,
    "TrangThaiHoSo": _INT, "DonViXuLy": _STR, "TenDonViXuLy": _STR, "HoSoCoThanhPhanSoHoa": _INT,
    "TaiKhoanDuocXacThucVoiVNeID": _INT, "DuocThanhToanTrucTuyen": _INT, "NgayDongBo": _STR,
    "NgayCapNhat": _STR,
}
# payload list -> (landed dataset, its fields)
CHILD_LISTS: dict[str, tuple[str, dict[str, pa.DataType]]] = {
    "QuaTrinhXuLy": ("process_steps", {"ThuTu": _INT, "NguoiXuLy": _STR, "ChucDanh": _STR, "ThoiDiemXuLy": _STR,
                                       "TrangThai": _INT, "NgayKetThucTheoQuyDinh": _STR}),
    "BoSung": ("supplements", {"LanBoSung": _INT, "NgayYeuCau": _STR, "CoVanBanYeuCau": _INT, "NgayBoSung": _STR,
                               "NgayHenTraTruoc": _STR, "NgayHenTraMoi": _STR}),
    "XinLoi": ("apologies", {"LanXinLoi": _INT, "NgayXinLoi": _STR, "NgayHenTraMoi": _STR}),
    "LePhi": ("fees", {"MaPhiLePhi": _STR, "TenPhiLePhi": _STR, "Gia": _BIGINT}),
    "GiayToNop": ("documents", {"MaGiayTo": _STR, "TenGiayTo": _STR, "DuocSoHoa": _INT, "DuocTaiSuDung": _INT,
                                "DuocLayTuKhoDMQG": _INT}),
    "KetQua": ("results", {"MaGiayTo": _STR, "TenGiayTo": _STR, "DuongDanTep": _STR}),
    "DanhGia": ("votes", {"MucDoHaiLong": _INT, "NgayDanhGia": _STR}),
    "PhanAnhKienNghi": ("feedback", {"MaPAKN": _STR, "NgayTiepNhanPAKN": _STR, "NgayTraLoiPAKN": _STR}),
}
DATASETS = ("dossiers", *(dataset for dataset, _ in CHILD_LISTS.values()))
# Personal data, hashed before landing: applicants' names and ID numbers, officials' names.
PERSONAL_FIELDS = {"dossiers": ("ChuHoSo", "SoGiayToChuHoSo"), "process_steps": ("NguoiXuLy",)}
PARENT_KEYS = ("MaHoSo", "NgayCapNhat")


class RecordError(ValueError):
    """A record whose field cannot have the contract's type; names the record and the field."""


def _coerce(value: object, dtype: pa.DataType, code: object, field: str) -> object:
    if value is None or value == "":
        return None
    if dtype == _STR:
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)
    if isinstance(value, bool):
        return int(value)
    try:
        number = int(value) if not isinstance(value, float) or value.is_integer() else None
    except (TypeError, ValueError):
        number = None
    if number is None:
        raise RecordError(f"dossier {code!r}: field {field} = {value!r} is not an integer")
    return number


def _table(rows: list[dict], fields: dict[str, pa.DataType]) -> pa.Table:
    extra = sorted({k for r in rows for k in r} - set(fields))  # schema drift: keep new fields as text
    columns = {name: pa.array([r.get(name) for r in rows], dtype) for name, dtype in fields.items()}
    for name in extra:
        columns[name] = pa.array([None if r.get(name) is None else str(r.get(name)) for r in rows], _STR)
    return pa.table(columns)


def flatten(payloads: list[dict], pseudonymise: Pseudonymiser) -> dict[str, pa.Table]:
    """Payloads -> one table per landed dataset (docs/one_stop_shop_landing.md)."""
    rows: dict[str, list[dict]] = {dataset: [] for dataset in DATASETS}
    for payload in payloads:
        if not isinstance(payload, dict) or not payload.get("MaHoSo"):
            raise RecordError(f"a record without MaHoSo cannot be landed: {str(payload)[:200]}")
        code = payload["MaHoSo"]
        parent = {k: payload.get(k) for k in PARENT_KEYS}
        dossier = {}
        for key, value in payload.items():
            if key in CHILD_LISTS:
                continue
            dtype = DOSSIER_FIELDS.get(key, _STR)
            dossier[key] = _coerce(value, dtype, code, key)
        rows["dossiers"].append(dossier)
        for list_name, (dataset, fields) in CHILD_LISTS.items():
            items = payload.get(list_name) or []
            if not isinstance(items, list):
                raise RecordError(f"dossier {code!r}: field {list_name} should be a list, got {type(items).__name__}")
            for item in items:
                if not isinstance(item, dict):
                    raise RecordError(f"dossier {code!r}: an item of {list_name} is not an object: {item!r}")
                child = dict(parent)
                for key, value in item.items():
                    child[key] = _coerce(value, fields.get(key, _STR), code, f"{list_name}.{key}")
                rows[dataset].append(child)
    for dataset, fields in PERSONAL_FIELDS.items():
        for row in rows[dataset]:
            for name in fields:
                row[name] = pseudonymise(row.get(name))
    tables = {"dossiers": _table(rows["dossiers"], DOSSIER_FIELDS)}
    for dataset, fields in CHILD_LISTS.values():
        tables[dataset] = _table(rows[dataset], {"MaHoSo": _STR, "NgayCapNhat": _STR, **fields})
    return tables


def format_time(moment: datetime) -> str:
    return moment.strftime(DATE_FORMAT)


class OneStopShopClient:
    """Pages through the system's dossier API for one [since, until) window of updates."""

    def __init__(self, session: SourceSession, page_size: int = 1000):
        self.session = session
        self.page_size = page_size

    def pages(self, since: datetime, until: datetime, cursor: str | None = None) -> Iterator[Page]:
        while True:
            params = {"updated_since": format_time(since), "updated_until": format_time(until),
                      "page_size": self.page_size}
            if cursor:
                params["cursor"] = cursor
            body = self.session.get_json(DOSSIERS_PATH, params)
            data = body.get("data") if isinstance(body, dict) else None
            next_cursor = body.get("next_cursor") if isinstance(body, dict) else None
            if not isinstance(data, list):
                raise SourceResponseError(f"{self.session.source_name}: a page without a 'data' list for {params}")
            if next_cursor is None:
                yield data, cursor
                return
            yield data, next_cursor
            cursor = next_cursor


def read_export(path: Path, chunk_size: int = 1000, skip_lines: int = 0) -> Iterator[Page]:
    """A vendor's NDJSON export, in chunks; the cursor is the number of lines consumed."""
    chunk: list[dict] = []
    line_no = 0
    with open(path, encoding="utf-8-sig") as f:
        for line_no, line in enumerate(f, start=1):
            if line_no <= skip_lines or not line.strip():
                continue
            try:
                chunk.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise RecordError(f"{path}: line {line_no} is not valid JSON ({exc.msg})") from None
            if len(chunk) >= chunk_size:
                yield chunk, str(line_no)
                chunk = []
    if chunk or line_no == 0:
        yield chunk, str(line_no)
