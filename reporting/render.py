"""render_report: the periodic report of one period in one language, as one self-contained HTML file
(plotly.js inline, no network), written atomically under the reports directory."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup

from reporting.charts import CHARTS
from reporting.data import ReportData, load_report_data
from reporting.labels import fmt_number, fmt_percent, labels
from reporting.pdf import pdf_unavailable, print_pdf
from reporting.periods import ReportPeriod
from reporting.restricted import load_flagged_officials, read_lookup, render_annex
from reporting.template import page_template
from reporting.warehouse import open_warehouse

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}


def report_filename(period: ReportPeriod, lang: str) -> str:
    return f"par_report_{period.period_key}_{lang}.html"


def _plotly_js() -> Markup:
    from plotly.offline import get_plotlyjs

    return Markup(get_plotlyjs().replace("</script", "<\\/script"))


def _period_label(period: ReportPeriod, text: dict) -> str:
    return f"{text['period_type.' + period.period_type]} {period.period_key}"


def _value(row: dict, lang: str) -> tuple[str, str]:
    """(actual, goal) as text in the target's unit."""
    unit = row["unit"]

    def one(value):
        if value is None:
            return "–"
        if unit == "count":
            return fmt_number(value, lang)
        if unit == "change":
            return (
                ("+" if value > 0 else "")
                + fmt_number(float(value) * 100, lang, 1)
                + (" điểm %" if lang == "vi" else " pp")
            )
        return fmt_percent(value, lang)

    actual = one(row["actual_value"])
    if row["actual_value"] is not None and row["denominator"] is not None and unit == "count":
        actual += f" / {fmt_number(row['denominator'], lang)}"
    comparator = {"at_least": "≥", "at_most": "≤", "greater_than": ">", "less_than": "<"}[row["comparison"]]
    return actual, f"{comparator} {one(row['goal_value'])}"


def _how_computed(row: dict, text: dict, lang: str) -> dict:
    """How a target's figure is computed, in plain words: what is measured, from which source, what it
    leaves out, and this period's particulars (why there is no data, the counts behind the figure)."""
    sources = [text.get("source." + s.strip(), s.strip()) for s in (row["source_system"] or "").split("+")]
    detail = row["detail_vi"] if lang == "vi" else row["detail"]
    no_data = (
        text["no_data." + row["no_data_reason"]].format(source=", ".join(sources)) if row["no_data_reason"] else None
    )
    caveat = row["caveat_vi"] if lang == "vi" else row["caveat_en"]
    period_note = "; ".join(part for part in (no_data, detail) if part)
    return {  # sentences: the page adds the full stop
        "target_id": row["target_id"],
        "name": row["target_name_vi"] if lang == "vi" else row["target_name_en"],
        "measure": (row["metric_vi"] if lang == "vi" else row["metric_en"]).rstrip("."),
        "sources": ", ".join(sources),
        "caveat": caveat.rstrip(".") if caveat else None,
        "period_note": period_note.rstrip(".") or None,
    }


def _officials_by_agency(rows: list[dict], text: dict, lang: str) -> list[dict]:
    """T02: one row per agency with its officials over the threshold counted per title (no one named)."""
    agencies: dict[str | None, dict] = {}
    for o in rows:
        agency = agencies.setdefault(
            o["agency_code"],
            {
                "agency": (o["agency_name_vi"] if lang == "vi" else o["agency_name_en"])
                or o["agency_code"]
                or text["agency_unknown"],
                "officials": 0,
                "titles": [],
                "handled": 0,
                "late": 0,
                "threshold": fmt_percent(o["late_rate_threshold"], lang, 0),
            },
        )
        agency["officials"] += int(o["officials"])
        agency["handled"] += int(o["dossiers_handled"])
        agency["late"] += int(o["dossiers_late"])
        agency["titles"].append(f"{o['title'] or text['title_unknown']} {fmt_number(o['officials'], lang)}")
    ordered = sorted(agencies.values(), key=lambda a: (-a["officials"], a["agency"]))
    return [
        {
            **a,
            "officials": fmt_number(a["officials"], lang),
            "titles": "; ".join(a["titles"]),
            "handled": fmt_number(a["handled"], lang),
            "late": fmt_number(a["late"], lang),
        }
        for a in ordered
    ]


def _context(
    data: ReportData, lang: str, warehouse_name: str, generated_at: datetime, other_language: str | None
) -> dict:
    """Every value the page shows; `other_language` is the file name of the same report in the other
    language when it exists (the link is left out otherwise)."""
    text = labels(lang)
    p = data.period_row
    end = f"{p['period_end']:%d/%m/%Y}" if lang == "vi" else f"{p['period_end']:%Y-%m-%d}"
    targets = []
    for row in data.targets:
        actual, goal = _value(row, lang)
        targets.append(
            {
                "target_id": row["target_id"],
                "name": row["target_name_vi"] if lang == "vi" else row["target_name_en"],
                "measure": row["metric_vi"] if lang == "vi" else row["metric_en"],
                "period_key": row["period_key"],
                "provisional": not row["is_period_complete"],
                "actual": actual,
                "goal": goal,
                "deadline": row["deadline_vi"] if lang == "vi" else row["deadline_en"],
                "status": row["status"],
                "status_label": text["status." + row["status"]],
            }
        )
    charts = []
    for chart_id, draw in CHARTS:
        figure = draw(data, text, lang)
        charts.append(
            {
                "id": chart_id,
                "html": Markup(
                    figure.to_html(
                        full_html=False, include_plotlyjs=False, div_id=f"plot-{chart_id}", config=PLOTLY_CONFIG
                    )
                ),
            }
        )
    indicators = [
        {
            "group": r["group_name_vi"] if lang == "vi" else r["group_name_en"],
            "indicator_id": r["indicator_id"],
            "name": r["indicator_name_vi"] if lang == "vi" else r["indicator_name_en"],
            "reason": text["not_computable"].format(
                reason=r["not_computable_reason_vi"] if lang == "vi" else r["not_computable_reason"]
            )
            if not r["is_computable"]
            else None,
            "numerator": fmt_number(r["numerator"], lang),
            "denominator": fmt_number(r["denominator"], lang),
            "rate": fmt_percent(r["rate"], lang),
            "target": fmt_percent(r["target_rate"], lang, 0),
            "points": fmt_number(r["points"], lang, 2),
            "max_points": r["max_points"],
        }
        for r in data.index_766
    ]
    first = data.index_766[0] if data.index_766 else {}
    flagged = [a for a in data.agencies if a["cannot_be_ranked_good"]]
    return {
        "lang": lang,
        "l": text,
        "plotly_js": _plotly_js(),
        "period_label": _period_label(data.period, text),
        "provisional": not p["is_period_complete"],
        "provisional_note": text["provisional_note"].format(period=data.period.period_key),
        "period_note": (text["complete"] if p["is_period_complete"] else text["partial"]).format(end=end),
        "generated": text["generated"].format(
            at=generated_at.strftime("%d/%m/%Y %H:%M" if lang == "vi" else "%Y-%m-%d %H:%M"), warehouse=warehouse_name
        ),
        "other_language": {"href": other_language} if other_language else None,
        "headline_cards": [
            {"label": text["received"], "value": fmt_number(p["dossiers_received"], lang)},
            {"label": text["finished"], "value": fmt_number(p["dossiers_finished"], lang)},
            *(
                {"label": text[key], "value": fmt_percent(p[key], lang)}
                for key in (
                    "late_rate",
                    "online_share",
                    "full_online_share",
                    "online_paid_share",
                    "satisfaction_rate",
                    "apology_coverage",
                )
            ),
        ],
        "targets": targets,
        "how_computed": [_how_computed(row, text, lang) for row in data.targets],
        "charts": charts,
        "indicators": indicators,
        "index_total": text["index_total"].format(
            points=fmt_number(first.get("total_points"), lang, 2),
            computable=first.get("total_computable_max_points", "–"),
            max=first.get("total_max_points", "–"),
        ),
        "flagged_agencies_title": text["flagged_agencies"].format(period=data.period.period_key),
        "flagged_agencies": [
            {
                "name": a["agency_name_vi"] if lang == "vi" else a["agency_name_en"],
                "code": a["agency_code"],
                "late_rate": fmt_percent(a["late_rate"], lang),
                "satisfaction_rate": fmt_percent(a["satisfaction_rate"], lang),
                "finished": fmt_number(a["dossiers_finished"], lang),
            }
            for a in flagged
        ],
        "flagged_officials_title": text["flagged_officials"].format(year=data.period.year),
        "flagged_officials_total": text["flagged_officials_total"].format(
            n=fmt_number(data.officials_flagged_count, lang)
        ),
        "flagged_officials": _officials_by_agency(data.officials_flagged, text, lang),
        "budget_gaps": [
            {
                "year": g["fiscal_year"],
                "code": g["line_code"],
                "name": g["line_name_vi"] if lang == "vi" else g["line_name_en"],
                "gap": fmt_number(float(g["children_gap_vnd"]) / 1_000_000, lang, 1),
                "documents": ", ".join(
                    d
                    for d in (g["estimate_document_id"], g["final_accounts_document_id"], g["execution_document_id"])
                    if d
                ),
            }
            for g in data.budget_gaps
        ],
    }


@dataclass(frozen=True)
class RenderedReport:
    period: ReportPeriod
    paths: dict[str, Path]  # language -> HTML file
    pdfs: dict[str, Path] = field(default_factory=dict)  # language -> A4 PDF (none when skipped)
    pdf_skipped: str | None = None  # why there is no PDF (no Chromium on this machine)
    restricted: dict[str, Path] = field(default_factory=dict)  # language -> the restricted annex (names)


def _write_atomically(path: Path, text: str, mode: int | None = None) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_text(text, encoding="utf-8")
    if mode is not None:
        partial.chmod(mode)
    partial.replace(path)


def render_report(
    warehouse_path: Path,
    out_dir: Path,
    period: ReportPeriod | None = None,
    languages: tuple[str, ...] = ("vi",),
    generated_at: datetime | None = None,
    warehouse_target: str = "duckdb",
    connect_postgres: Callable[[], Any] | None = None,
    duckdb_config: Mapping[str, Any] | None = None,
    pdf: bool = True,
    reidentification_lookup: Path | None = None,
) -> RenderedReport:
    """Write the report of `period` (default: the latest quarter) in each language, as HTML and (`pdf`,
    when Chromium is installed) an A4 PDF beside it; `generated_at` (default now, this machine's time)
    is printed on the page. The marts are read from the DuckDB file `warehouse_path`, or, when
    `warehouse_target` is "spark", from the Spark tables' files under the folder `warehouse_path`, or,
    when it is "postgres", from the PostgreSQL server that `connect_postgres()` connects to
    (reporting/warehouse.py). With `reidentification_lookup` (a CSV of cadre person codes and names,
    kept outside the warehouse) a restricted annex naming the officials flagged by T02 is written
    beside the report, readable by its owner only; the report itself never names anyone. `duckdb_config` is
    the DuckDB connection's configuration (the caller's memory limit and threads)."""
    generated_at = generated_at or datetime.now()
    with open_warehouse(warehouse_target, Path(warehouse_path), connect_postgres, duckdb_config) as warehouse:
        data = load_report_data(warehouse, period)
        flagged_people = load_flagged_officials(warehouse, data.period) if reidentification_lookup else []
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for lang in languages:
        other_lang = "en" if lang == "vi" else "vi"
        other = report_filename(data.period, other_lang)
        linked = other if (other_lang in languages or (out_dir / other).exists()) else None
        html = page_template.render(**_context(data, lang, warehouse.name, generated_at, linked))
        paths[lang] = out_dir / report_filename(data.period, lang)
        _write_atomically(paths[lang], html)
    restricted = {}
    if reidentification_lookup:
        names = read_lookup(Path(reidentification_lookup))
        for lang in languages:
            path = out_dir / report_filename(data.period, lang).replace(".html", "_restricted.html")
            _write_atomically(
                path, render_annex(data, flagged_people, names, lang, generated_at, labels(lang)), mode=0o600
            )
            restricted[lang] = path
    pdfs, skipped = {}, None
    if pdf:
        skipped = pdf_unavailable()
        if skipped is None:
            for lang, path in paths.items():
                pdfs[lang] = print_pdf(path, path.with_suffix(".pdf"))
    return RenderedReport(data.period, paths, pdfs, skipped, restricted)
