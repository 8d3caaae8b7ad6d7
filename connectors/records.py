"""Typing one source record's fields to the landing contract, the same way for every connector.

A value that cannot have the contract's type raises `RecordError` naming the record and the
field (never quoting more than a short, cut repr of the value); everything else lands as sent.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import pyarrow as pa

STR, INT, BIGINT, DATE = pa.string(), pa.int32(), pa.int64(), pa.date32()
_STR, _INT, _BIGINT, _DATE = STR, INT, BIGINT, DATE


class RecordError(ValueError):
    """A record whose field cannot have the contract's type; names the record and the field.

    The message never quotes a personal field's value (it may be read in logs and the run history).
    """


# Columns the landing zone adds to every row (connectors/ingest.py) and the partition folder's
# column: a source field with one of these names would be ambiguous downstream.
RESERVED_COLUMNS = frozenset({"_load_id", "_source", "_loaded_at", "_page", "load_date"})
_INT_RANGES = {_INT: (-(2**31), 2**31 - 1), _BIGINT: (-(2**63), 2**63 - 1)}
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def show_value(value: object, limit: int = 60) -> str:
    """A value for an error message: its repr, cut short (a field may hold megabytes)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def _text(value: object, where: str, field: str) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, e.g. from a JSON escape "\ud800"
            raise RecordError(
                f"{where}: field {field} holds text that is not valid Unicode "
                "(a lone surrogate): the source must send UTF-8 text"
            ) from None
    return text


def _date(value: object, where: str, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise RecordError(f"{where}: field {field} = {show_value(value)} is not a real date") from None
    raise RecordError(f"{where}: field {field} = {show_value(value)} is not a date written yyyy-MM-dd")


def _decimal(value: object, dtype: pa.Decimal128Type, where: str, field: str) -> Decimal:
    if isinstance(value, bool):
        raise RecordError(f"{where}: field {field} = {show_value(value)} is not a number")
    try:
        number = Decimal(value.strip() if isinstance(value, str) else str(value))
    except (InvalidOperation, ValueError):
        raise RecordError(f"{where}: field {field} = {show_value(value)} is not a number") from None
    if not number.is_finite() or number.adjusted() >= dtype.precision - dtype.scale:
        raise RecordError(f"{where}: field {field} = {show_value(value)} is out of range for {dtype}")
    return number.quantize(Decimal(1).scaleb(-dtype.scale))


def coerce_value(value: object, dtype: pa.DataType, where: str, field: str) -> object:
    """`value` as the contract's `dtype` (text, int32/int64, date32, decimal); blank is null."""
    if value is None or value == "":
        return None
    if dtype == _STR:
        return _text(value, where, field)
    if isinstance(value, str) and not value.strip():
        return None  # blank: missing, like ""
    if dtype == _DATE:
        return _date(value, where, field)
    if pa.types.is_decimal(dtype):
        return _decimal(value, dtype, where, field)
    if isinstance(value, bool):
        number: int | None = int(value)
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = int(value) if value.is_integer() else None
    elif isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        number = None
    low, high = _INT_RANGES[dtype]
    if number is None:
        raise RecordError(f"{where}: field {field} = {show_value(value)} is not an integer")
    if not low <= number <= high:
        raise RecordError(f"{where}: field {field} = {show_value(value)} is out of range for {dtype}")
    return number


def build_table(rows: list[dict], fields: dict[str, pa.DataType]) -> pa.Table:
    """Rows as a table with the contract's columns; fields the contract does not know land as text."""
    extra = sorted({k for r in rows for k in r} - set(fields))  # schema drift: keep new fields as text
    columns = {name: pa.array([r.get(name) for r in rows], dtype) for name, dtype in fields.items()}
    for name in extra:
        columns[name] = pa.array([None if r.get(name) is None else str(r.get(name)) for r in rows], _STR)
    return pa.table(columns)


def json_type(value: object) -> str:
    """What a parsed JSON value is, in JSON's words (for error messages, without showing the value)."""
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def flatten_records(
    records: list[dict],
    *,
    dataset: str,
    key: tuple[str, ...],
    fields: dict[str, pa.DataType],
    child_lists: dict[str, tuple[str, dict[str, pa.DataType]]] | None = None,
    parent_keys: tuple[str, ...] = (),
) -> dict[str, pa.Table]:
    """Records -> one typed table for the records and one per child list (each child row carries
    the record's `parent_keys`). Raises RecordError naming the record (by the values of its `key`
    fields, or its place in the batch) and the field; nothing of the batch is landed then."""
    child_lists = child_lists or {}
    rows: dict[str, list[dict]] = {dataset: [], **{name: [] for name, _ in child_lists.values()}}
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise RecordError(f"record {number} of the batch is {json_type(record)}, not a JSON object")
        code = record.get(key[0])
        if code is None or (isinstance(code, str) and not code.strip()):
            raise RecordError(f"record {number} of the batch has no {key[0]} (field {key[0]} is missing or empty)")
        where = f"{dataset} record {show_value('|'.join(str(record.get(k)) for k in key))}"
        row = {}
        for name, value in record.items():
            if name in child_lists:
                continue
            if name in RESERVED_COLUMNS:
                raise RecordError(f"{where}: field {name} has the name of a column the landing zone adds")
            row[name] = coerce_value(value, fields.get(name, STR), where, name)
        rows[dataset].append(row)
        for list_name, (child_dataset, child_fields) in child_lists.items():
            items = record.get(list_name)
            if items is None or items == "":
                continue
            if not isinstance(items, list):
                raise RecordError(f"{where}: field {list_name} should be a list, got {json_type(items)}")
            for position, item in enumerate(items, start=1):
                if not isinstance(item, dict):
                    raise RecordError(f"{where}: item {position} of {list_name} is {json_type(item)}, not an object")
                child = {k: row.get(k) for k in parent_keys}
                for name, value in item.items():
                    if name in RESERVED_COLUMNS or name in parent_keys:
                        raise RecordError(
                            f"{where}: field {list_name}.{name} (item {position}) repeats a column "
                            "the record or the landing zone already gives"
                        )
                    child[name] = coerce_value(value, child_fields.get(name, STR), where, f"{list_name}.{name}")
                rows[child_dataset].append(child)
    tables = {dataset: build_table(rows[dataset], fields)}
    for child_dataset, child_fields in child_lists.values():
        parent_fields = {k: fields[k] for k in parent_keys}
        tables[child_dataset] = build_table(rows[child_dataset], {**parent_fields, **child_fields})
    return tables
