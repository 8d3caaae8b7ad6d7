"""A cursor page's JSON decoded straight into Arrow: no Python object per value.

A page is `{"data": [...], "next_cursor": ...}` (connectors/paging.py). `read_page` parses its bytes
with Arrow's JSON reader against the records' contract type; a value of another JSON type (a number
sent as text, 2.0 for an integer, a field the contract does not know, text that is not UTF-8, a
lone surrogate, a duplicated key...) makes it give up and return None, and the caller decodes the page
the usual way (`json`), whose record-by-record path coerces each value or names the bad one. So the
fast path only ever takes a page whose every value already has its contract's type.
"""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.json as pa_json


def read_page(body: bytes, record_type: pa.StructType) -> tuple[pa.StructArray, str | None] | None:
    """(the page's records as one struct array of `record_type`, its next_cursor), or None when the
    page is not that plain (see the module's docstring). The records may still hold null child
    items or blank keys: that is the caller's to check."""
    schema = pa.schema([("data", pa.list_(record_type)), ("next_cursor", pa.string())])
    # "infer" keeps other top-level fields (total, as_of) from failing the page; an unknown field
    # inside a record shows as a record type other than the contract's, checked below.
    # A page on one line (as APIs send JSON) is parsed twice as fast as one that may span lines.
    pretty = body.find(b"\n") not in (-1, len(body) - 1)
    options = pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer", newlines_in_values=pretty)
    try:
        table = pa_json.read_json(
            io.BytesIO(body),
            parse_options=options,
            read_options=pa_json.ReadOptions(block_size=max(len(body), 1 << 16)),
        )
    except (pa.ArrowException, ValueError):  # not JSON, a value of another type, not UTF-8
        return None
    if table.num_rows != 1 or table.schema.field("data").type != schema.field("data").type:
        return None
    pages = table.column("data").combine_chunks()
    if pages.null_count:  # no data list: the usual decoding reports it
        return None
    records = pages.flatten()
    if records.null_count:  # a record that is not an object
        return None
    try:
        records.validate(full=True)  # the reader does not check that text is UTF-8
    except pa.ArrowInvalid:
        return None
    return records, table.column("next_cursor")[0].as_py()
