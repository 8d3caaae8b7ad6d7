"""Connector for the provincial one-stop-shop system (một cửa điện tử): API pages or NDJSON export.

The one place that knows the source's format: the DVCQG sync payload, its child lists, which
fields are personal. It pages, pseudonymises and flattens; it never judges whether data is good
(that is the GX gate's job) beyond refusing a value that cannot have the contract's type.
"""

from __future__ import annotations

import codecs
import json
import logging
import os
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from itertools import chain
from operator import itemgetter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from connectors.arrow_pages import read_page
from connectors.file_cursor import FileCursor, cursor_at, hash_prefix, why_not_resume
from connectors.http_session import SourceSession
from connectors.ingest import Page
from connectors.paging import MAX_REPEATED_PAGES, cursor_pages  # noqa: F401 - the limit is this client's too
from connectors.pseudonymise import Pseudonymiser
from connectors.records import RESERVED_COLUMNS, RecordError
from connectors.records import build_table as _table
from connectors.records import coerce_value as _coerce
from connectors.records import json_type as _json_type
from connectors.records import show_value as _show

log = logging.getLogger(__name__)

SOURCE = "one_stop_shop"
DOSSIERS_PATH = "/api/v1/dossiers"
DATE_FORMAT = "%Y%m%d%H%M%S"
# The source's update time of a dossier version, on every dataset's rows: the version tables window on it,
# and the gate records each load's range of it with its verdict (orchestration/quality_checks.py).
UPDATE_FIELD = "NgayCapNhat"

_STR, _INT, _BIGINT = pa.string(), pa.int32(), pa.int64()

DOSSIER_FIELDS: dict[str, pa.DataType] = {
    "MaHoSo": _STR,
    "MaTTHC": _STR,
    "MaLinhVuc": _STR,
    "KenhThucHien": _INT,
    "ChuHoSo": _STR,
    "SoGiayToChuHoSo": _STR,
    "LoaiDoiTuong": _INT,
    "NgayNopHoSo": _STR,
    "NgayTiepNhan": _STR,
    "NgayHenTra": _STR,
    "NgayKetThucXuLy": _STR,
    "NgayTra": _STR,
    "NgayTuChoi": _STR,
    "TrangThaiHoSo": _INT,
    "DonViXuLy": _STR,
    "TenDonViXuLy": _STR,
    "HoSoCoThanhPhanSoHoa": _INT,
    "TaiKhoanDuocXacThucVoiVNeID": _INT,
    "DuocThanhToanTrucTuyen": _INT,
    "NgayDongBo": _STR,
    "NgayCapNhat": _STR,
    "MaDonViHanhChinhChuHoSo": _STR,
    "DuocXacThucCSDLDanCu": _INT,
}
# The handling official's account in the one-stop-shop system (a stable identifier, unlike the name
# NguoiXuLy: docs/one_stop_shop_landing.md "Officials"). A vendor that spells it otherwise is renamed here.
OFFICIAL_ACCOUNT_FIELD = "TaiKhoanXuLy"
# payload list -> (landed dataset, its fields)
CHILD_LISTS: dict[str, tuple[str, dict[str, pa.DataType]]] = {
    "QuaTrinhXuLy": (
        "process_steps",
        {
            "ThuTu": _INT,
            "NguoiXuLy": _STR,
            OFFICIAL_ACCOUNT_FIELD: _STR,
            "ChucDanh": _STR,
            "ThoiDiemXuLy": _STR,
            "TrangThai": _INT,
            "NgayKetThucTheoQuyDinh": _STR,
        },
    ),
    "BoSung": (
        "supplements",
        {
            "LanBoSung": _INT,
            "NgayYeuCau": _STR,
            "CoVanBanYeuCau": _INT,
            "NgayBoSung": _STR,
            "NgayHenTraTruoc": _STR,
            "NgayHenTraMoi": _STR,
        },
    ),
    "XinLoi": ("apologies", {"LanXinLoi": _INT, "NgayXinLoi": _STR, "NgayHenTraMoi": _STR}),
    "LePhi": ("fees", {"MaPhiLePhi": _STR, "TenPhiLePhi": _STR, "Gia": _BIGINT}),
    "GiayToNop": (
        "documents",
        {"MaGiayTo": _STR, "TenGiayTo": _STR, "DuocSoHoa": _INT, "DuocTaiSuDung": _INT, "DuocLayTuKhoDMQG": _INT},
    ),
    "KetQua": ("results", {"MaGiayTo": _STR, "TenGiayTo": _STR, "DuongDanTep": _STR}),
    "DanhGia": ("votes", {"MucDoHaiLong": _INT, "NgayDanhGia": _STR}),
    "PhanAnhKienNghi": ("feedback", {"MaPAKN": _STR, "NgayTiepNhanPAKN": _STR, "NgayTraLoiPAKN": _STR}),
}
DATASETS = ("dossiers", *(dataset for dataset, _ in CHILD_LISTS.values()))
# Personal data, hashed before landing: applicants' names and ID numbers, officials' names and accounts.
PERSONAL_FIELDS = {"dossiers": ("ChuHoSo", "SoGiayToChuHoSo"), "process_steps": ("NguoiXuLy", OFFICIAL_ACCOUNT_FIELD)}
PARENT_KEYS = ("MaHoSo", "NgayCapNhat")
# One payload whose every value has its contract's JSON type, as Arrow reads it (`read_dossier_page`).
PAYLOAD_TYPE = pa.struct(
    [
        *DOSSIER_FIELDS.items(),
        *((name, pa.list_(pa.struct(list(fields.items())))) for name, (_, fields) in CHILD_LISTS.items()),
    ]
)


def missing_code(record: object) -> str | None:
    """Why a record cannot be landed as a dossier at all (no usable MaHoSo), or None if it can."""
    if not isinstance(record, dict):
        return f"is {_json_type(record)}, not a JSON object"
    code = record.get("MaHoSo")
    if code is None or (isinstance(code, str) and not code.strip()):
        return "has no MaHoSo (field MaHoSo is missing or empty)"
    if isinstance(code, bool) or not isinstance(code, (str, int)):
        return f"has a MaHoSo that is {_json_type(code)}, not text (field MaHoSo)"
    return None


def _identify(record: object) -> str:
    """Non-personal fields that help find a record without a code at the source."""
    if not isinstance(record, dict):
        return ""
    known = {k: record[k] for k in ("NgayCapNhat", "DonViXuLy", "MaTTHC", "NgayTiepNhan") if record.get(k) is not None}
    return f" ({', '.join(f'{k}={_show(v, 40)}' for k, v in known.items())})" if known else ""


class PayloadColumns:
    """A page's payloads decoded straight into Arrow (`read_dossier_page`), with the page's body,
    decoded as JSON only if they must go the checked way (`payloads`)."""

    def __init__(self, columns: pa.StructArray, body: bytes):
        self.columns, self.body = columns, body

    def __len__(self) -> int:
        return len(self.columns)

    def __iter__(self) -> Iterator[dict]:
        return iter(self.payloads())

    def payloads(self) -> list[dict]:
        return json.loads(self.body)["data"]


def read_dossier_page(body: bytes) -> tuple[PayloadColumns | list, str | None] | None:
    """An API page's payloads as Arrow columns and its next cursor; when a value is not of its
    contract's JSON type, its payloads decoded as JSON (flattened the checked way). None for a page
    that is not a JSON object with a data list (the session names the problem).

    A key sent twice in a payload raises RecordError naming the dossier and the key."""
    page = read_page(body, PAYLOAD_TYPE)
    if page is not None:
        return PayloadColumns(page[0], body), page[1]
    try:
        decoded = json.loads(body, object_pairs_hook=_refuse_twice)
    except _DuplicateKey:
        page = json.loads(body, object_pairs_hook=_mark_twice)
        for number, payload in enumerate(page.get("data") or () if isinstance(page, dict) else (), start=1):
            if _first_twice(payload):
                raise _key_twice(f"record {number} of the page", payload) from None
        raise _key_twice("the page", page) from None
    except (ValueError, RecursionError):
        return None
    if not isinstance(decoded, dict) or not isinstance(decoded.get("data"), list):
        return None
    return decoded["data"], decoded.get("next_cursor")


def flatten(payloads: list[dict] | PayloadColumns, pseudonymise: Pseudonymiser) -> dict[str, pa.Table]:
    """Payloads -> one table per landed dataset (docs/one_stop_shop_landing.md).

    Raises RecordError, naming the dossier (or the record's place in the batch) and the field, for
    a value that cannot have the contract's type; nothing of the batch is landed then.

    Payloads whose every value already has its contract's JSON type (text, whole numbers, lists of
    objects, no unknown field) are flattened a column at a time (`plain_tables`); any other batch
    goes through the record-by-record path that coerces each value and names the bad one. Both give
    the same tables. Payloads already in Arrow (`PayloadColumns`) are flattened in Arrow
    (`column_tables`), or else decoded and taken the same way.
    """
    if isinstance(payloads, PayloadColumns):
        tables = column_tables(payloads.columns, pseudonymise)
        if tables is not None:
            return tables
        payloads = payloads.payloads()
    tables = plain_tables(payloads, pseudonymise)
    return tables if tables is not None else _flatten_checked(payloads, pseudonymise)


_DOSSIER_KEYS = frozenset(DOSSIER_FIELDS) | frozenset(CHILD_LISTS)
_NONE = type(None)


def _transpose(records: list[dict], fields: tuple[str, ...]) -> list[tuple]:
    """The columns `fields` of `records`, a missing field as None."""
    if not records:
        return [() for _ in fields]
    try:
        return list(zip(*map(itemgetter(*fields), records)))  # all in C: the usual case, every field present
    except KeyError:
        return [tuple(r.get(name) for r in records) for name in fields]


def _column(values: tuple, dtype: pa.DataType) -> pa.Array:
    """One column of plain values; raises (TypeError, ValueError, ArrowException...) on any other."""
    if dtype == _STR:
        if "" in values:  # blank is null
            values = [None if v == "" else v for v in values]
        return pa.array(values, _STR)  # refuses non-text and lone surrogates
    if not set(map(type, values)) <= {int, _NONE}:  # arrow would take 2.5 as 2, and True
        raise TypeError("not a whole number")
    return pa.array(values, dtype)  # refuses numbers out of the type's range


def _plain_table(
    columns: dict[str, tuple], fields: dict[str, pa.DataType], personal: tuple[str, ...], pseudonymise: Pseudonymiser
) -> pa.Table:
    for name in personal:
        if not set(map(type, columns[name])) <= {str, _NONE}:  # the checked path writes other JSON as text first
            raise TypeError(f"{name} is not text")
        columns[name] = pseudonymise.texts(columns[name])
    return pa.table(
        {
            name: columns[name] if isinstance(columns[name], pa.Array) else _column(columns[name], dtype)
            for name, dtype in fields.items()
        }
    )


def plain_tables(payloads: list[dict], pseudonymise: Pseudonymiser) -> dict[str, pa.Table] | None:
    """`flatten`'s tables built a column at a time, or None when a payload is not plain (see flatten)."""
    try:
        if not all(map(_DOSSIER_KEYS.issuperset, payloads)):  # raises for a payload that is not an object
            return None
        dossiers = dict(zip(DOSSIER_FIELDS, _transpose(payloads, tuple(DOSSIER_FIELDS))))
        if not all(code.__class__ is str and code.strip() for code in dossiers["MaHoSo"]):
            return None
        tables = {"dossiers": _plain_table(dossiers, DOSSIER_FIELDS, PERSONAL_FIELDS["dossiers"], pseudonymise)}
        parents = tables["dossiers"].select(list(PARENT_KEYS))
        for list_name, (dataset, fields) in CHILD_LISTS.items():
            lists = [p.get(list_name) for p in payloads]
            if not set(map(type, lists)) <= {list, _NONE}:  # "" (no list) is left to the checked path
                return None
            lists = [items or () for items in lists]
            items = list(chain.from_iterable(lists))
            if not all(map(frozenset(fields).issuperset, items)):
                return None
            owner = parents.take(np.repeat(np.arange(len(lists)), list(map(len, lists))))
            columns = {key: owner.column(key).combine_chunks() for key in PARENT_KEYS}
            columns.update(zip(fields, _transpose(items, tuple(fields))))
            tables[dataset] = _plain_table(
                columns, {"MaHoSo": _STR, "NgayCapNhat": _STR, **fields}, PERSONAL_FIELDS.get(dataset, ()), pseudonymise
            )
        return tables
    except (TypeError, ValueError, AttributeError, OverflowError, pa.ArrowException):
        return None  # e.g. an item that is not an object, a lone surrogate, a number out of range


def _blank_as_null(column: pa.Array) -> pa.Array:
    if column.type != _STR:
        return column
    blank = pc.equal(column, "")
    return pc.if_else(blank, pa.scalar(None, _STR), column) if pc.any(blank).as_py() else column


def _arrow_table(
    columns: dict[str, pa.Array], fields: dict[str, pa.DataType], personal: tuple[str, ...], pseudonymise: Pseudonymiser
) -> pa.Table:
    table = {name: _blank_as_null(columns[name]) for name in fields}
    for name in personal:
        table[name] = pa.array(pseudonymise.texts(table[name].to_pylist()), _STR)
    return pa.table(table)


def column_tables(payloads: pa.StructArray, pseudonymise: Pseudonymiser) -> dict[str, pa.Table] | None:
    """`plain_tables` of payloads already in Arrow (of PAYLOAD_TYPE): the same tables, or None for a
    payload without a code or a child item that is null (the checked path names them)."""
    if payloads.type != PAYLOAD_TYPE:
        raise TypeError(f"payload columns of type {payloads.type}, not the contract's")
    codes = payloads.field("MaHoSo")
    if codes.null_count or not all(code.strip() for code in codes.to_pylist()):
        return None
    tables = {
        "dossiers": _arrow_table(
            {name: payloads.field(name) for name in DOSSIER_FIELDS},
            DOSSIER_FIELDS,
            PERSONAL_FIELDS["dossiers"],
            pseudonymise,
        )
    }
    parents = tables["dossiers"].select(list(PARENT_KEYS))
    for list_name, (dataset, fields) in CHILD_LISTS.items():
        lists = payloads.field(list_name)
        items = lists.flatten()
        if items.null_count:
            return None
        owner = parents.take(pc.list_parent_indices(lists))
        columns = {key: owner.column(key).combine_chunks() for key in PARENT_KEYS}
        columns.update((name, items.field(name)) for name in fields)
        tables[dataset] = _arrow_table(
            columns, {"MaHoSo": _STR, "NgayCapNhat": _STR, **fields}, PERSONAL_FIELDS.get(dataset, ()), pseudonymise
        )
    return tables


def _flatten_checked(payloads: list[dict], pseudonymise: Pseudonymiser) -> dict[str, pa.Table]:
    """`flatten` record by record: each value coerced to its contract's type, or a RecordError."""
    rows: dict[str, list[dict]] = {dataset: [] for dataset in DATASETS}
    for number, payload in enumerate(payloads, start=1):
        problem = missing_code(payload)
        if problem:
            raise RecordError(
                f"record {number} of the batch{_identify(payload)} {problem}: "
                "a dossier cannot be landed without its code"
            )
        where = f"dossier {_show(str(payload['MaHoSo']))}"
        dossier = {}
        for key, value in payload.items():
            if key in CHILD_LISTS:
                continue
            if key in RESERVED_COLUMNS:
                raise RecordError(
                    f"{where}: field {key} has the name of a column the landing zone adds; "
                    "it cannot be landed under that name"
                )
            dossier[key] = _coerce(value, DOSSIER_FIELDS.get(key, _STR), where, key)
        rows["dossiers"].append(dossier)
        parent = {k: dossier.get(k) for k in PARENT_KEYS}
        for list_name, (dataset, fields) in CHILD_LISTS.items():
            items = payload.get(list_name)
            if items is None or items == "":
                continue
            if not isinstance(items, list):
                raise RecordError(f"{where}: field {list_name} should be a list, got {_json_type(items)}")
            for position, item in enumerate(items, start=1):
                if not isinstance(item, dict):  # its value is not shown: it may be a person's name
                    raise RecordError(f"{where}: item {position} of {list_name} is {_json_type(item)}, not an object")
                child = dict(parent)
                for key, value in item.items():
                    if key in RESERVED_COLUMNS:
                        raise RecordError(
                            f"{where}: field {list_name}.{key} has the name of a column the "
                            "landing zone adds; it cannot be landed under that name"
                        )
                    coerced = _coerce(value, fields.get(key, _STR), where, f"{list_name}.{key}")
                    if key in PARENT_KEYS:
                        if coerced is not None and coerced != parent[key]:
                            raise RecordError(
                                f"{where}: field {list_name}.{key} (item {position}) = "
                                f"{_show(value)} contradicts the dossier's {key}"
                            )
                        continue
                    child[key] = coerced
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


LOCAL_TIME = timezone(timedelta(hours=7))  # the source's times are Vietnam local time, UTC+7
_VN_DATE_TIME = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def parse_version(value: object) -> datetime | None:
    """A version date (NgayCapNhat) as local time (naive), in any form a vendor plausibly writes it:
    the DVCQG `yyyyMMddHHmmss` (as text or a number), ISO 8601 (`2022-01-10T09:30:00+07:00`; an offset
    is converted to UTC+7, none means local time), `dd/MM/yyyy [HH:mm[:ss]]`; surrounding whitespace
    ignored. None for anything else (an impossible date, other text, null)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    try:
        if len(text) == 14 and text.isascii() and text.isdigit():
            return datetime(
                int(text[:4]), int(text[4:6]), int(text[6:8]), int(text[8:10]), int(text[10:12]), int(text[12:])
            )
        match = _VN_DATE_TIME.fullmatch(text)
        if match:
            day, month, year, hour, minute, second = (int(g or 0) for g in match.groups())
            return datetime(year, month, day, hour, minute, second)
        moment = datetime.fromisoformat(text) if text[:4].isdigit() and text[4:5] == "-" else None
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is not None:
        moment = moment.astimezone(LOCAL_TIME).replace(tzinfo=None)
    return moment


def in_window(since: datetime, until: datetime):
    """A test of a payload for an export pull of [since, until) (local time): True when its version is in
    the window, and when it has no version that can be read: such a record is landed, so that the gate
    rejects the load loudly (key and format checks), rather than dropped here without a word."""

    def keep(record: dict) -> bool:
        moment = parse_version(record.get("NgayCapNhat"))
        return moment is None or since <= moment < until

    return keep


class OneStopShopClient:
    """Pages through the system's dossier API for one [since, until) window of updates."""

    def __init__(self, session: SourceSession, page_size: int = 1000):
        self.session = session
        self.page_size = page_size

    def pages(self, since: datetime, until: datetime, cursor: str | None = None) -> Iterator[Page]:
        params = {"updated_since": format_time(since), "updated_until": format_time(until), "page_size": self.page_size}
        return cursor_pages(self.session, DOSSIERS_PATH, params, cursor, decode=read_dossier_page)


_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32 little-endian"),
    (codecs.BOM_UTF32_BE, "UTF-32 big-endian"),
    (codecs.BOM_UTF16_LE, "UTF-16 little-endian"),
    (codecs.BOM_UTF16_BE, "UTF-16 big-endian"),
)


def _wide_encoding(raw: bytes) -> str | None:
    """The UTF-16 or UTF-32 a line seems written in, or None. JSON in UTF-8 never holds a zero byte;
    in UTF-16 every ASCII character has one (in UTF-32, three)."""
    for bom, name in _WIDE_BOMS:
        if raw.startswith(bom):
            return f"{name} (it starts with that encoding's byte-order mark)"
    even, odd = raw[0::2].count(0), raw[1::2].count(0)
    if max(even, odd) < len(raw) // 8:  # none, or a stray one: not JSON, which the JSON error says
        return None
    if min(even, odd) > len(raw) // 8:
        return "UTF-32 (three zero bytes in every ASCII character)"
    return f"UTF-16 {'little' if odd > even else 'big'}-endian (a zero byte in every ASCII character)"


def _not_utf8(path: Path, line_no: int, raw: bytes, exc: UnicodeDecodeError | None) -> RecordError:
    wide = _wide_encoding(raw)
    if wide is not None:
        return RecordError(
            f"{path}: line {line_no} is not UTF-8: it is written in {wide}. The export must be "
            "UTF-8: convert the file (e.g. iconv -f UTF-16 -t UTF-8)"
        )
    return RecordError(
        f"{path}: line {line_no} is not UTF-8 (byte 0x{raw[exc.start]:02x} at byte {exc.start + 1} "
        "of the line): the export must be UTF-8; a legacy Vietnamese encoding (TCVN3, "
        "Windows-1258, VNI) must be converted first"
    )


class _DuplicateKey(ValueError):
    pass


class _Object(dict):
    """A JSON object, with the keys it held twice (`_twice`), to find where they are."""

    _twice: tuple[str, ...] = ()


def _refuse_twice(pairs: list[tuple[str, object]]) -> dict:
    record = dict(pairs)
    if len(record) != len(pairs):
        raise _DuplicateKey
    return record


def _mark_twice(pairs: list[tuple[str, object]]) -> _Object:
    record = _Object(pairs)
    if len(record) != len(pairs):
        seen: set[str] = set()
        record._twice = tuple(k for k, _ in pairs if k in seen or seen.add(k))
    return record


def _first_twice(value: object, where: str = "") -> str | None:
    """The path (`QuaTrinhXuLy.ThuTu`) of the first key held twice in a value decoded with `_mark_twice`."""
    if isinstance(value, _Object) and value._twice:
        return f"{where}{value._twice[0]}"
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        found = _first_twice(child, f"{where}{key}." if isinstance(key, str) else where)
        if found:
            return found
    return None


_STRICT_JSON = json.JSONDecoder(object_pairs_hook=_refuse_twice)


def _key_twice(where: str, record: object) -> RecordError:
    """The error for a value decoded with `_mark_twice` that holds a key twice."""
    code = record.get("MaHoSo") if isinstance(record, dict) else None
    return RecordError(
        f"{where}{f' (MaHoSo {_show(code)})' if code is not None else ''} has the key "
        f"{_first_twice(record)} twice: which value is the source's is unknown, the record is refused"
    )


def _decode_line(path: Path, line_no: int, line: str) -> object:
    try:
        return _STRICT_JSON.decode(line)
    except _DuplicateKey:  # which record and key: decoded again, marking them (rare: the slow way is fine)
        raise _key_twice(f"{path}: line {line_no}", json.loads(line, object_pairs_hook=_mark_twice)) from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, too many digits, too deep
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else f"{type(exc).__name__}: {str(exc)[:100]}"
        raise RecordError(f"{path}: line {line_no} is not valid JSON ({reason})") from None


def export_line(cursor: str | None) -> int:
    """The number of lines of the export a `read_export` cursor has consumed (0 for none)."""
    saved = FileCursor.decode(cursor)
    return int(saved.at) if saved else 0


def read_export(path: Path, chunk_size: int = 1000, cursor: str | None = None) -> Iterator[Page]:
    """A vendor's NDJSON export, in chunks; the cursor is the number of lines consumed, with which
    file they were in (connectors/file_cursor.py).

    Each line must be UTF-8 JSON (a byte-order mark at the start of a line is dropped) holding one
    object with a MaHoSo and no key twice. A line that is not raises RecordError naming the file and
    the line, when the chunk holding it is read: the chunks yielded before it stay valid (land_pull
    has landed them and saved the cursor), nothing after it is read. Fix the line (e.g. re-encode it
    as UTF-8) and run again: the pull resumes after the last landed line if the file still starts
    with the very lines landed; a file replaced meanwhile is read from its first line again (logged).
    A file with no record at all is logged too: an empty export is usually a failed one.
    """
    chunk: list[dict] = []
    records = 0
    with open(path, "rb") as f:
        why = why_not_resume(path, cursor)
        if why:
            log.warning(
                "%s: not resuming after line %d: %s. Reading it from its first line again (the records "
                "landed before land again; staging keeps one copy of each version).",
                path,
                export_line(cursor),
                why,
            )
            cursor = None
        saved = FileCursor.decode(cursor)
        line_no, covered = (int(saved.at), saved.bytes) if saved else (0, 0)
        digest, _ = hash_prefix(f, covered)
        stat = os.fstat(f.fileno())
        if saved and (stat.st_size, stat.st_mtime_ns) != (saved.size, saved.mtime_ns):
            log.info(
                "%s: changed since the last landed line %d, but it still starts with the lines landed: "
                "resuming after them",
                path,
                line_no,
            )
        for raw in f:
            line_no += 1
            covered += len(raw)
            digest.update(raw)
            if raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            if b"\x00" in raw and _wide_encoding(raw):
                raise _not_utf8(path, line_no, raw, None)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _not_utf8(path, line_no, raw, exc) from None
            if not line.strip():
                continue
            record = _decode_line(path, line_no, line)
            problem = missing_code(record)
            if problem:
                raise RecordError(f"{path}: line {line_no} {problem}{_identify(record)}")
            chunk.append(record)
            if len(chunk) >= chunk_size:
                records += len(chunk)
                yield chunk, cursor_at(f, str(line_no), covered, digest)
                chunk = []
        records += len(chunk)
        if not records and not saved:
            log.warning(
                "%s holds no record (%s): nothing is landed from it",
                path,
                "an empty file" if not covered else f"{line_no} blank lines",
            )
        if chunk or not records:
            yield chunk, cursor_at(f, str(line_no), covered, digest)
