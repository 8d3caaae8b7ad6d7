"""What a GX gate shows beyond its counts: which expectations failed or flagged rows, a few of the values they
found (bounded, never from a personal field), and a page with the whole validation result.

The samples come from GX's `partial_unexpected_list` (expectations/gx_runner.py). The personal fields of
every source (`PERSONAL_FIELDS` of its connector) are pseudonymised before they land, so a landed value is
already a keyed hash; their samples are still left out ("personal field"), as are those of any column named
like one. A value is cut at SAMPLE_CHARS characters, an expectation shows SAMPLE_VALUES of them, the
metadata lists at most MAX_EXPECTATIONS expectations (the page lists all).

The page is one self-contained HTML file per load in the landing zone's audit folder,
`<landing>/_audit/gx_pages/<source>/<load_id>.html`; the check's metadata gives its path (a path to copy:
browsers do not open file:// links from a web page).
"""

from __future__ import annotations

import html
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from connectors import cadre, one_stop_shop

SAMPLE_VALUES = 5
SAMPLE_CHARS = 60
MAX_EXPECTATIONS = 20
PERSONAL = "personal field: values not shown"

# Landed column names that hold personal data, by dataset (a column named so in any dataset is treated alike).
PERSONAL_COLUMNS = frozenset(
    name
    for fields in (one_stop_shop.PERSONAL_FIELDS, cadre.PERSONAL_FIELDS)
    for names in fields.values()
    for name in names
)


def _plain(value: Any) -> Any:
    """A value as a user reads it: numpy and pandas scalars as Python's, a timestamp as `2024-01-20 08:30:00`
    (a midnight one as its date), a missing one as None."""
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        midnight = value.tzinfo is None and value.time() == datetime.min.time()
        return value.date().isoformat() if midnight else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value.item() if isinstance(value, np.generic) else value


def _shown(value: Any) -> Any:
    if isinstance(value, list | tuple):  # a pair or compound rule's row: its values in order
        return [_shown(v) for v in value]
    value = _plain(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    return text if len(text) <= SAMPLE_CHARS else text[: SAMPLE_CHARS - 1] + "…"


def sample_text(sample: list | str) -> str:
    """A sample as one line: values as Python literals (a string quoted, so blanks show), a pair as `(a, b)`."""
    if isinstance(sample, str):
        return sample

    def one(value: Any, inside: bool = False) -> str:
        if isinstance(value, list):
            return "(" + ", ".join(one(v, inside=True) for v in value) + ")"
        if inside:
            return "missing" if value is None else str(value)
        return repr(value)

    return ", ".join(one(v) for v in sample)


def sample_of(result) -> list | str:
    """The bounded sample of an expectation's unexpected values, or why none is shown."""
    columns = [c for c in (result.column, *(result.kwargs.get("column_list") or ())) if c]
    if PERSONAL_COLUMNS & set(columns):
        return PERSONAL
    # missing values (a not-null expectation's) say nothing a count does not; a value found on many rows once
    shown = []
    for value in (_shown(v) for v in result.sample_unexpected if v is not None):
        if value not in shown:
            shown.append(value)
    return shown[:SAMPLE_VALUES]


def flagged(batch) -> list:
    """The expectations that failed, then those that passed within their tolerance but found rows."""
    failed = [r for r in batch.results if not r.success]
    within = [r for r in batch.results if r.success and r.unexpected_count]
    return failed + within


def unexpected_samples(batch) -> list[dict]:
    """The check's `failed_expectations` metadata: one entry per expectation that failed or flagged rows."""
    return [
        {
            "dataset": r.dataset,
            "expectation": r.expectation,
            "column": r.column,
            "failed": not r.success,
            "unexpected_rows": r.unexpected_count,
            "unexpected_percent": None if r.unexpected_percent is None else round(r.unexpected_percent, 3),
            "sample": sample_of(r) if r.unexpected_count else [],
            **({"error": r.exception[:200]} if r.exception else {}),
        }
        for r in flagged(batch)[:MAX_EXPECTATIONS]
    ]


def page_path(landing_root: Path, source: str, load_id: str) -> Path:
    return landing_root / "_audit" / "gx_pages" / source / f"{load_id}.html"


def write_validation_page(batch, path: Path) -> Path:
    """Render the whole validation result of a load as one HTML page; written to a temporary name, then renamed."""
    esc = html.escape
    rows = []
    for r in sorted(batch.results, key=lambda r: (r.success, r.dataset, r.expectation)):
        sample = sample_of(r) if r.unexpected_count else []
        shown = sample_text(sample)
        percent = "" if r.unexpected_percent is None else f"{r.unexpected_percent:.2f}%"
        rows.append(
            f"<tr class={'ok' if r.success else 'failed'}><td>{'passed' if r.success else 'FAILED'}</td>"
            f"<td>{esc(r.dataset)}</td><td>{esc(r.expectation)}</td><td>{esc(r.column or '')}</td>"
            f"<td>{'' if r.unexpected_count is None else f'{r.unexpected_count:,}'}</td><td>{percent}</td>"
            f"<td>{esc(shown)}</td><td>{esc(r.exception or '')}</td></tr>"
        )
    datasets = "".join(
        f"<li>{esc(d.dataset)}: {d.row_count:,} rows, {d.expectations_failed} of {d.expectations_evaluated} "
        f"expectations failed, {d.rows_affected:,} rows flagged</li>"
        for d in batch.datasets
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GX validation: {esc(batch.source_system)} {esc(batch.load_id)}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;
padding:4px 8px;text-align:left;vertical-align:top}}tr.failed td:first-child{{color:#b00;font-weight:bold}}</style>
</head><body>
<h1>Great Expectations validation of {esc(batch.source_system)}, load {esc(batch.load_id)}</h1>
<p>Verdict: <strong>{esc(batch.verdict)}</strong>, checked {batch.checked_at:%Y-%m-%d %H:%M:%S} UTC;
{batch.expectations_failed} of {batch.expectations_evaluated} expectations failed; {batch.rows_affected:,} rows flagged
({"exact" if batch.rows_affected_exact else "lower bound"}): an accepted load's flagged rows go to the staging
quarantine tables with their reason. Samples: at most {SAMPLE_VALUES} values per expectation; personal fields
(pseudonymised) are never shown.</p>
<ul>{datasets}</ul>
<table><tr><th>result</th><th>dataset</th><th>expectation</th><th>column</th><th>unexpected rows</th>
<th>of non-missing</th><th>sample of unexpected values</th><th>error</th></tr>
{"".join(rows)}
</table></body></html>
"""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return path


def unexpected_values_text(batch) -> str:
    """The same entries as lines of text, which the UI shows inline (a JSON entry opens on a click):
    `dossiers.TrangThaiHoSo: expect_column_values_to_be_in_set, 10 rows: 99, 98, 97, 96, 95;`."""
    lines = []
    for e in unexpected_samples(batch):
        where = f"{e['dataset']}.{e['column']}" if e["column"] else e["dataset"]
        rows = "" if e["unexpected_rows"] is None else f", {e['unexpected_rows']:,} rows"
        sample = sample_text(e["sample"])
        tolerance = "" if e["failed"] else " (within tolerance)"
        lines.append(f"{where}: {e['expectation']}{tolerance}{rows}" + (f": {sample}" if sample else ""))
    # each line ends with ";": the UI shows a text entry's lines run together
    return ";\n".join(lines) or "no expectation found an unexpected value"
