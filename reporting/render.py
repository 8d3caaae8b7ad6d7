"""render_report: the periodic report of one period in one language, as one self-contained HTML file
(plotly.js inline, no network), written atomically under the reports directory."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup

from reporting.charts import CHARTS
from reporting.data import ReportData, load_report_data
from reporting.labels import fmt_number, fmt_percent, labels
from reporting.periods import ReportPeriod
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
    if row["numerator"] is not None and row["denominator"] is not None and unit == "count":
        actual += f" / {fmt_number(row['denominator'], lang)}"
    comparator = {"at_least": "≥", "at_most": "≤", "greater_than": ">", "less_than": "<"}[row["comparison"]]
    return actual, f"{comparator} {one(row['goal_value'])}"


def _target_note(row: dict, text: dict, lang: str) -> str | None:
    """Why there is no data, what the metric leaves out, and (in English) the period's detail."""
    parts = []
    if row["no_data_reason"]:
        parts.append(text["no_data." + row["no_data_reason"]].format(source=row["source_system"]))
    caveat = row["caveat_vi"] if lang == "vi" else row["caveat_en"]
    if caveat:
        parts.append(caveat)
    if lang == "en" and row["detail"]:
        parts.append(row["detail"])
    return "; ".join(parts) or None


def _context(data: ReportData, lang: str, warehouse_name: str, generated_at: datetime) -> dict:
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
                "metric": row["metric_vi"] if lang == "vi" else row["metric_en"],
                "period_key": row["period_key"],
                "actual": actual,
                "goal": goal,
                "deadline": row["deadline_vi"] if lang == "vi" else row["deadline_en"],
                "status": row["status"],
                "status_label": text["status." + row["status"]],
                "source_model": row["source_model"],
                "source_filter": row["source_filter"],
                "note": _target_note(row, text, lang),
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
        "period_note": (text["complete"] if p["is_period_complete"] else text["partial"]).format(end=end),
        "generated": text["generated"].format(
            at=generated_at.strftime("%d/%m/%Y %H:%M" if lang == "vi" else "%Y-%m-%d %H:%M"), warehouse=warehouse_name
        ),
        "other_language": {"href": report_filename(data.period, "en" if lang == "vi" else "vi")},
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
        "flagged_officials": [
            {
                "key": o["official_key"],
                "handled": fmt_number(o["dossiers_handled"], lang),
                "late": fmt_number(o["dossiers_late"], lang),
                "late_rate": fmt_percent(o["late_rate"], lang),
                "threshold": fmt_percent(o["late_rate_threshold"], lang, 0),
            }
            for o in data.officials_flagged
        ],
        "more_officials": text["more"].format(n=data.officials_flagged_count - len(data.officials_flagged))
        if data.officials_flagged_count > len(data.officials_flagged)
        else None,
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
    paths: dict[str, Path]  # language -> file


def render_report(
    warehouse_path: Path,
    out_dir: Path,
    period: ReportPeriod | None = None,
    languages: tuple[str, ...] = ("vi",),
    generated_at: datetime | None = None,
    warehouse_target: str = "duckdb",
    connect_postgres: Callable[[], Any] | None = None,
) -> RenderedReport:
    """Write the report of `period` (default: the latest quarter) in each language; `generated_at`
    (default now, this machine's time) is printed on the page. The marts are read from the DuckDB file
    `warehouse_path`, or, when `warehouse_target` is "spark", from the Spark tables' files under the folder
    `warehouse_path`, or, when it is "postgres", from the PostgreSQL server that `connect_postgres()`
    connects to (reporting/warehouse.py)."""
    generated_at = generated_at or datetime.now()
    with open_warehouse(warehouse_target, Path(warehouse_path), connect_postgres) as warehouse:
        data = load_report_data(warehouse, period)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for lang in languages:
        html = page_template.render(**_context(data, lang, warehouse.name, generated_at))
        path = out_dir / report_filename(data.period, lang)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        partial.write_text(html, encoding="utf-8")
        partial.replace(path)
        paths[lang] = path
    return RenderedReport(data.period, paths)
