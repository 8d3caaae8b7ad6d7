"""Connector for the catalogue of administrative procedures (danh mục thủ tục hành chính) of the
province's one-stop-shop system (hệ thống thông tin giải quyết thủ tục hành chính), as it publishes
it to the National Public Service Portal (Cổng Dịch vụ công quốc gia, DVCQG).

The one place that knows its format (docs/procedure_catalogue_landing.md):
`GET /api/v1/catalogue/procedures?as_of=yyyy-MM-dd&page=&page_size=` lists every procedure of the
catalogue as it stood on `as_of`, in pages; every response says the date its data stands at
(`as_of`). It lands as a snapshot (`snapshot-YYYYMMDD`), every row carrying that date
(NgayChotDuLieu); staging reads every accepted snapshot, so a period is judged by the catalogue as it
stood then, and the dossiers' models read the latest.

Field names and what we know of them (confidence: what we could check in public material):
- MaTTHC (procedure code, e.g. 1.004227): HIGH. The national code of the National Database of
  Administrative Procedures (csdl.dichvucong.gov.vn) and the field name of the one-stop-shop's DVCQG
  sync payload (connectors/one_stop_shop.py). Provinces publish local variants with a suffix
  ("1.012753.H19" seen in public code): the catalogue sends the national code; a suffix lands as sent
  and staging keeps the part before it.
- TenTTHC, MaLinhVuc, TenLinhVuc, CapThucHien (TINH/HUYEN/XA; no HUYEN after 1 July 2025, when the
  districts were abolished), ThoiHanGiaiQuyet (statutory limit, working days), LePhi (fee, VND):
  MEDIUM. The concepts are the columns of every published catalogue decision (Quyết định công bố
  danh mục TTHC: "Mã số TTHC", "Tên TTHC", "Lĩnh vực", "Cấp thực hiện", "Thời hạn giải quyết",
  "Phí, lệ phí"); these API names are ours in the DVCQG naming style, NOT VERIFIED against a real API.
- DuDieuKienToanTrinh (eligible for full-online public service: 1/0), MucDoDVC (TOAN_TRINH: offered
  full-online, MOT_PHAN: partly online, null: not online), NgayCungCapTrucTuyen (since when it is
  offered at that level), ThanhToanTrucTuyen (online payment integrated), XacThucVNeID (VNeID
  authentication required), TichHopDVCQG (its online service integrated with DVCQG): LOW. The
  concepts are those of Decree 42/2022/NĐ-CP (full-online vs partly online public services) and of
  the provincial decisions approving the list of procedures eligible for full-online; names NOT
  VERIFIED.
- SoQuyetDinhCongBo, NgayQuyetDinhCongBo (the decision that published the procedure): MEDIUM
  concept (every catalogue row cites its publishing decision), names NOT VERIFIED.

A flag the system leaves blank lands null (unknown), never 0.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pyarrow as pa

from connectors.http_session import SourceResponseError, SourceSession
from connectors.ingest import Page
from connectors.records import RESERVED_COLUMNS, RecordError, build_table, coerce_value, json_type

SOURCE = "procedure_catalogue"
DATASET = "procedures"
DATASETS = (DATASET,)
API_PATH = "/api/v1/catalogue/procedures"
SNAPSHOT_FIELD = "NgayChotDuLieu"  # the date the catalogue stands at (the API's as_of)

_STR, _INT, _DATE = pa.string(), pa.int32(), pa.date32()
_MONEY = pa.decimal128(14, 0)

FIELDS: dict[str, pa.DataType] = {
    "MaTTHC": _STR,
    "TenTTHC": _STR,
    "MaLinhVuc": _STR,
    "TenLinhVuc": _STR,
    "CapThucHien": _STR,
    "ThoiHanGiaiQuyet": _INT,
    "LePhi": _MONEY,
    "DuDieuKienToanTrinh": _INT,
    "MucDoDVC": _STR,
    "NgayCungCapTrucTuyen": _DATE,
    "ThanhToanTrucTuyen": _INT,
    "XacThucVNeID": _INT,
    "TichHopDVCQG": _INT,
    "SoQuyetDinhCongBo": _STR,
    "NgayQuyetDinhCongBo": _DATE,
}
KEY = "MaTTHC"
LEVELS = ("TINH", "HUYEN", "XA")
ONLINE_LEVELS = ("TOAN_TRINH", "MOT_PHAN")
FLAG_FIELDS = ("DuDieuKienToanTrinh", "ThanhToanTrucTuyen", "XacThucVNeID", "TichHopDVCQG")


def _typed(record: object, number: int) -> dict:
    if not isinstance(record, dict):
        raise RecordError(f"{DATASET} record {number} is {json_type(record)}, not a JSON object")
    code = record.get(KEY)
    where = f"{DATASET} record {number}" + (f" ({KEY}={code!r})" if code is not None else "")
    row = {}
    for key, value in record.items():
        if key in RESERVED_COLUMNS or key == SNAPSHOT_FIELD:
            raise RecordError(f"{where}: field {key} has the name of a column the landing zone adds")
        row[key] = coerce_value(value, FIELDS.get(key, _STR), where, key)
    if row.get(KEY) is None:
        raise RecordError(f"{where} has no {KEY}: a procedure cannot be landed without its code")
    return row


def flatten(items: list[dict]) -> dict[str, pa.Table]:
    """Items {"as_of", "record"} -> {"procedures": table}. A value that cannot have the contract's
    type raises RecordError naming the record's code and the field; nothing of the batch lands then."""
    rows = []
    for number, item in enumerate(items, start=1):
        row = _typed(item["record"], number)
        row[SNAPSHOT_FIELD] = item["as_of"]
        rows.append(row)
    return {DATASET: build_table(rows, {**FIELDS, SNAPSHOT_FIELD: _DATE})}


class ProcedureCatalogueClient:
    """Pages through the whole catalogue as it stood on `as_of`."""

    def __init__(self, session: SourceSession, page_size: int = 500):
        self.session = session
        self.page_size = page_size

    def pages(self, as_of: date, cursor: str | None = None) -> Iterator[Page]:
        """Cursor "<last page landed>"; the snapshot date is the source's own `as_of`."""
        page = int(cursor) + 1 if cursor else 1
        while True:
            params = {"as_of": as_of.isoformat(), "page": page, "page_size": self.page_size}
            body = self.session.get_json(API_PATH, params)
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, list):
                raise SourceResponseError(f"{self.session.source_name}: a page without a 'data' list {params}")
            stood_at = coerce_value(body.get("as_of"), _DATE, f"{DATASET} page {page}", "as_of")
            if stood_at is None:
                raise SourceResponseError(
                    f"{self.session.source_name}: page {page} does not say the date its data stands at (as_of)"
                )
            yield [{"as_of": stood_at, "record": r} for r in data], str(page)
            if page >= int(body.get("total_pages") or 1):
                break
            page += 1
