"""Typing landed records: one place that turns a source's JSON values into the landing contract's types.

Shared by every connector: a value that cannot have its field's type raises RecordError naming
the record and the field (never quoting more than a short excerpt of the value); fields the
contract does not know are kept as text (schema drift is landed, not dropped).
"""
from __future__ import annotations

import json
import re

import pyarrow as pa

STR, INT, BIGINT, DOUBLE = pa.string(), pa.int32(), pa.int64(), pa.float64()


class RecordError(ValueError):
    """A record whose field cannot have the contract's type; names the record and the field.

    The message never quotes a personal field's value (it may be read in logs and the run history).
    """


# Columns the landing zone adds to every row (connectors/ingest.py) and the partition folder's
# column: a source field with one of these names would be ambiguous downstream.
RESERVED_COLUMNS = frozenset({"_load_id", "_source", "_loaded_at", "_page", "load_date"})
INT_RANGES = {INT: (-2**31, 2**31 - 1), BIGINT: (-2**63, 2**63 - 1)}
INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")


def show(value: object, limit: int = 60) -> str:
    """A value for an error message: its repr, cut short (a field may hold megabytes)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def coerce(value: object, dtype: pa.DataType, where: str, field: str) -> object:
    if value is None or value == "":
        return None
    if dtype == STR:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        if not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate, e.g. from a JSON escape "\ud800"
                raise RecordError(f"{where}: field {field} holds text that is not valid Unicode "
                                  "(a lone surrogate): the source must send UTF-8 text") from None
        return text
    if isinstance(value, bool):
        number: int | None = int(value)
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = int(value) if value.is_integer() else None
    elif isinstance(value, str) and INTEGER_TEXT.fullmatch(value.strip()):
        number = int(value.strip())
    elif isinstance(value, str) and not value.strip():
        return None  # blank: missing, like ""
    else:
        number = None
    low, high = INT_RANGES[dtype]
    if number is None:
        raise RecordError(f"{where}: field {field} = {show(value)} is not an integer")
    if not low <= number <= high:
        raise RecordError(f"{where}: field {field} = {show(value)} is out of range for {dtype}")
    return number


def typed_table(rows: list[dict], fields: dict[str, pa.DataType]) -> pa.Table:
    extra = sorted({k for r in rows for k in r} - set(fields))  # schema drift: keep new fields as text
    columns = {name: pa.array([r.get(name) for r in rows], dtype) for name, dtype in fields.items()}
    for name in extra:
        columns[name] = pa.array([None if r.get(name) is None else str(r.get(name)) for r in rows], STR)
    return pa.table(columns)


def json_type(value: object) -> str:
    """What a parsed JSON value is, in JSON's words (for error messages, without showing the value)."""
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "an array",
            dict: "an object"}.get(type(value), type(value).__name__)


def flatten_records(records: list[dict], *, dataset: str, key: tuple[str, ...], fields: dict[str, pa.DataType],
                    child_lists: dict[str, tuple[str, dict[str, pa.DataType]]] | None = None,
                    parent_keys: tuple[str, ...] = ()) -> dict[str, pa.Table]:
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
        where = f"{dataset} record {show('|'.join(str(record.get(k)) for k in key))}"
        row = {}
        for name, value in record.items():
            if name in child_lists:
                continue
            if name in RESERVED_COLUMNS:
                raise RecordError(f"{where}: field {name} has the name of a column the landing zone adds")
            row[name] = coerce(value, fields.get(name, STR), where, name)
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
                        raise RecordError(f"{where}: field {list_name}.{name} (item {position}) repeats a column "
                                          "the record or the landing zone already gives")
                    child[name] = coerce(value, child_fields.get(name, STR), where, f"{list_name}.{name}")
                rows[child_dataset].append(child)
    tables = {dataset: typed_table(rows[dataset], fields)}
    for child_dataset, child_fields in child_lists.values():
        parent_fields = {k: fields[k] for k in parent_keys}
        tables[child_dataset] = typed_table(rows[child_dataset], {**parent_fields, **child_fields})
    return tables
