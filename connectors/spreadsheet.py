"""Reading and writing the XLSX files Vietnamese government systems produce, in one place.

What these files share, whatever the source: title rows above the header, Vietnamese column
names, dates written dd/MM/yyyy, numbers written `1.234.567,5` (dot for thousands, comma for
decimals), blanks that mean "not reported" rather than zero. A source's own layout (which
columns, which sheet) stays in its connector; this module only knows the conventions.

Every error names the file, the sheet and the cell, so the person holding the file can fix it.
"""
from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException


class SpreadsheetError(ValueError):
    """A file that cannot be read as the source promised; names file, sheet and cell."""

    def __init__(self, file: str | Path, message: str, sheet: str | None = None, row: int | None = None,
                 column: int | None = None):
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
    """The workbook at `path`, values only (formulas read as their cached results)."""
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
            rows = [tuple(row) for row in worksheet.iter_rows(values_only=True)]
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise SpreadsheetError(path, f"sheet cannot be read ({type(exc).__name__}: {exc})",
                                   worksheet.title) from exc
        return worksheet.title, rows
    finally:
        workbook.close()


def find_header_row(path: str | Path, sheet: str, rows: Sequence[Sequence[Any]], required: Iterable[str],
                    search_rows: int = 20) -> tuple[int, dict[str, int]]:
    """The 1-based row holding every `required` header within the first `search_rows` rows, and
    each normalised header's 1-based column. Title rows above it are skipped wherever it sits."""
    wanted = {normalise_header(h) for h in required}
    for index, row in enumerate(rows[:search_rows], start=1):
        columns = {normalise_header(v): col for col, v in enumerate(row, start=1) if v is not None}
        if wanted <= columns.keys():
            return index, columns
    missing_from_best = sorted(wanted - max(
        ({normalise_header(v) for v in row} for row in rows[:search_rows]), key=lambda found: len(wanted & found),
        default=set()))
    raise SpreadsheetError(path, f"no header row with the expected columns in the first {search_rows} rows; "
                                 f"missing: {', '.join(missing_from_best)}", sheet)


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


def write_workbook(path: str | Path, sheets: dict[str, tuple[Sequence[Sequence[Any]], Sequence[str],
                                                              Iterable[Sequence[Any]]]]) -> Path:
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


def iter_records(path: str | Path, sheet: str, rows: Sequence[Sequence[Any]], header_row: int,
                 columns: dict[str, int], fields: dict[str, str]) -> Iterator[tuple[int, dict[str, tuple[Any, CellLocation]]]]:
    """Data rows under the header as {field: (value, location)}, keyed by our field names through
    `fields` (our name -> the file's header). Fully blank rows are skipped."""
    file = Path(path).name
    lookup = {name: columns[normalise_header(header)] for name, header in fields.items()}
    for row_number, row in enumerate(rows[header_row:], start=header_row + 1):
        if all(is_blank(v) for v in row):
            continue
        yield row_number, {
            name: (row[col - 1] if col - 1 < len(row) else None, CellLocation(file, sheet, row_number, col))
            for name, col in lookup.items()}
