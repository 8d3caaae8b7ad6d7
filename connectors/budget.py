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
   the public service units' autonomy form, `form_texts` for the notes and signatures under
   either table). A file that cannot be parsed is reported by file, sheet and cell, and nothing
   from it lands; the other files of the crawl land;
5. lands the listing entries that are new or whose file outcome changed (`documents`), the parsed
   rows, and the crawl's file errors (`_audit/budget_file_errors`), through `land_pull`, then
   records each landed file's ETag, Last-Modified and hash in the crawl state.

Landing contract and the layouts: docs/budget_landing.md.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import re
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pyarrow as pa

from connectors.http_session import SourceResponseError, SourceSession, SourceUnavailableError, redact_url
from connectors.ingest import LoadSummary, land_pull
from connectors.landing import VERDICTS_AUDIT, LandingZone
from connectors.spreadsheet import (
    MONEY_UNITS,
    CellLocation,
    Outline,
    OutlineLine,
    SpreadsheetError,
    cell_ref,
    find_header_row,
    find_money_unit,
    is_blank,
    merged_header_labels,
    money_unit,
    normalise_header,
    parse_vn_number,
    sheet_rows,
)

log = logging.getLogger(__name__)

SOURCE = "budget_disclosures"
DATASETS = ("documents", "lines", "units", "form_texts")
LISTING_PATH = "/api/v1/disclosures"
STATE_KEY = "files"
FILE_ERRORS_AUDIT = "budget_file_errors"

DOCUMENT_KINDS = ("estimate", "final_accounts", "execution", "unit_autonomy")
PERIODS = ("year", "q1", "h1", "q3")
# What a file's outcome in a crawl can be. `refused`: the link is not on the portal's host (nor on
# one PAR_BUDGET_ALLOWED_HOSTS names), or not http(s): nothing is requested.
FILE_STATUSES = ("landed", "unchanged", "not_found", "unparseable", "download_failed", "refused")
PROBLEM_STATUSES = ("not_found", "unparseable", "download_failed", "refused")

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
        raise ListingError(
            f"listing entry {document_id!r}: fiscal_year {entry.get('fiscal_year')!r} is not a year"
        ) from None
    file_url = str(entry.get("file_url") or "").strip()
    if not file_url:
        raise ListingError(f"listing entry {document_id!r}: file_url is missing")
    return ListedDocument(
        document_id=document_id,
        form_code=str(entry.get("form_code") or "").strip(),
        document_kind=kind,
        fiscal_year=year,
        period=period,
        title=entry.get("title"),
        decision_number=entry.get("decision_number"),
        decision_date=_iso_date(entry, "decision_date", required=False),
        published_date=_iso_date(entry, "published_date", required=True),
        updated_date=_iso_date(entry, "updated_date", required=False),
        file_url=file_url,
        file_name=str(entry.get("file_name") or file_url.rsplit("/", 1)[-1]),
    )


# -- parsing the forms -------------------------------------------------------------------------

STT, CONTENT = "stt", "nội dung"
# The kind of figure a money column holds, by the words of its header (Năm 2023 / Dự toán, Ước thực
# hiện năm 2023...): the phrase that comes first in the header wins, so 'Ước thực hiện' is not
# read as 'Thực hiện'.
COLUMN_KINDS = ("estimate", "estimated_execution", "execution", "final_accounts")
_KIND_PHRASES = (
    ("ước thực hiện", "estimated_execution"),
    ("ước th", "estimated_execution"),
    ("ước tính thực hiện", "estimated_execution"),
    ("dự toán", "estimate"),
    ("quyết toán", "final_accounts"),
    ("thực hiện", "execution"),
)
_RATIO_HEADER = re.compile(r"%|so sánh|so với|tỷ lệ|tăng,? giảm")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_OF_WHICH = re.compile(r"^trong đó\s*:?$")
# A row of column numbers under the header: A | B | 1 | 2 | 3=2/1, or (1) | (2)...
_NUMBERING = re.compile(r"^\(?[a-z0-9]{1,2}\)?$")


def column_kind_and_year(label: str) -> tuple[str | None, int | None]:
    """(kind, fiscal year) of a money column from its header label; kind None for a column that
    is not money of the form (a ratio, a comparison, notes)."""
    text = normalise_header(label)
    if not text or _RATIO_HEADER.search(text):
        return None, None
    found = [(text.find(phrase), kind) for phrase, kind in _KIND_PHRASES if phrase in text]
    if not found:
        return None, None
    year = _YEAR.search(text)
    return min(found)[1], int(year.group(1)) if year else None


# Other ways forms head their outline and line columns (read as STT, Nội dung).
HEADER_ALIASES = {"stt": ("TT", "Số TT", "Số thứ tự"), "nội dung": ("Chỉ tiêu",)}
_CANONICAL_HEADER = {normalise_header(alias): head for head, aliases in HEADER_ALIASES.items() for alias in aliases}


def _header(path: Path, sheet: str, rows: list, required: list[str]) -> tuple[int, list[str], int]:
    """(header row, one label per column, first data row): a header of one or two rows (merged
    cells: a year over its kinds, a title over its sub-columns), then an optional row of column
    numbers (A | B | 1 | 2 | 3=2/1) skipped."""
    header_row, error = None, None
    for heads in itertools.product(*[(head, *HEADER_ALIASES.get(normalise_header(head), ())) for head in required]):
        try:
            header_row, _ = find_header_row(path, sheet, rows, heads)
            break
        except SpreadsheetError as exc:
            error = error or exc  # the first attempt's: the headers as required
    if header_row is None:
        raise error
    wanted = {normalise_header(h): h for h in required}
    top = [wanted.get(_CANONICAL_HEADER.get(normalise_header(v)), v) for v in rows[header_row - 1]]
    below = rows[header_row] if header_row < len(rows) else ()
    # a second header row: under the STT and name cells merged down, sub-headers and no amount
    # (not a total row 'TỔNG SỐ' right under a one-row header)
    two_rows = (
        len(below) > 2
        and is_blank(below[0])
        and is_blank(below[1])
        and any(not is_blank(v) for v in below[2:])
        and not any(_is_number(v) for v in below)
    )
    labels = merged_header_labels(top, below if two_rows else None)
    data_start = header_row + (2 if two_rows else 1)
    if data_start <= len(rows):
        first_two = [normalise_header(v) for v in rows[data_start - 1][:2]]
        if len(first_two) == 2 and all(_NUMBERING.match(v) for v in first_two):
            data_start += 1
    return header_row, labels, data_start


def _unit_of(path: Path, sheet: str, rows: list, header_row: int, label: str, column: int) -> tuple[str, int]:
    unit = money_unit(label) or (find_money_unit(rows, header_row) or (None,))[0]
    if unit is None:
        raise SpreadsheetError(
            path,
            "no money unit stated ('Đơn vị: triệu đồng' above the header, or in the column's header)",
            sheet,
            header_row,
            column,
        )
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


def _is_number(value: Any) -> bool:
    try:
        return parse_vn_number(value, CellLocation("", "", 1, 1)) is not None
    except SpreadsheetError:
        return False


# -- line labels and the form's line catalogue ------------------------------------------------

# Abbreviations portals print in line labels, as the words they stand for.
LABEL_ABBREVIATIONS = {
    "nsđp": "ngân sách địa phương",
    "nsnn": "ngân sách nhà nước",
    "nstw": "ngân sách trung ương",
    "ns": "ngân sách",
    "tw": "trung ương",
    "đtpt": "đầu tư phát triển",
    "xdcb": "xây dựng cơ bản",
    "ctmtqg": "chương trình mục tiêu quốc gia",
    "ctmt": "chương trình mục tiêu",
    "hđnd": "hội đồng nhân dân",
    "ubnd": "ủy ban nhân dân",
    "đp": "địa phương",
}
# Old and new tone placement at the end of a syllable (hoà / hòa, thuỷ / thủy) read as one; with a
# final consonant (khoản) there is only one way.
_TONE_PLACEMENT = {
    old: new
    for old, new in zip(
        ("oà", "oá", "oả", "oã", "oạ", "oè", "oé", "oẻ", "oẽ", "oẹ", "uỳ", "uý", "uỷ", "uỹ", "uỵ"),
        ("òa", "óa", "ỏa", "õa", "ọa", "òe", "óe", "ỏe", "õe", "ọe", "ùy", "úy", "ủy", "ũy", "ụy"),
    )
}
_OPEN_SYLLABLE_TONE = re.compile(r"(?<!q)(" + "|".join(_TONE_PLACEMENT) + r")(?!\w)")
_FOOTNOTE = re.compile(r"\(\s*\*+\s*\)|\*+|\(\s*\d{1,2}\s*\)\s*$")


def label_key(text: Any) -> str | None:
    """A line label as compared with the catalogue: NFC, case-folded, one tone placement,
    footnote marks ('(*)', '(1)' at the end) and punctuation dropped, abbreviations (NSĐP, NSTW...)
    spelled out, single spaces. None for a blank label."""
    if is_blank(text):
        return None
    folded = unicodedata.normalize("NFC", str(text)).casefold()
    folded = _OPEN_SYLLABLE_TONE.sub(lambda m: _TONE_PLACEMENT[m.group(1)], folded)
    words = re.sub(r"[^\w]+", " ", _FOOTNOTE.sub(" ", folded)).split()
    return " ".join(LABEL_ABBREVIATIONS.get(w, w) for w in words) or None


@dataclass(frozen=True)
class CatalogueLine:
    line_id: str
    line_code: str  # its place in the form as the Circular lays it out (A.II.1)
    keys: frozenset[str]


def form_catalogue(form_code: str) -> tuple[CatalogueLine, ...]:
    """The lines of a form (seed budget_form_lines) with the label keys each is known by."""
    from connectors.budget_forms import budget_form_lines

    return tuple(
        CatalogueLine(line.line_id, line.line_code, frozenset(filter(None, map(label_key, line.labels_vi))))
        for line in budget_form_lines()
        if line.form_code == form_code and line.line_id
    )


def match_lines(
    catalogue: tuple[CatalogueLine, ...], lines: list[tuple[str, str | None, str | None]]
) -> dict[str, tuple[CatalogueLine | None, str | None]]:
    """Each line of a form, (its outline code, its parent's code, its label) in reading order, to
    the catalogue line it is: by its label key; among several lines of the catalogue with that
    label, the one under the line its parent matched, then one not yet taken, then the one at
    the same outline position. Returns code -> (catalogue line or None, how: 'label',
    'label_and_position' or None)."""
    out: dict[str, tuple[CatalogueLine | None, str | None]] = {}
    taken: set[str] = set()
    for code, parent_code, label in lines:
        key = label_key(label)
        candidates = [c for c in catalogue if key in c.keys]
        parent = out.get(parent_code, (None, None))[0] if parent_code else None
        if parent is not None:
            candidates = [c for c in candidates if c.line_code.startswith(parent.line_code + ".")]
        free = [c for c in candidates if c.line_id not in taken]
        if not free:
            out[code] = (None, None)
            continue
        if len(free) == 1:
            found, how = free[0], "label"
        else:
            found = next(
                (c for c in free if c.line_code == code),
                next((c for c in free if c.line_code.count(".") == code.count(".")), free[0]),
            )
            how = "label_and_position"
        taken.add(found.line_id)
        out[code] = (found, how)
    return out


# A total row without a marker ("Tổng cộng", "Tổng số", "Cộng"), above or below the lines: the sum
# of the form's top lines (its children in the landed rows: children_total_vnd).
TOTAL_CODE = "TOTAL"
TOTAL_LINE = OutlineLine(marker="", kind="total", code=TOTAL_CODE, level=1, parent_code=None, is_of_which=False)
_TOTAL = re.compile(r"^(tổng cộng|tổng số|cộng|tổng)\s*:?$")


# -- what follows the table --------------------------------------------------------------------

_NOTE_START = re.compile(r"^(ghi chú|lưu ý|chú thích|chú giải|\(\s*\*|\*)")
_SOURCE_TEXT = re.compile(r"^(nguồn|nguồn số liệu)\s*:")
_PLACE_DATE = re.compile(r"ngày\s*\S*\s*tháng\s*\S*\s*năm\s*\S*")
_SIGNATURE = re.compile(
    r"^(tm\.?|t/m|kt\.?|q\.|tl\.|chủ tịch|phó chủ tịch|giám đốc|phó giám đốc|người lập|"
    r"thủ trưởng|kế toán trưởng|trưởng phòng|\(?đã ký|\(?ký,|ủy ban nhân dân|sở tài chính)"
)
TEXT_KINDS = ("note", "source", "place_date", "signature")


def _ends_the_table(text: str) -> bool:
    return bool(
        _NOTE_START.match(text) or _SOURCE_TEXT.match(text) or _PLACE_DATE.search(text) or _SIGNATURE.match(text)
    )


def _trailing_texts(path: Path, sheet: str, doc: ListedDocument, rows: list[tuple[int, tuple]]) -> list[dict]:
    """The text cells of the rows after the table, in reading order, each with its kind: notes
    and sources; then, from the place-and-date line or the first signature title, the signature
    block."""
    out, in_signatures = [], False
    for row_number, row in rows:
        for column, value in enumerate(row, start=1):
            if is_blank(value):
                continue
            text = " ".join(str(value).split())
            folded = normalise_header(text)
            if _PLACE_DATE.search(folded):
                kind, in_signatures = "place_date", True
            elif _SOURCE_TEXT.match(folded):
                kind = "source"
            elif _SIGNATURE.match(folded) or in_signatures:
                kind, in_signatures = "signature", True
            else:
                kind = "note"
            out.append(
                {
                    "document_id": doc.document_id,
                    "form_code": doc.form_code,
                    "fiscal_year": doc.fiscal_year,
                    "sheet_name": sheet,
                    "sheet_row": row_number,
                    "sheet_column": column,
                    "text_vi": text,
                    "text_kind": kind,
                }
            )
    return out


# -- the budget balance form -------------------------------------------------------------------


@dataclass(frozen=True)
class _MoneyColumn:
    column: int
    label: str
    kind: str
    year: int
    unit: str
    multiplier: int


def _money_columns(
    path: Path, sheet: str, rows: list, header_row: int, labels: list[str], skip: tuple[int, ...]
) -> list[_MoneyColumn]:
    money = []
    for column, label in enumerate(labels, start=1):
        if column in skip:
            continue
        kind, year = column_kind_and_year(label)
        if kind is None:
            continue
        if year is None:
            raise SpreadsheetError(
                path,
                f"the money column '{label}' names no year (e.g. 'Dự toán năm 2024' or "
                "'Năm 2024' above it): a column's year is read from its header, never "
                "assumed",
                sheet,
                header_row,
                column,
            )
        money.append(_MoneyColumn(column, label, kind, year, *_unit_of(path, sheet, rows, header_row, label, column)))
    if not money:
        raise SpreadsheetError(
            path, "no money column (a header with Dự toán, Ước thực hiện, Thực hiện or Quyết toán)", sheet, header_row
        )
    return money


def read_balance_form(path: str | Path, doc: ListedDocument) -> dict[str, list[dict]]:
    """A budget balance form (B46 layout: estimate, final accounts, execution) as `lines`, one row
    per line and money column (each column tagged with the kind and fiscal year its header
    states, values in VND, each line matched to the form's catalogue by its label), and
    `form_texts`, the notes, sources, place-and-date and signatures after the table. Raises
    SpreadsheetError naming the cell."""
    path = Path(path)
    sheet, rows = sheet_rows(path)
    header_row, labels, data_start = _header(path, sheet, rows, ["STT", "Nội dung"])
    folded = [normalise_header(label) for label in labels]
    stt_col, content_col = folded.index(STT) + 1, folded.index(CONTENT) + 1
    money = _money_columns(path, sheet, rows, header_row, labels, (stt_col, content_col))
    outline, seen, parsed = Outline(), {}, []
    pending: list[tuple[int, tuple]] = []  # text rows since the last line: the table's end if no line follows
    ended_at: int | None = None
    for row_number, row in enumerate(rows[data_start - 1 :], start=data_start):
        cell = lambda col: row[col - 1] if col - 1 < len(row) else None  # noqa: B023 (called in this iteration only)
        if all(is_blank(v) for v in row):
            continue
        marker, name = cell(stt_col), cell(content_col)
        has_amounts = any(_is_number(cell(m.column)) for m in money)
        if ended_at is not None:
            if has_amounts and Outline.clean_marker(marker) and Outline().add(marker) is not None:
                raise SpreadsheetError(
                    path,
                    f"a line ('{marker}' {name}) below the text that ended the table at "
                    f"row {ended_at}: one table per sheet",
                    sheet,
                    row_number,
                    stt_col,
                )
            pending.append((row_number, row))
            continue
        texts = [normalise_header(v) for v in row if isinstance(v, str) and not is_blank(v)]
        if is_blank(marker):
            if _OF_WHICH.match(normalise_header(name)):
                outline.mark_of_which()
            elif has_amounts and _TOTAL.match(normalise_header(name)) and TOTAL_CODE not in seen:
                seen[TOTAL_CODE] = row_number  # a total row above or below the lines: the sum of the top lines
                pending = []
                values = {
                    m.column: _money(cell(m.column), CellLocation(path.name, sheet, row_number, m.column), m.multiplier)
                    for m in money
                }
                parsed.append((row_number, TOTAL_LINE, " ".join(str(name).split()), values))
            elif has_amounts:
                raise SpreadsheetError(
                    path,
                    f"'{name}' has amounts but no outline marker: it cannot be placed in the form's outline",
                    sheet,
                    row_number,
                    stt_col,
                )
            else:
                pending.append((row_number, row))
                if parsed and any(_ends_the_table(t) for t in texts):
                    ended_at = row_number
            continue
        line = outline.add(marker)
        if line is None:
            if parsed and not has_amounts:
                pending.append((row_number, row))
                ended_at = row_number
                continue
            raise SpreadsheetError(
                path, f"'{marker}' is not an outline marker (A, I, 1, a, -, +)", sheet, row_number, stt_col
            )
        if line.code in seen:
            raise SpreadsheetError(
                path,
                f"line {line.code} appears twice (rows {seen[line.code]} and {row_number})",
                sheet,
                row_number,
                stt_col,
            )
        seen[line.code] = row_number
        pending = []  # a label row between lines is part of the table
        values = {
            m.column: _money(cell(m.column), CellLocation(path.name, sheet, row_number, m.column), m.multiplier)
            for m in money
        }
        parsed.append((row_number, line, None if is_blank(name) else " ".join(str(name).split()), values))
    if not parsed:
        raise SpreadsheetError(path, "no line under the header", sheet, header_row)
    matches = match_lines(
        form_catalogue(doc.form_code), [(line.code, line.parent_code, name) for _, line, name, _ in parsed]
    )
    out = []
    for row_number, line, name, values in parsed:
        found, how = matches[line.code]
        for m in money:
            out.append(
                {
                    "document_id": doc.document_id,
                    "form_code": doc.form_code,
                    "document_kind": doc.document_kind,
                    "fiscal_year": doc.fiscal_year,
                    "period": doc.period,
                    "sheet_name": sheet,
                    "sheet_row": row_number,
                    "sheet_column": m.column,
                    "column_label": m.label,
                    "column_fiscal_year": m.year,
                    "series": m.kind,
                    "outline_marker": line.marker,
                    "line_code": line.code,
                    "line_name_vi": name,
                    "line_label_key": label_key(name),
                    "line_id": found.line_id if found else None,
                    "line_match": how,
                    "outline_level": line.level,
                    "parent_line_code": line.parent_code,
                    "is_of_which": line.is_of_which,
                    "value_in_unit": values[m.column][0],
                    "unit": m.unit,
                    "unit_vnd": m.multiplier,
                    "value_vnd": values[m.column][1],
                }
            )
    _add_children_totals(out)
    return {"lines": out, "form_texts": _trailing_texts(path, sheet, doc, pending)}


def parse_balance_form(path: str | Path, doc: ListedDocument) -> list[dict]:
    """The `lines` of a budget balance form (see read_balance_form)."""
    return read_balance_form(path, doc)["lines"]


def _add_children_totals(rows: list[dict]) -> None:
    """On each parent line: the sum of its children that are part of it (not 'of which' items),
    their count, and the rounding they may differ by: half a unit for each child and the parent."""
    children: dict[tuple, list[dict]] = defaultdict(list)
    has_total = any(r["line_code"] == TOTAL_CODE for r in rows)
    for r in rows:
        if r["parent_line_code"] is not None and not r["is_of_which"]:
            children[(r["sheet_column"], r["parent_line_code"])].append(r)
        elif has_total and r["parent_line_code"] is None and r["line_code"] != TOTAL_CODE:
            children[(r["sheet_column"], TOTAL_CODE)].append(r)
    for r in rows:
        kids = children.get((r["sheet_column"], r["line_code"]), [])
        known = [k["value_vnd"] for k in kids if k["value_vnd"] is not None]
        r["children_count"] = len(known) if kids else None
        r["children_total_vnd"] = sum(known, Decimal(0)) if known else None
        r["rounding_tolerance_vnd"] = (Decimal(len(known) + 1) * r["unit_vnd"] / 2).quantize(_CENT) if known else None


# our field -> how its header reads (case-folded; matched against the lowest header row's text)
UNIT_COLUMNS = {
    "unit_name_vi": "tên đơn vị",
    "unit_code": "mã đơn vị",
    "autonomy_group": "nhóm tự chủ",
    "service_revenue_vnd": "thu hoạt động dịch vụ",
    "retained_fees_vnd": "phí được để lại",
    "business_surplus_vnd": "chênh lệch thu chi",
    "recurrent_spending_vnd": "chi thường xuyên",
}
_MONEY_FIELDS = ("service_revenue_vnd", "retained_fees_vnd", "business_surplus_vnd", "recurrent_spending_vnd")
_GROUP = re.compile(r"^(?:nhóm\s*)?([1-4])$")


def parse_unit_autonomy_form(path: str | Path, doc: ListedDocument) -> list[dict]:
    """The `units` of an autonomy form (see read_unit_autonomy_form)."""
    return read_unit_autonomy_form(path, doc)["units"]


def read_unit_autonomy_form(path: str | Path, doc: ListedDocument) -> dict[str, list[dict]]:
    """The public service units of an autonomy form (`units`, one row per unit, money in VND,
    grouped by the sector rows I, II... above them) and the text under its table (`form_texts`,
    as for the balance forms). Raises SpreadsheetError naming the cell."""
    path = Path(path)
    sheet, rows = sheet_rows(path)
    header_row, labels, data_start = _header(path, sheet, rows, ["STT", "Tên đơn vị"])
    columns: dict[str, int] = {}
    for name, wanted in UNIT_COLUMNS.items():
        found = [
            c
            for c, label in enumerate(labels, start=1)
            if normalise_header(label.rsplit(" / ", 1)[-1]).startswith(wanted)
        ]
        if len(found) != 1:
            raise SpreadsheetError(
                path, f"{'no' if not found else 'more than one'} column headed '{wanted}'", sheet, header_row
            )
        columns[name] = found[0]
    units = {
        name: _unit_of(path, sheet, rows, header_row, labels[columns[name] - 1], columns[name])
        for name in _MONEY_FIELDS
    }
    stt_col = [normalise_header(label) for label in labels].index(STT) + 1
    outline, sector, out, trailing = Outline(), None, [], []
    for row_number, row in enumerate(rows[data_start - 1 :], start=data_start):
        cell = lambda col: row[col - 1] if col - 1 < len(row) else None  # noqa: B023 (called in this iteration only)
        where = lambda col: CellLocation(path.name, sheet, row_number, col)  # noqa: B023 (called in this iteration only)
        if all(is_blank(v) for v in row):
            continue
        if trailing:
            trailing.append((row_number, row))
            continue
        line = outline.add(cell(stt_col))
        if line is None:
            ends = (
                out
                and is_blank(cell(columns["unit_code"]))
                and not any(_is_number(cell(columns[name])) for name in _MONEY_FIELDS)
            )
            if ends:  # notes, place-and-date and signatures under the table
                trailing.append((row_number, row))
                continue
            raise SpreadsheetError(
                path,
                f"'{cell(stt_col)}' is not an outline marker (I for a sector, 1 for a unit)",
                sheet,
                row_number,
                stt_col,
            )
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
                f"'{cell(columns['autonomy_group'])}' is not an autonomy group 1 to 4 (Decree 60/2021)"
            )
        record = {
            "document_id": doc.document_id,
            "fiscal_year": doc.fiscal_year,
            "sheet_name": sheet,
            "sheet_row": row_number,
            "outline_marker": line.marker,
            "sector_name_vi": sector,
            "unit_code": str(code).strip().upper(),
            "unit_name_vi": " ".join(str(cell(columns["unit_name_vi"]) or "").split()) or None,
            "autonomy_group": int(group.group(1)),
        }
        for name in _MONEY_FIELDS:
            unit, multiplier = units[name]
            record[name] = _money(cell(columns[name]), where(columns[name]), multiplier)[1]
        record["unit"] = units["recurrent_spending_vnd"][0]
        out.append(record)
    if not out:
        raise SpreadsheetError(path, "no unit under the header", sheet, header_row)
    return {"units": out, "form_texts": _trailing_texts(path, sheet, doc, trailing)}


def parse_document_file(path: str | Path, doc: ListedDocument) -> dict[str, list[dict]]:
    if doc.document_kind == "unit_autonomy":
        return read_unit_autonomy_form(path, doc)
    return read_balance_form(path, doc)


# -- the landed tables -------------------------------------------------------------------------

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema(
        [
            ("document_id", pa.string()),
            ("form_code", pa.string()),
            ("document_kind", pa.string()),
            ("fiscal_year", pa.int32()),
            ("period", pa.string()),
            ("title", pa.string()),
            ("decision_number", pa.string()),
            ("decision_date", pa.date32()),
            ("published_date", pa.date32()),
            ("updated_date", pa.date32()),
            ("file_url", pa.string()),
            ("file_name", pa.string()),
            ("file_status", pa.string()),
            ("file_sha256", pa.string()),
            ("file_etag", pa.string()),
            ("file_last_modified", pa.string()),
            ("original_path", pa.string()),
            ("error_message", pa.string()),
        ]
    ),
    "lines": pa.schema(
        [
            ("document_id", pa.string()),
            ("file_sha256", pa.string()),
            ("form_code", pa.string()),
            ("fiscal_year", pa.int32()),
            ("period", pa.string()),
            ("sheet_name", pa.string()),
            ("sheet_row", pa.int32()),
            ("sheet_column", pa.int32()),
            ("column_label", pa.string()),
            ("outline_marker", pa.string()),
            ("line_code", pa.string()),
            ("line_name_vi", pa.string()),
            ("outline_level", pa.int32()),
            ("parent_line_code", pa.string()),
            ("is_of_which", pa.bool_()),
            ("series", pa.string()),
            ("value_in_unit", pa.decimal128(24, 6)),
            ("unit", pa.string()),
            ("unit_vnd", pa.int64()),
            ("value_vnd", VND),
            ("children_count", pa.int32()),
            ("children_total_vnd", VND),
            ("rounding_tolerance_vnd", VND),
            # added with column years and label matching (null in files landed before)
            ("document_kind", pa.string()),
            ("column_fiscal_year", pa.int32()),
            ("line_label_key", pa.string()),
            ("line_id", pa.string()),
            ("line_match", pa.string()),
        ]
    ),
    "units": pa.schema(
        [
            ("document_id", pa.string()),
            ("file_sha256", pa.string()),
            ("fiscal_year", pa.int32()),
            ("sheet_name", pa.string()),
            ("sheet_row", pa.int32()),
            ("outline_marker", pa.string()),
            ("sector_name_vi", pa.string()),
            ("unit_code", pa.string()),
            ("unit_name_vi", pa.string()),
            ("autonomy_group", pa.int32()),
            ("service_revenue_vnd", VND),
            ("retained_fees_vnd", VND),
            ("business_surplus_vnd", VND),
            ("recurrent_spending_vnd", VND),
            ("unit", pa.string()),
        ]
    ),
    "form_texts": pa.schema(
        [
            ("document_id", pa.string()),
            ("file_sha256", pa.string()),
            ("form_code", pa.string()),
            ("fiscal_year", pa.int32()),
            ("sheet_name", pa.string()),
            ("sheet_row", pa.int32()),
            ("sheet_column", pa.int32()),
            ("text_vi", pa.string()),
            ("text_kind", pa.string()),
        ]
    ),
}
FILE_ERRORS_SCHEMA = pa.schema(
    [
        ("load_id", pa.string()),
        ("document_id", pa.string()),
        ("file_name", pa.string()),
        ("file_url", pa.string()),
        ("file_status", pa.string()),
        ("file_sha256", pa.string()),
        ("sheet_name", pa.string()),
        ("cell", pa.string()),
        ("message", pa.string()),
        ("checked_at", pa.timestamp("us", tz="UTC")),
    ]
)


def flatten(records: list[dict]) -> dict[str, pa.Table]:
    """Records tagged with their dataset (`_dataset`) as one table per dataset, every dataset
    present (zero rows if none), so the warehouse's sources always find their files."""
    by_dataset: dict[str, list[dict]] = {name: [] for name in DATASETS}
    for record in records:
        by_dataset[record["_dataset"]].append(record)
    return {
        name: pa.Table.from_pylist([{k: r.get(k) for k in SCHEMAS[name].names} for r in rows], SCHEMAS[name])
        for name, rows in by_dataset.items()
    }


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
        return [o for o in self.outcomes if o.status in PROBLEM_STATUSES]

    def summary(self) -> dict[str, int]:
        return {
            "listed": self.listed,
            **{s: self.count(s) for s in FILE_STATUSES},
            "listing_errors": len(self.listing_errors),
        }


class RefusedLink(ValueError):
    """A listing entry's file link that the crawl will not request (another host, not http(s))."""


class BudgetPortalClient:
    """The portal's listing and files over one SourceSession (retries, timeouts, redaction).

    A listing entry's file link is resolved as a browser resolves a link on the listing's page
    (`urljoin`), and requested only on the portal's own host or a host of `allowed_hosts`
    (PAR_BUDGET_ALLOWED_HOSTS: `host` or `host:port`): the listing is the portal's, but what an
    entry says is input, and one entry must not make the crawl fetch, and land as the portal's,
    a file from elsewhere."""

    def __init__(self, session: SourceSession, allowed_hosts: tuple[str, ...] | list[str] = ()):
        self.session = session
        self.allowed_hosts = frozenset(h.strip().lower() for h in allowed_hosts if h.strip())

    def listing(self) -> tuple[list[ListedDocument], list[str]]:
        payload = self.session.get_json(LISTING_PATH, {})
        entries = payload.get("documents") if isinstance(payload, dict) else None
        if not isinstance(entries, list):
            raise SourceResponseError(
                f"{SOURCE}: the listing {self.session.public_url}{LISTING_PATH} has no 'documents' list"
            )
        documents, errors = [], []
        for entry in entries:
            try:
                documents.append(parse_listing_entry(entry))
            except ListingError as exc:
                errors.append(str(exc))
        return documents, errors

    def path_of(self, doc: ListedDocument) -> str:
        """What to request for the document's file: a path under the portal's URL, or an absolute URL
        on an allowed host. Raises RefusedLink (naming the entry and why) for anything else."""
        link = doc.file_url
        entry = f"listing entry {doc.document_id!r}: file_url {redact_url(link)!r}"
        if any(c == "\\" or unicodedata.category(c)[0] in "CZ" and c != " " for c in link):
            raise RefusedLink(f"{entry} holds a backslash or a control character; it is not requested")
        base = self.session.base_url
        url = urljoin(base + LISTING_PATH, link.replace(" ", "%20"))
        host, portal_host = _host(url), _host(base)
        if host is None:
            raise RefusedLink(f"{entry} is not an http(s) link; it is not requested")
        if host != portal_host and host not in self.allowed_hosts and host.rsplit(":", 1)[0] not in self.allowed_hosts:
            raise RefusedLink(
                f"{entry}: host {host} is not the portal's ({portal_host}); it is not requested. If "
                "that host is the province's own file server, add it to PAR_BUDGET_ALLOWED_HOSTS"
            )
        return url[len(base) :] if url.startswith(base + "/") else url


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _host(url: str) -> str | None:
    """`host` (on its scheme's default port) or `host:port` of an http(s) URL; None for any other."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # a port that is not a number
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.hostname if port in (None, _DEFAULT_PORTS[parts.scheme]) else f"{parts.hostname}:{port}"


_STORED_NAME_BYTES = 120  # with the temporary name's 38 more bytes, well within a file system's 255
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,5}")


def stored_file_name(file_name: str) -> str:
    """The name a listed file is stored under: its letters, digits and `-_.` (others as `_`), as
    always, when that is short and does not start with a dot; else those of its stem cut to a
    bounded length by bytes, a short hash of the listed name (two long names stay apart) and its
    extension. Never empty, `.` or `..`, never a path, never too long to write."""
    plain = "".join(c if c.isalnum() or c in "-_." else "_" for c in file_name)
    if plain and not plain.startswith(".") and len(plain.encode("utf-8", "replace")) <= _STORED_NAME_BYTES:
        return plain
    stem, dot, suffix = plain.rpartition(".")
    suffix = f".{suffix}" if dot and _SUFFIX.fullmatch(f".{suffix}") else ""
    stem = (stem if suffix else plain).replace(".", "_")
    short = hashlib.sha256(file_name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    room = _STORED_NAME_BYTES - len(short) - 1 - len(suffix)
    stem = stem.encode("utf-8", "replace")[:room].decode("utf-8", "ignore").strip("_") or "file"
    return f"{stem}-{short}{suffix}"


def keep_original(landing: LandingZone, sha256: str, file_name: str, content: bytes) -> Path:
    """The downloaded file, byte for byte, under its content hash and `stored_file_name` (written
    once, atomically)."""
    path = landing.root / SOURCE / "files" / f"sha256={sha256}" / stored_file_name(file_name)
    if not path.exists():
        landing.write_bytes(path, content)
    return path


def _crawl_document(
    landing: LandingZone, client: BudgetPortalClient, doc: ListedDocument, known: dict | None
) -> tuple[FileOutcome, dict[str, list[dict]]]:
    outcome = FileOutcome(doc.document_id, doc.file_name, doc.file_url, "unchanged")
    same_url = known is not None and known.get("file_url") == doc.file_url
    try:
        path = client.path_of(doc)
    except RefusedLink as exc:
        outcome.status, outcome.error = "refused", str(exc)
        return outcome, {}
    try:
        response = client.session.get_file(
            path,
            if_none_match=known.get("etag") if same_url else None,
            if_modified_since=known.get("last_modified") if same_url else None,
        )
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
    return {
        **asdict(doc),
        "_dataset": "documents",
        "file_status": outcome.status,
        "file_sha256": outcome.sha256,
        "file_etag": outcome.etag,
        "file_last_modified": outcome.last_modified,
        "original_path": outcome.original_path,
        "error_message": outcome.error,
    }


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
            entry = hashlib.sha256(
                f"{doc.fingerprint()}|{'available' if available else outcome.status}|{outcome.sha256}".encode()
            ).hexdigest()
            if outcome.status == "landed" or state["entries"].get(doc.document_id) != entry:
                records.insert(0, _document_record(doc, outcome))
                outcome_entry[doc.document_id] = entry
            yield records, str(index + 1)

    summary = land_pull(landing, SOURCE, crawl_key, source_uri, fetch, flatten)
    checked_at = datetime.now(UTC)
    for outcome in outcomes:
        if outcome.status in ("landed", "unchanged") and outcome.sha256:
            state["files"][outcome.document_id] = {
                "file_url": outcome.file_url,
                "sha256": outcome.sha256,
                "etag": outcome.etag,
                "last_modified": outcome.last_modified,
                "original_path": outcome.original_path,
                "load_id": summary.load_id
                if outcome.status == "landed"
                else state["files"].get(outcome.document_id, {}).get("load_id"),
            }
    state["entries"].update(outcome_entry)
    landing.write_state(SOURCE, STATE_KEY, state)
    report = CrawlReport(summary, listed[0], outcomes, listing_errors)
    errors = [
        {
            "load_id": summary.load_id,
            "document_id": o.document_id,
            "file_name": o.file_name,
            "file_url": o.file_url,
            "file_status": o.status,
            "file_sha256": o.sha256,
            "sheet_name": o.sheet,
            "cell": o.cell,
            "message": o.error,
            "checked_at": checked_at,
        }
        for o in report.problems
    ]
    errors += [
        {"load_id": summary.load_id, "file_status": "listing_error", "message": m, "checked_at": checked_at}
        for m in listing_errors
    ]
    landing.write_audit(
        FILE_ERRORS_AUDIT,
        summary.load_id,
        pa.Table.from_pylist([{k: e.get(k) for k in FILE_ERRORS_SCHEMA.names} for e in errors], FILE_ERRORS_SCHEMA),
        checked_at,
    )
    for problem in report.problems:
        log.warning("%s: %s %s: %s", SOURCE, problem.file_name, problem.status, problem.error)
    for message in listing_errors:
        log.warning("%s: %s", SOURCE, message)
    return report
