"""Reading and writing the XLSX files Vietnamese government systems produce, in one place.

What these files share, whatever the source: title rows above the header, Vietnamese column
names, dates written dd/MM/yyyy, numbers written `1.234.567,5` (dot for thousands, comma for
decimals), blanks that mean "not reported" rather than zero, money units stated in words
("Đơn vị: triệu đồng"), headers of two rows with merged cells, and outline rows numbered
A / I / 1 / a / - where parents and their children coexist. A source's own layout (which
columns, which sheet) stays in its connector; this module only knows the conventions.

Every error names the file, the sheet and the cell, so the person holding the file can fix it.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException


class SpreadsheetError(ValueError):
    """A file that cannot be read as the source promised; names file, sheet and cell."""

    def __init__(
        self,
        file: str | Path,
        message: str,
        sheet: str | None = None,
        row: int | None = None,
        column: int | None = None,
    ):
        self.file = Path(file).name
        self.sheet, self.row, self.column, self.reason = sheet, row, column, message
        where = [self.file]
        if sheet is not None:
            where.append(f"sheet '{sheet}'")
        if row is not None and column is not None:
            where.append(f"cell {cell_ref(row, column)} (row {row}, column {get_column_letter(column)})")
        elif row is not None:
            where.append(f"row {row}")
        super().__init__(f"{', '.join(where)}: {message}")


@dataclass(frozen=True)
class CellLocation:
    file: str
    sheet: str
    row: int
    column: int

    def error(self, message: str) -> SpreadsheetError:
        return SpreadsheetError(self.file, message, self.sheet, self.row, self.column)


def cell_ref(row: int, column: int) -> str:
    return f"{get_column_letter(column)}{row}"


def normalise_header(text: Any) -> str:
    """Header text compared the way a person reads it: NFC, single spaces, case-folded."""
    if text is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(text)).split()).casefold()


def open_workbook(path: str | Path):
    """The workbook at `path`, values only (formulas read as their cached results), read-only.

    Read-only worksheets trust the sheet's `<dimension ref=...>` tag for their extent, and a tool
    that edits a file without updating it leaves it stale (a form cut to its first lines, or `A1`):
    read sheets through `sheet_rows`, which measures the real extent instead."""
    path = Path(path)
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SpreadsheetError(path, f"not a readable XLSX workbook ({type(exc).__name__}: {exc})") from exc


def sheet_rows(path: str | Path, sheet: str | None = None) -> tuple[str, list[tuple[Any, ...]]]:
    """All rows of one sheet (the first when `sheet` is None) as value tuples, row 1 first."""
    workbook = open_workbook(path)
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise SpreadsheetError(path, f"no sheet named '{sheet}' (sheets: {', '.join(workbook.sheetnames)})")
        try:
            worksheet.reset_dimensions()  # the cells themselves, not the <dimension> tag, say how far the sheet goes
            rows = [tuple(row) for row in worksheet.iter_rows(values_only=True)]
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise SpreadsheetError(
                path, f"sheet cannot be read ({type(exc).__name__}: {exc})", worksheet.title
            ) from exc
        return worksheet.title, _to_last_value(rows)
    finally:
        workbook.close()


def _to_last_value(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows up to the last one holding a value, each as wide as the widest value: formatted but
    empty cells beyond them (a row at 1048576, a column at XFD) add nothing."""
    width = max((max((i for i, v in enumerate(row, start=1) if v is not None), default=0) for row in rows), default=0)
    last = max((n for n, row in enumerate(rows, start=1) if any(v is not None for v in row)), default=0)
    return [tuple(row[:width]) + (None,) * (width - len(row)) for row in rows[:last]]


def find_header_row(
    path: str | Path, sheet: str, rows: Sequence[Sequence[Any]], required: Iterable[str], search_rows: int = 20
) -> tuple[int, dict[str, int]]:
    """The 1-based row holding every `required` header within the first `search_rows` rows, and
    each normalised header's 1-based column. Title rows above it are skipped wherever it sits."""
    wanted = {normalise_header(h) for h in required}
    for index, row in enumerate(rows[:search_rows], start=1):
        columns = {normalise_header(v): col for col, v in enumerate(row, start=1) if v is not None}
        if wanted <= columns.keys():
            return index, columns
    # the nearest row (most of the headers; among equals the first with the most text) is named
    scored = [
        (len(wanted & {normalise_header(v) for v in row}), sum(isinstance(v, str) for v in row), -index)
        for index, row in enumerate(rows[:search_rows], start=1)
    ]
    if not scored:
        raise SpreadsheetError(
            path,
            f"no header row with the expected columns in the first {search_rows} rows; "
            f"missing: {', '.join(sorted(wanted))} (the sheet is empty)",
            sheet,
        )
    _, _, best = max(scored)
    best_row = rows[-best - 1]
    found = {normalise_header(v) for v in best_row}
    column = next((c for c, v in enumerate(best_row, start=1) if not is_blank(v)), 1)
    raise SpreadsheetError(
        path,
        f"no header row with the expected columns in the first {search_rows} rows; "
        f"missing: {', '.join(sorted(wanted - found))} (nearest: row {-best})",
        sheet,
        -best,
        column,
    )


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_VN_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def parse_vn_date(value: Any, where: CellLocation) -> date | None:
    """A dd/MM/yyyy date (or a cell Excel already typed as a date); blank is None."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _VN_DATE.match(str(value))
    if not match:
        raise where.error(f"'{value}' is not a date written dd/MM/yyyy")
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise where.error(f"'{value}' is not a real date ({exc})") from exc


_VN_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?$|^-?\d+(,\d+)?$")


def parse_vn_number(value: Any, where: CellLocation) -> Decimal | None:
    """A number written the Vietnamese way (`1.234.567,5`, `(1.234)` for negatives) or typed as a
    number by Excel; blank is None (not reported), never zero. Anything else is an error."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise where.error(f"'{value}' is not a number")
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    if text in {"-", "–"}:
        return Decimal(0)
    if not _VN_NUMBER.match(text):
        raise where.error(f"'{value}' is not a number written as 1.234.567,5")
    try:
        number = Decimal(text.replace(".", "").replace(",", "."))
    except InvalidOperation as exc:
        raise where.error(f"'{value}' is not a number") from exc
    return -number if negative else number


def format_vn_date(value: date | None) -> str | None:
    return None if value is None else value.strftime("%d/%m/%Y")


def format_vn_number(value: Decimal | int | float | None, decimals: int = 0) -> str | None:
    """`1234567.5` as `1.234.567,5`: how these systems print numbers into text cells."""
    if value is None:
        return None
    text = f"{abs(Decimal(str(value))):,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"-{text}" if Decimal(str(value)) < 0 else text


def write_workbook(
    path: str | Path, sheets: dict[str, tuple[Sequence[Sequence[Any]], Sequence[str], Iterable[Sequence[Any]]]]
) -> Path:
    """Write an XLSX with, per sheet, title rows, one header row and the data rows, the way the
    source systems export them. Written to a temporary name first, then renamed."""
    path = Path(path)
    workbook = Workbook(write_only=True)
    for title, (title_rows, header, rows) in sheets.items():
        worksheet = workbook.create_sheet(title)
        for title_row in title_rows:
            worksheet.append(list(title_row))
        worksheet.append(list(header))
        for row in rows:
            worksheet.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    workbook.save(partial)
    partial.replace(path)
    return path


def iter_records(
    path: str | Path,
    sheet: str,
    rows: Sequence[Sequence[Any]],
    header_row: int,
    columns: dict[str, int],
    fields: dict[str, str],
) -> Iterator[tuple[int, dict[str, tuple[Any, CellLocation]]]]:
    """Data rows under the header as {field: (value, location)}, keyed by our field names through
    `fields` (our name -> the file's header). Fully blank rows are skipped."""
    file = Path(path).name
    lookup = {name: columns[normalise_header(header)] for name, header in fields.items()}
    for row_number, row in enumerate(rows[header_row:], start=header_row + 1):
        if all(is_blank(v) for v in row):
            continue
        yield (
            row_number,
            {
                name: (row[col - 1] if col - 1 < len(row) else None, CellLocation(file, sheet, row_number, col))
                for name, col in lookup.items()
            },
        )


# -- money units -------------------------------------------------------------------------------

# The unit a form states its amounts in, and how many VND one unit is.
MONEY_UNITS: dict[str, int] = {
    "đồng": 1,
    "nghìn đồng": 1_000,
    "ngàn đồng": 1_000,
    "triệu đồng": 1_000_000,
    "tỷ đồng": 1_000_000_000,
}
_UNIT_PATTERN = re.compile(
    r"(?:đơn vị tính|đơn vị|đvt)\s*[:.]?\s*("
    + "|".join(sorted((re.escape(u) for u in MONEY_UNITS), key=len, reverse=True))
    + r")\b"
)
_UNIT_IN_PARENTHESES = re.compile(
    r"\((" + "|".join(sorted((re.escape(u) for u in MONEY_UNITS), key=len, reverse=True)) + r")\)"
)


def money_unit(text: Any) -> str | None:
    """The money unit a cell states ("Đơn vị: Triệu đồng", "ĐVT: đồng", "Dự toán (tỷ đồng)"), as
    its key in MONEY_UNITS, or None."""
    folded = normalise_header(text)
    match = _UNIT_PATTERN.search(folded) or _UNIT_IN_PARENTHESES.search(folded)
    return match.group(1) if match else None


def find_money_unit(rows: Sequence[Sequence[Any]], above_row: int) -> tuple[str, int, int] | None:
    """The unit stated in the title rows above the 1-based `above_row`: (unit, row, column)."""
    for row_number, row in enumerate(rows[: above_row - 1], start=1):
        for column, value in enumerate(row, start=1):
            unit = money_unit(value)
            if unit:
                return unit, row_number, column
    return None


# -- two-row headers with merged cells ---------------------------------------------------------


def merged_header_labels(top: Sequence[Any], below: Sequence[Any] | None) -> list[str]:
    """One label per column of a header that may span two rows.

    Read without formatting, a merged cell holds its text in its top-left cell only: a title
    merged across columns (`Thực hiện 6 tháng` over `Số tiền` | `So với dự toán (%)`) is carried
    right over the columns that have a sub-header below it, and a cell merged down two rows
    (`STT`) keeps its own text. A label is `top / below` when both exist."""
    below = below or ()
    width = max(len(top), len(below))
    labels, carried = [], ""
    for column in range(width):
        upper = top[column] if column < len(top) else None
        lower = below[column] if column < len(below) else None
        if not is_blank(upper):
            carried = " ".join(str(upper).split())
            upper_text = carried
        else:
            upper_text = carried if not is_blank(lower) else ""
            if is_blank(lower):
                carried = ""
        lower_text = "" if is_blank(lower) else " ".join(str(lower).split())
        labels.append(" / ".join(t for t in (upper_text, lower_text) if t))
    return labels


# -- outline markers ---------------------------------------------------------------------------

# Kinds of outline marker, outermost first: section letters (A, B, Đ), Roman numerals (I, II),
# Arabic numbers (1, 2), lower-case letters (a, b, đ), then dashes and pluses.
OUTLINE_KINDS = ("letter", "roman", "number", "lower", "dash", "plus")
# Section letters in Vietnamese alphabetical order (no F, J, W, Z).
SECTION_LETTERS = (
    "A",
    "B",
    "C",
    "D",
    "Đ",
    "E",
    "G",
    "H",
    "I",
    "K",
    "L",
    "M",
    "N",
    "O",
    "P",
    "Q",
    "R",
    "S",
    "T",
    "U",
    "V",
    "X",
    "Y",
)
_ROMAN = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman_value(text: str) -> int | None:
    if not text or not _ROMAN.match(text):
        return None
    total = 0
    for i, ch in enumerate(text):
        value = _ROMAN_VALUES[ch]
        total += -value if i + 1 < len(text) and _ROMAN_VALUES[text[i + 1]] > value else value
    return total


@dataclass(frozen=True)
class OutlineLine:
    marker: str  # as written, trimmed of its trailing '.' or ')'
    kind: str  # one of OUTLINE_KINDS
    code: str  # the path of markers from the top, e.g. 'B.I.1.a' ('-2': the second dash)
    level: int  # 1 for a top line
    parent_code: str | None
    is_of_which: bool  # listed under a 'Trong đó' (of which) label: not part of the parent's sum


class Outline:
    """Places the rows of a form in its outline, one row at a time, in reading order.

    The parent of a line is the nearest line above it of an outer kind. A single capital that is
    also a Roman numeral (I, V, X, C, D...) is read as the next Roman numeral when it continues
    the Roman sequence under the current section (so `I` after `B` is B.I), else as a section
    letter when it is the next section (so `C` after `B.III` is section C, not 100), else as a
    Roman numeral. A label row `Trong đó:` marks the lines under the line above it as "of which"
    items."""

    def __init__(self) -> None:
        self._open: list[tuple[int, OutlineLine]] = []  # (kind rank, line), outermost first
        self._children: dict[str | None, int] = {}
        self._last_roman: dict[str | None, int] = {}
        self._of_which_parent: str | None = None
        self._last: OutlineLine | None = None
        self._last_section_letter: str | None = None

    @staticmethod
    def clean_marker(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = unicodedata.normalize("NFC", str(value)).strip()
        return text[:-1].strip() if len(text) > 1 and text[-1] in ".)" else text

    def _kind(self, marker: str) -> str | None:
        if marker in {"-", "–", "—"}:
            return "dash"
        if marker == "+":
            return "plus"
        if re.fullmatch(r"\d+", marker):
            return "number"
        if re.fullmatch(r"[a-zđ]", marker):
            return "lower"
        value = roman_value(marker)
        if value is not None and value == self._last_roman.get(self._section_code(), 0) + 1:
            return "roman"
        if marker in SECTION_LETTERS and (value is None or marker == self._next_section_letter()):
            return "letter"
        return "roman" if value is not None else None

    def _next_section_letter(self) -> str:
        last = self._last_section_letter
        return SECTION_LETTERS[SECTION_LETTERS.index(last) + 1] if last and last != SECTION_LETTERS[-1] else "A"

    def _section_code(self) -> str | None:
        for rank, line in reversed(self._open):
            if rank < OUTLINE_KINDS.index("roman"):
                return line.code
        return None

    def mark_of_which(self) -> None:
        """A 'Trong đó:' label: what follows under the last line is an 'of which' breakdown."""
        self._of_which_parent = self._last.code if self._last else None

    def add(self, value: Any) -> OutlineLine | None:
        """The line for a row whose outline cell holds `value`; None if it is not a marker."""
        marker = self.clean_marker(value)
        kind = self._kind(marker) if marker else None
        if kind is None:
            return None
        rank = OUTLINE_KINDS.index(kind)
        while self._open and self._open[-1][0] >= rank:
            self._open.pop()
        parent = self._open[-1][1] if self._open else None
        parent_code = parent.code if parent else None
        if kind == "roman":
            self._last_roman[parent_code] = roman_value(marker) or 0
        if kind == "letter":
            self._last_section_letter = marker
        self._children[parent_code] = self._children.get(parent_code, 0) + 1
        own = f"{marker}{self._children[parent_code]}" if kind in ("dash", "plus") else marker
        own = "-" + own[1:] if kind == "dash" else own
        code = own if parent is None else f"{parent.code}.{own}"
        line = OutlineLine(
            marker=marker,
            kind=kind,
            code=code,
            level=(parent.level + 1) if parent else 1,
            parent_code=parent_code,
            is_of_which=parent_code is not None and parent_code == self._of_which_parent,
        )
        if self._of_which_parent is not None and not (code + ".").startswith(self._of_which_parent + "."):
            self._of_which_parent = None
            line = OutlineLine(**{**line.__dict__, "is_of_which": False})
        self._open.append((rank, line))
        self._last = line
        return line


# -- writing laid-out sheets -------------------------------------------------------------------


def write_laid_out_workbook(
    path: str | Path,
    sheets: dict[str, tuple[Sequence[Sequence[Any]], Sequence[str]]],
    fixed_time: datetime | None = None,
) -> Path:
    """Write an XLSX whose sheets are given cell by cell, as a person laid them out: rows (title
    rows, header rows, data rows, blank rows) and merged ranges like 'A7:A8'. Written to a
    temporary name first, then renamed. With `fixed_time` the file is byte-for-byte reproducible
    (document properties and zip entries stamped with it instead of the time of writing)."""
    path = Path(path)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (rows, merges) in sheets.items():
        worksheet = workbook.create_sheet(title)
        for row in rows:
            worksheet.append(list(row))
        for cell_range in merges:
            worksheet.merge_cells(cell_range)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    workbook.save(partial)
    if fixed_time is not None:
        _restamp(partial, fixed_time)
    partial.replace(path)
    return path


_W3CDTF = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def _restamp(path: Path, moment: datetime) -> None:
    """Rewrite a saved workbook with every timestamp set to `moment`."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = _W3CDTF.sub(lambda m: f"{m.group(1)}{stamp}{m.group(2)}", data.decode()).encode()
            target.writestr(
                zipfile.ZipInfo(info.filename, date_time=moment.timetuple()[:6]),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )
