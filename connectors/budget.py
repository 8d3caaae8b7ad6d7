"""Budget disclosures (công khai ngân sách): crawl the province's disclosure portal and parse its forms.

The portal lists published documents (`GET /api/v1/disclosures`: form code, fiscal year, period,
decision and publication dates, file link) and serves each as an XLSX form numbered under Circular
343/2016/TT-BTC. A crawl:

1. reads the listing;
2. downloads each listed file conditionally (If-None-Match / If-Modified-Since from the crawl state;
   a 200 whose content hash equals the landed one also counts as unchanged), so only new or
   changed files are downloaded and parsed;
3. keeps every downloaded original untouched in the landing zone
   (`<landing>/budget_disclosures/files/sha256=<hash>/<file name>`);
4. parses each new or changed file into rows (`lines` for the budget balance forms, `units` for
   the public service units' autonomy form). A file that cannot be parsed is reported by file,
   sheet and cell, and nothing from it lands; the other files of the crawl land;
5. lands the listing entries that are new or whose file outcome changed (`documents`), the parsed
   rows, and the crawl's file errors (`_audit/budget_file_errors`), through `land_pull`, then
   records each landed file's ETag, Last-Modified and hash in the crawl state.

Landing contract and the layouts: docs/budget_landing.md.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

from connectors.http_session import SourceResponseError, SourceSession, SourceUnavailableError
from connectors.ingest import LoadSummary, land_pull
from connectors.landing import VERDICTS_AUDIT, LandingZone
from connectors.spreadsheet import (MONEY_UNITS, CellLocation, Outline, SpreadsheetError, cell_ref, find_header_row,
                                    find_money_unit, is_blank, merged_header_labels, money_unit, normalise_header,
                                    parse_vn_number, sheet_rows)

log = logging.getLogger(__name__)

SOURCE = "budget_disclosures"
DATASETS = ("documents", "lines", "units")
LISTING_PATH = "/api/v1/disclosures"
STATE_KEY = "files"
FILE_ERRORS_AUDIT = "budget_file_errors"

DOCUMENT_KINDS = ("estimate", "final_accounts", "execution", "unit_autonomy")
BALANCE_KINDS = ("estimate", "final_accounts", "execution")
PERIODS = ("year", "q1", "h1", "q3")
# What a file's outcome in a crawl can be.
FILE_STATUSES = ("landed", "unchanged", "not_found", "unparseable", "download_failed")

VND = pa.decimal128(22, 2)
_CENT = Decimal("0.01")


class ListingError(ValueError):
    """A listing entry we cannot use (no id, unknown kind, a date that is not a date)."""


@dataclass(frozen=True)
class ListedDocument:
    document_id: str
    form_code: str
    document_kind: str
    fiscal_year: int
    period: str
    title: str | None
    decision_number: str | None
    decision_date: date | None
    published_date: date
    updated_date: date | None
    file_url: str
    file_name: str

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), default=str, sort_keys=True).encode()).hexdigest()


def _iso_date(entry: dict, name: str, required: bool) -> date | None:
    value = entry.get(name)
    if value in (None, ""):
        if required:
            raise ListingError(f"listing entry {entry.get('id')!r}: {name} is missing")
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ListingError(f"listing entry {entry.get('id')!r}: {name} = {value!r} is not a date yyyy-mm-dd") from None


def parse_listing_entry(entry: Any) -> ListedDocument:
    if not isinstance(entry, dict):
        raise ListingError(f"listing entry {entry!r} is not an object")
    document_id = str(entry.get("id") or "").strip()
    if not document_id:
        raise ListingError(f"listing entry without an id (title {entry.get('title')!r})")
    kind, period = entry.get("kind"), entry.get("period")
    if kind not in DOCUMENT_KINDS:
        raise ListingError(f"listing entry {document_id!r}: kind {kind!r} is not one of {', '.join(DOCUMENT_KINDS)}")
    if period not in PERIODS:
        raise ListingError(f"listing entry {document_id!r}: period {period!r} is not one of {', '.join(PERIODS)}")
    try:
        year = int(entry.get("fiscal_year"))
    except (TypeError, ValueError):
        raise ListingError(f"listing entry {document_id!r}: fiscal_year {entry.get('fiscal_year')!r} is not a year") from None
    file_url = str(entry.get("file_url") or "").strip()
    if not file_url:
        raise ListingError(f"listing entry {document_id!r}: file_url is missing")
    return ListedDocument(
        document_id=document_id, form_code=str(entry.get("form_code") or "").strip(), document_kind=kind,
        fiscal_year=year, period=period, title=entry.get("title"), decision_number=entry.get("decision_number"),
        decision_date=_iso_date(entry, "decision_date", required=False),
        published_date=_iso_date(entry, "published_date", required=True),
        updated_date=_iso_date(entry, "updated_date", required=False),
        file_url=file_url, file_name=str(entry.get("file_name") or file_url.rsplit("/", 1)[-1]))


# -- parsing the forms -------------------------------------------------------------------------

STT, CONTENT = "stt", "nội dung"
# The series a money column of a balance form holds, by how its header starts.
_SERIES_BY_HEADER = (("dự toán", "estimate"), ("quyết toán", "final_accounts"), ("ước thực hiện", "execution"),
                     ("thực hiện", "execution"))
_RATIO_HEADER = re.compile(r"%|so sánh|so với")
_OF_WHICH = re.compile(r"^trong đó\s*:?$")


def _header(path: Path, sheet: str, rows: list, required: list[str]) -> tuple[int, list[str], int]:
    """(header row, one label per column, first data row): a header of one or two rows (merged
    cells), then an optional row of column numbers (A | B | 1 | 2 | 3=2/1) skipped."""
    header_row, _ = find_header_row(path, sheet, rows, required)
    top = rows[header_row - 1]
    below = rows[header_row] if header_row < len(rows) else ()
    two_rows = bool(below) and is_blank(below[0]) and any(not is_blank(v) for v in below[1:])
    labels = merged_header_labels(top, below if two_rows else None)
    data_start = header_row + (2 if two_rows else 1)
    if data_start <= len(rows):
        numbering = [normalise_header(v) for v in rows[data_start - 1][:2]]
        if numbering == ["a", "b"]:
            data_start += 1
    return header_row, labels, data_start


def _unit_of(path: Path, sheet: str, rows: list, header_row: int, label: str, column: int) -> tuple[str, int]:
    unit = money_unit(label) or (find_money_unit(rows, header_row) or (None,))[0]
    if unit is None:
        raise SpreadsheetError(path, "no money unit stated ('Đơn vị: triệu đồng' above the header, or in the "
                                     "column's header)", sheet, header_row, column)
    return unit, MONEY_UNITS[unit]


_MAX_VND = Decimal(10) ** 20  # what the landed decimal(22, 2) holds


def _money(value: Any, where: CellLocation, multiplier: int) -> tuple[Decimal | None, Decimal | None]:
    """(the number as the cell shows it, in VND); blank is (None, None)."""
    number = parse_vn_number(value, where)
    if number is None:
        return None, None
    vnd = (number * multiplier).quantize(_CENT)
    if abs(vnd) >= _MAX_VND:
        raise where.error(f"'{value}' is out of range: {vnd:,.0f} VND")
    return number, vnd


def parse_balance_form(path: str | Path, doc: ListedDocument) -> list[dict]:
    """The rows of a budget balance form (B46 layout: estimate, final accounts, execution), one
    per line and money column, values in VND. Raises SpreadsheetError naming the cell."""
    path = Path(path)
    sheet, rows = sheet_rows(path)
    header_row, labels, data_start = _header(path, sheet, rows, ["STT", "Nội dung"])
    folded = [normalise_header(label) for label in labels]
    stt_col, content_col = folded.index(STT) + 1, folded.index(CONTENT) + 1
    money = []  # (column, label, series, unit, multiplier)
    for column, label in enumerate(labels, start=1):
        text = folded[column - 1]
        if column in (stt_col, content_col) or not text or _RATIO_HEADER.search(text):
            continue
        series = next((s for prefix, s in _SERIES_BY_HEADER if text.startswith(prefix)), None)
        if series:
            money.append((column, label, series, *_unit_of(path, sheet, rows, header_row, label, column)))
    if not money:
        raise SpreadsheetError(path, "no money column (a header starting with Dự toán, Quyết toán or Thực hiện)",
                               sheet, header_row)
    outline, seen, out = Outline(), {}, []
    for row_number, row in enumerate(rows[data_start - 1:], start=data_start):
        cell = lambda col: row[col - 1] if col - 1 < len(row) else None  # noqa: E731
        marker, name = cell(stt_col), cell(content_col)
        values = {col: _money(cell(col), CellLocation(path.name, sheet, row_number, col), multiplier)
                  for col, _label, _series, _unit, multiplier in money}
        if is_blank(marker):
            if _OF_WHICH.match(normalise_header(name)):
                outline.mark_of_which()
            elif any(shown is not None for shown, _ in values.values()):
                raise SpreadsheetError(path, f"'{name}' has amounts but no outline marker: it cannot be placed "
                                             "in the form's outline", sheet, row_number, stt_col)
            continue
        line = outline.add(marker)
        if line is None:
            raise SpreadsheetError(path, f"'{marker}' is not an outline marker (A, I, 1, a, -, +)", sheet,
                                   row_number, stt_col)
        if line.code in seen:
            raise SpreadsheetError(path, f"line {line.code} appears twice (rows {seen[line.code]} and {row_number})",
                                   sheet, row_number, stt_col)
        seen[line.code] = row_number
        for col, label, series, unit, multiplier in money:
            out.append({
                "document_id": doc.document_id, "form_code": doc.form_code, "fiscal_year": doc.fiscal_year,
                "period": doc.period, "sheet_name": sheet, "sheet_row": row_number, "sheet_column": col,
                "column_label": label, "outline_marker": line.marker, "line_code": line.code,
                "line_name_vi": None if is_blank(name) else " ".join(str(name).split()),
                "outline_level": line.level, "parent_line_code": line.parent_code, "is_of_which": line.is_of_which,
                "series": series, "value_in_unit": values[col][0], "unit": unit, "unit_vnd": multiplier,
                "value_vnd": values[col][1],
            })
    if not out:
        raise SpreadsheetError(path, "no line under the header", sheet, header_row)
    _add_children_totals(out)
    return out


def _add_children_totals(rows: list[dict]) -> None:
    """On each parent line: the sum of its children that are part of it (not 'of which' items),
    their count, and the rounding they may differ by: half a unit for each child and the parent."""
    children: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        if r["parent_line_code"] is not None and not r["is_of_which"]:
            children[(r["sheet_column"], r["parent_line_code"])].append(r)
    for r in rows:
        kids = children.get((r["sheet_column"], r["line_code"]), [])
        known = [k["value_vnd"] for k in kids if k["value_vnd"] is not None]
        r["children_count"] = len(known) if kids else None
        r["children_total_vnd"] = sum(known, Decimal(0)) if known else None
        r["rounding_tolerance_vnd"] = (Decimal(len(known) + 1) * r["unit_vnd"] / 2).quantize(_CENT) if known else None


# our field -> how its header reads (case-folded; matched against the lowest header row's text)
UNIT_COLUMNS = {
    "unit_name_vi": "tên đơn vị", "unit_code": "mã đơn vị", "autonomy_group": "nhóm tự chủ",
    "service_revenue_vnd": "thu hoạt động dịch vụ", "retained_fees_vnd": "phí được để lại",
    "business_surplus_vnd": "chênh lệch thu chi", "recurrent_spending_vnd": "chi thường xuyên",
}
_MONEY_FIELDS = ("service_revenue_vnd", "retained_fees_vnd", "business_surplus_vnd", "recurrent_spending_vnd")
_GROUP = re.compile(r"^(?:nhóm\s*)?([1-4])$")


def parse_unit_autonomy_form(path: str | Path, doc: ListedDocument) -> list[dict]:
    """The public service units of an autonomy form, one row per unit, money in VND, grouped by
    the sector rows (I, II...) above them. Raises SpreadsheetError naming the cell."""
    path = Path(path)
    sheet, rows = sheet_rows(path)
    header_row, labels, data_start = _header(path, sheet, rows, ["STT", "Tên đơn vị"])
    columns: dict[str, int] = {}
    for name, wanted in UNIT_COLUMNS.items():
        found = [c for c, label in enumerate(labels, start=1)
                 if normalise_header(label.rsplit(" / ", 1)[-1]).startswith(wanted)]
        if len(found) != 1:
            raise SpreadsheetError(path, f"{'no' if not found else 'more than one'} column headed '{wanted}'",
                                   sheet, header_row)
        columns[name] = found[0]
    units = {name: _unit_of(path, sheet, rows, header_row, labels[columns[name] - 1], columns[name])
             for name in _MONEY_FIELDS}
    stt_col = [normalise_header(label) for label in labels].index(STT) + 1
    outline, sector, out = Outline(), None, []
    for row_number, row in enumerate(rows[data_start - 1:], start=data_start):
        cell = lambda col: row[col - 1] if col - 1 < len(row) else None  # noqa: E731
        where = lambda col: CellLocation(path.name, sheet, row_number, col)  # noqa: E731
        if all(is_blank(v) for v in row):
            continue
        line = outline.add(cell(stt_col))
        if line is None:
            raise SpreadsheetError(path, f"'{cell(stt_col)}' is not an outline marker (I for a sector, 1 for a unit)",
                                   sheet, row_number, stt_col)
        if line.kind in ("letter", "roman"):
            sector = " ".join(str(cell(columns["unit_name_vi"]) or "").split()) or None
            continue
        code = cell(columns["unit_code"])
        if is_blank(code):
            raise where(columns["unit_code"]).error("a unit row without its unit code (Mã đơn vị)")
        group_text = normalise_header(cell(columns["autonomy_group"]))
        group = _GROUP.match(group_text.removesuffix(".0"))
        if not group:
            raise where(columns["autonomy_group"]).error(
                f"'{cell(columns['autonomy_group'])}' is not an autonomy group 1 to 4 (Decree 60/2021)")
        record = {"document_id": doc.document_id, "fiscal_year": doc.fiscal_year, "sheet_name": sheet,
                  "sheet_row": row_number, "outline_marker": line.marker, "sector_name_vi": sector,
                  "unit_code": str(code).strip().upper(),
                  "unit_name_vi": " ".join(str(cell(columns["unit_name_vi"]) or "").split()) or None,
                  "autonomy_group": int(group.group(1))}
        for name in _MONEY_FIELDS:
            unit, multiplier = units[name]
            record[name] = _money(cell(columns[name]), where(columns[name]), multiplier)[1]
        record["unit"] = units["recurrent_spending_vnd"][0]
        out.append(record)
    if not out:
        raise SpreadsheetError(path, "no unit under the header", sheet, header_row)
    return out


def parse_document_file(path: str | Path, doc: ListedDocument) -> dict[str, list[dict]]:
    if doc.document_kind == "unit_autonomy":
        return {"units": parse_unit_autonomy_form(path, doc)}
    return {"lines": parse_balance_form(path, doc)}


# -- the landed tables -------------------------------------------------------------------------

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([
        ("document_id", pa.string()), ("form_code", pa.string()), ("document_kind", pa.string()),
        ("fiscal_year", pa.int32()), ("period", pa.string()), ("title", pa.string()),
        ("decision_number", pa.string()), ("decision_date", pa.date32()), ("published_date", pa.date32()),
        ("updated_date", pa.date32()), ("file_url", pa.string()), ("file_name", pa.string()),
        ("file_status", pa.string()), ("file_sha256", pa.string()), ("file_etag", pa.string()),
        ("file_last_modified", pa.string()), ("original_path", pa.string()), ("error_message", pa.string()),
    ]),
    "lines": pa.schema([
        ("document_id", pa.string()), ("file_sha256", pa.string()), ("form_code", pa.string()),
        ("fiscal_year", pa.int32()), ("period", pa.string()), ("sheet_name", pa.string()),
        ("sheet_row", pa.int32()), ("sheet_column", pa.int32()), ("column_label", pa.string()),
        ("outline_marker", pa.string()), ("line_code", pa.string()), ("line_name_vi", pa.string()),
        ("outline_level", pa.int32()), ("parent_line_code", pa.string()), ("is_of_which", pa.bool_()),
        ("series", pa.string()), ("value_in_unit", pa.decimal128(24, 6)), ("unit", pa.string()),
        ("unit_vnd", pa.int64()), ("value_vnd", VND), ("children_count", pa.int32()),
        ("children_total_vnd", VND), ("rounding_tolerance_vnd", VND),
    ]),
    "units": pa.schema([
        ("document_id", pa.string()), ("file_sha256", pa.string()), ("fiscal_year", pa.int32()),
        ("sheet_name", pa.string()), ("sheet_row", pa.int32()), ("outline_marker", pa.string()),
        ("sector_name_vi", pa.string()), ("unit_code", pa.string()), ("unit_name_vi", pa.string()),
        ("autonomy_group", pa.int32()), ("service_revenue_vnd", VND), ("retained_fees_vnd", VND),
        ("business_surplus_vnd", VND), ("recurrent_spending_vnd", VND), ("unit", pa.string()),
    ]),
}
FILE_ERRORS_SCHEMA = pa.schema([
    ("load_id", pa.string()), ("document_id", pa.string()), ("file_name", pa.string()), ("file_url", pa.string()),
    ("file_status", pa.string()), ("file_sha256", pa.string()), ("sheet_name", pa.string()),
    ("cell", pa.string()), ("message", pa.string()), ("checked_at", pa.timestamp("us", tz="UTC")),
])


def flatten(records: list[dict]) -> dict[str, pa.Table]:
    """Records tagged with their dataset (`_dataset`) as one table per dataset, every dataset
    present (zero rows if none), so the warehouse's sources always find their files."""
    by_dataset: dict[str, list[dict]] = {name: [] for name in DATASETS}
    for record in records:
        by_dataset[record["_dataset"]].append(record)
    return {name: pa.Table.from_pylist([{k: r.get(k) for k in SCHEMAS[name].names} for r in rows], SCHEMAS[name])
            for name, rows in by_dataset.items()}


# -- crawling ----------------------------------------------------------------------------------

@dataclass
class FileOutcome:
    document_id: str
    file_name: str
    file_url: str
    status: str  # one of FILE_STATUSES
    sha256: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    original_path: str | None = None
    error: str | None = None
    sheet: str | None = None
    cell: str | None = None
    rows: int = 0


@dataclass
class CrawlReport:
    load: LoadSummary
    listed: int = 0
    outcomes: list[FileOutcome] = field(default_factory=list)
    listing_errors: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def problems(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status in ("not_found", "unparseable", "download_failed")]

    def summary(self) -> dict[str, int]:
        return {"listed": self.listed, **{s: self.count(s) for s in FILE_STATUSES},
                "listing_errors": len(self.listing_errors)}


class BudgetPortalClient:
    """The portal's listing and files over one SourceSession (retries, timeouts, redaction)."""

    def __init__(self, session: SourceSession):
        self.session = session

    def listing(self) -> tuple[list[ListedDocument], list[str]]:
        payload = self.session.get_json(LISTING_PATH, {})
        entries = payload.get("documents") if isinstance(payload, dict) else None
        if not isinstance(entries, list):
            raise SourceResponseError(f"{SOURCE}: the listing {self.session.public_url}{LISTING_PATH} has no "
                                      "'documents' list")
        documents, errors = [], []
        for entry in entries:
            try:
                documents.append(parse_listing_entry(entry))
            except ListingError as exc:
                errors.append(str(exc))
        return documents, errors

    def path_of(self, doc: ListedDocument) -> str:
        url = doc.file_url
        base = self.session.base_url
        return url[len(base):] if url.startswith(base) else url


def keep_original(landing: LandingZone, sha256: str, file_name: str, content: bytes) -> Path:
    """The downloaded file, byte for byte, under its content hash (written once, atomically)."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in file_name) or "file"
    path = landing.root / SOURCE / "files" / f"sha256={sha256}" / safe
    if not path.exists():
        landing.write_bytes(path, content)
    return path


def _crawl_document(landing: LandingZone, client: BudgetPortalClient, doc: ListedDocument,
                    known: dict | None) -> tuple[FileOutcome, dict[str, list[dict]]]:
    outcome = FileOutcome(doc.document_id, doc.file_name, doc.file_url, "unchanged")
    same_url = known is not None and known.get("file_url") == doc.file_url
    try:
        response = client.session.get_file(client.path_of(doc),
                                           if_none_match=known.get("etag") if same_url else None,
                                           if_modified_since=known.get("last_modified") if same_url else None)
    except SourceResponseError as exc:
        outcome.status = "not_found" if exc.status in (404, 410) else "download_failed"
        outcome.error = str(exc)
        return outcome, {}
    except SourceUnavailableError as exc:
        outcome.status, outcome.error = "download_failed", str(exc)
        return outcome, {}
    if response.not_modified:
        outcome.sha256, outcome.etag, outcome.last_modified = known["sha256"], known["etag"], known["last_modified"]
        outcome.original_path = known.get("original_path")
        return outcome, {}
    outcome.sha256 = hashlib.sha256(response.content).hexdigest()
    outcome.etag, outcome.last_modified = response.etag, response.last_modified
    original = keep_original(landing, outcome.sha256, doc.file_name, response.content)
    outcome.original_path = str(original.relative_to(landing.root))
    if known is not None and known.get("sha256") == outcome.sha256:
        return outcome, {}  # served again (no ETag support, or a new ETag) with the same content
    with tempfile.TemporaryDirectory() as tmp:
        # parsed from a copy named as listed (errors name it; openpyxl wants .xlsx): the original stays untouched
        copy = Path(tmp) / (original.name if original.suffix.lower() in (".xlsx", ".xlsm") else original.name + ".xlsx")
        copy.write_bytes(response.content)
        try:
            parsed = parse_document_file(copy, doc)
        except SpreadsheetError as exc:
            outcome.status = "unparseable"
            outcome.sheet = exc.sheet
            outcome.cell = cell_ref(exc.row, exc.column) if exc.row and exc.column else None
            outcome.error = str(exc)
            return outcome, {}
    outcome.status = "landed"
    for rows in parsed.values():
        for row in rows:
            row["file_sha256"] = outcome.sha256
        outcome.rows += len(rows)
    return outcome, parsed


def _document_record(doc: ListedDocument, outcome: FileOutcome) -> dict:
    return {**asdict(doc), "_dataset": "documents", "file_status": outcome.status, "file_sha256": outcome.sha256,
            "file_etag": outcome.etag, "file_last_modified": outcome.last_modified,
            "original_path": outcome.original_path, "error_message": outcome.error}


def land_crawl(landing: LandingZone, client: BudgetPortalClient, source_uri: str, crawl_key: str) -> CrawlReport:
    """Crawl the portal once and land what is new or changed (see the module's docstring).

    `crawl_key` names this crawl's resumable load (the partition range of the run): a crawl that
    crashed resumes under the same load id; a crawl run again after success lands only what has
    changed since (often nothing).

    The crawl state is read and written back under its lock (a second crawl waits for this one), and a
    file is taken as known only once the load it landed in has the gate's verdict: a load that was never
    checked (the run was killed before its gate) is never read by the warehouse, so its files are
    downloaded and landed again rather than answered 304 for ever."""
    with landing.state_lock(SOURCE, STATE_KEY):
        return _land_crawl(landing, client, source_uri, crawl_key)


def _checked_files(landing: LandingZone, files: dict[str, dict]) -> dict[str, dict]:
    """The crawl state's files whose load has a recorded verdict (or that predate load ids)."""
    verdicts: dict[str, bool] = {}
    for known in files.values():
        load_id = known.get("load_id")
        if load_id and load_id not in verdicts:
            verdicts[load_id] = landing.has_audit(VERDICTS_AUDIT, load_id)
    return {doc: known for doc, known in files.items() if verdicts.get(known.get("load_id"), True)}


def _land_crawl(landing: LandingZone, client: BudgetPortalClient, source_uri: str, crawl_key: str) -> CrawlReport:
    state = landing.read_state(SOURCE, STATE_KEY) or {"files": {}, "entries": {}}
    checked = _checked_files(landing, state["files"])
    outcomes: list[FileOutcome] = []
    listing_errors: list[str] = []
    outcome_entry: dict[str, str] = {}  # document -> fingerprint of the entry landed in this crawl
    listed = [0]

    def fetch(cursor: str | None) -> Iterator[tuple[list[dict], str | None]]:
        documents, errors = client.listing()
        listed[0] = len(documents)
        listing_errors.extend(errors)
        for index, doc in enumerate(documents):
            if index < int(cursor or 0):
                continue
            known = checked.get(doc.document_id)
            outcome, parsed = _crawl_document(landing, client, doc, known)
            outcomes.append(outcome)
            records = [{**row, "_dataset": dataset} for dataset, rows in parsed.items() for row in rows]
            available = outcome.status in ("landed", "unchanged")  # a landed file is unchanged at the next crawl
            entry = hashlib.sha256(f"{doc.fingerprint()}|{'available' if available else outcome.status}|"
                                   f"{outcome.sha256}".encode()).hexdigest()
            if outcome.status == "landed" or state["entries"].get(doc.document_id) != entry:
                records.insert(0, _document_record(doc, outcome))
                outcome_entry[doc.document_id] = entry
            yield records, str(index + 1)

    summary = land_pull(landing, SOURCE, crawl_key, source_uri, fetch, flatten)
    checked_at = datetime.now(timezone.utc)
    for outcome in outcomes:
        if outcome.status in ("landed", "unchanged") and outcome.sha256:
            state["files"][outcome.document_id] = {
                "file_url": outcome.file_url, "sha256": outcome.sha256, "etag": outcome.etag,
                "last_modified": outcome.last_modified, "original_path": outcome.original_path,
                "load_id": summary.load_id if outcome.status == "landed" else
                state["files"].get(outcome.document_id, {}).get("load_id")}
    state["entries"].update(outcome_entry)
    landing.write_state(SOURCE, STATE_KEY, state)
    report = CrawlReport(summary, listed[0], outcomes, listing_errors)
    errors = [{"load_id": summary.load_id, "document_id": o.document_id, "file_name": o.file_name,
               "file_url": o.file_url, "file_status": o.status, "file_sha256": o.sha256, "sheet_name": o.sheet,
               "cell": o.cell, "message": o.error, "checked_at": checked_at} for o in report.problems]
    errors += [{"load_id": summary.load_id, "file_status": "listing_error", "message": m, "checked_at": checked_at}
               for m in listing_errors]
    landing.write_audit(FILE_ERRORS_AUDIT, summary.load_id,
                        pa.Table.from_pylist([{k: e.get(k) for k in FILE_ERRORS_SCHEMA.names} for e in errors],
                                             FILE_ERRORS_SCHEMA), checked_at)
    for problem in report.problems:
        log.warning("%s: %s %s: %s", SOURCE, problem.file_name, problem.status, problem.error)
    for message in listing_errors:
        log.warning("%s: %s", SOURCE, message)
    return report
