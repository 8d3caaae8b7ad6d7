"""The restricted annex of the report: the officials flagged by T02 by name, for the people entitled to
see them. The warehouse holds no name; names come from a re-identification lookup, a CSV file of
cadre person codes (mã cán bộ, as the cadre system gives them) and full names, kept outside the
warehouse and named by a setting (PAR_REIDENTIFICATION_LOOKUP). Without it no annex is written; the
report itself counts the flagged officials per agency and title and never names anyone."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, select_autoescape

from reporting.labels import fmt_number, fmt_percent
from reporting.periods import ReportPeriod
from reporting.warehouse import Warehouse

LOOKUP_COLUMNS = ("person_code", "full_name")


class ReidentificationLookupError(ValueError):
    """A re-identification lookup that cannot be read: the message names the file, row and field."""


def read_lookup(path: Path) -> dict[str, str]:
    """person_code -> full name, from the CSV at `path` (UTF-8, a header with person_code, full_name)."""
    if not path.is_file():
        raise ReidentificationLookupError(
            f"the re-identification lookup {path} does not exist (PAR_REIDENTIFICATION_LOOKUP)"
        )
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in LOOKUP_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ReidentificationLookupError(
                f"{path}: the header lacks {', '.join(missing)} (expected {', '.join(LOOKUP_COLUMNS)})"
            )
        names: dict[str, str] = {}
        for line, row in enumerate(reader, start=2):
            code, name = (row["person_code"] or "").strip(), (row["full_name"] or "").strip()
            if not code or not name:
                field = "person_code" if not code else "full_name"
                raise ReidentificationLookupError(f"{path}, row {line}: {field} is empty")
            if names.get(code, name) != name:
                raise ReidentificationLookupError(f"{path}, row {line}: person_code {code} has two names")
            names[code] = name
    return names


def load_flagged_officials(warehouse: Warehouse, period: ReportPeriod) -> list[dict]:
    """The officials over the T02 threshold in the period's year, one row each (person code, agency,
    title, counts): the annex's rows before the names are looked up."""
    return warehouse.rows(
        """
        select o.person_code, o.agency_code, ag.agency_name_vi, coalesce(ag.agency_name_en, ag.agency_name_vi)
               as agency_name_en, o.title, o.dossiers_handled, o.dossiers_late, o.late_rate, o.late_rate_threshold
        from marts.mart_official_performance as o
        left join marts.dim_agency as ag on ag.agency_code = o.agency_code
        where o.year = ? and o.cannot_be_rated_good
        order by o.agency_code, o.late_rate desc, o.person_code""",
        period.year,
    )


ANNEX = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head><meta charset="utf-8"><title>{{ l.restricted_title }}: {{ year }}</title>
<style>
 body { font-family: "Segoe UI", Roboto, Arial, sans-serif; margin: 0 auto; max-width: 1000px; padding: 24px; color: #1c2833; }
 .banner { border: 2px solid #922b21; color: #922b21; padding: 8px; font-weight: 600; }
 table { border-collapse: collapse; width: 100%; font-size: 0.9em; } th, td { border: 1px solid #d5dbdb; padding: 4px 6px; text-align: left; }
 th { background: #f4f6f6; } td.num { text-align: right; }
</style></head>
<body>
<p class="banner">{{ l.restricted_banner }}</p>
<h1>{{ l.restricted_title }}: {{ year }}</h1>
<p>{{ generated }}</p>
<table id="restricted-officials">
<thead><tr><th>{{ l.full_name }}</th><th>{{ l.person_code }}</th><th>{{ l.agency }}</th><th>{{ l.title_column }}</th>
<th>{{ l.handled }}</th><th>{{ l.late }}</th><th>{{ l.late_rate }}</th><th>{{ l.threshold }}</th></tr></thead>
<tbody>{% for o in officials %}<tr><td>{{ o.name }}</td><td>{{ o.code }}</td><td>{{ o.agency }}</td><td>{{ o.title }}</td>
<td class="num">{{ o.handled }}</td><td class="num">{{ o.late }}</td><td class="num">{{ o.late_rate }}</td><td class="num">{{ o.threshold }}</td></tr>
{% endfor %}</tbody></table>
{% if unnamed %}<p>{{ unnamed }}</p>{% endif %}
</body></html>
"""
_annex = Environment(autoescape=select_autoescape(default=True, default_for_string=True)).from_string(ANNEX)


def render_annex(
    data, flagged: list[dict], names: dict[str, str], lang: str, generated_at: datetime, text: dict
) -> str:
    """The annex page: each flagged official with their name from the lookup (a person the lookup does
    not know, or an official who is no person of the cadre register, is counted, not named)."""
    rows, unnamed = [], 0
    for o in flagged:
        name = names.get(o["person_code"] or "")
        if name is None:
            unnamed += 1
            continue
        rows.append(
            {
                "name": name,
                "code": o["person_code"],
                "agency": (o["agency_name_vi"] if lang == "vi" else o["agency_name_en"]) or text["agency_unknown"],
                "title": o["title"] or text["title_unknown"],
                "handled": fmt_number(o["dossiers_handled"], lang),
                "late": fmt_number(o["dossiers_late"], lang),
                "late_rate": fmt_percent(o["late_rate"], lang),
                "threshold": fmt_percent(o["late_rate_threshold"], lang, 0),
            }
        )
    return _annex.render(
        lang=lang,
        l=text,
        year=data.period.year,
        generated=text["generated_at"].format(
            at=generated_at.strftime("%d/%m/%Y %H:%M" if lang == "vi" else "%Y-%m-%d %H:%M")
        ),
        officials=rows,
        unnamed=text["restricted_unnamed"].format(n=unnamed) if unnamed else None,
    )
