"""The report's charts, drawn by plotly from ReportData; thresholds and goals come from the marts."""

from __future__ import annotations

import plotly.graph_objects as go

from reporting.data import ReportData

AGENCIES_SHOWN = 20
LAYOUT = dict(
    template="plotly_white",
    height=380,
    margin=dict(l=60, r=20, t=50, b=100),
    # below the x axis' labels (quarters are drawn upright: 2025-Q1)
    legend=dict(orientation="h", y=-0.32, yanchor="top"),
    font=dict(family="Segoe UI, Roboto, Arial, sans-serif", size=12),
)


def _pct(values):
    return [None if v is None else float(v) for v in values]


def _quarter_label(quarter: dict, lbl: dict) -> str:
    """A quarter's axis label; the running one is starred (the title says what the star means)."""
    key = quarter["period_key"]
    return key if quarter["is_period_complete"] else f"{key}*"


def _target(data: ReportData, target_id: str) -> dict | None:
    return next((t for t in data.targets if t["target_id"] == target_id), None)


def agency_late_rates(data: ReportData, lbl: dict, lang: str) -> go.Figure:
    rated = [a for a in data.agencies if a["late_rate"] is not None][:AGENCIES_SHOWN]
    rated.reverse()
    names = [a["agency_name_vi"] if lang == "vi" else a["agency_name_en"] for a in rated]
    colours = ["#c0392b" if a["cannot_be_ranked_good"] else "#2e86c1" for a in rated]
    fig = go.Figure(
        go.Bar(
            x=_pct(a["late_rate"] for a in rated), y=names, orientation="h", marker_color=colours, name=lbl["late_rate"]
        )
    )
    thresholds = {float(a["late_rate_threshold"]) for a in rated if a["late_rate_threshold"] is not None}
    for threshold in thresholds:
        fig.add_vline(  # its label above the plot: inside it, it covered the longest bar's end
            x=threshold,
            line_dash="dash",
            line_color="#c0392b",
            annotation_text=f"{lbl['threshold']} {threshold:.0%}",
            annotation_position="top",
            annotation_yanchor="bottom",
        )
    fig.update_layout(
        **{**LAYOUT, "height": max(380, 22 * len(rated) + 120)},
        title=lbl["chart.agency_late"].format(
            period=data.period.period_key + ("" if data.period_row["is_period_complete"] else f", {lbl['provisional']}")
        ),
        xaxis_tickformat=".0%",
        yaxis_automargin=True,
    )
    return fig


def _quarter_lines(
    data: ReportData,
    series: list[tuple[str, str]],
    lbl: dict,
    title: str,
    goal: float | None = None,
    goal_label: str | None = None,
) -> go.Figure:
    keys = [_quarter_label(q, lbl) for q in data.quarters]
    # the running quarter's marker is hollow: provisional, not comparable with the complete ones
    symbols = ["circle" if q["is_period_complete"] else "circle-open" for q in data.quarters]
    fig = go.Figure()
    for column, name in series:
        fig.add_trace(
            go.Scatter(
                x=keys,
                y=_pct(q[column] for q in data.quarters),
                mode="lines+markers",
                marker={"symbol": symbols, "size": 8},
                name=name,
            )
        )
    if goal is not None:
        fig.add_hline(y=goal, line_dash="dash", line_color="#7f8c8d", annotation_text=goal_label)
    if not all(q["is_period_complete"] for q in data.quarters):
        title = f"{title} (* {lbl['provisional']})"
    fig.update_layout(**LAYOUT, title=title, yaxis_tickformat=".1%", xaxis_type="category", xaxis_tickangle=-90)
    return fig


def late_rate_trend(data: ReportData, lbl: dict, lang: str) -> go.Figure:
    thresholds = [a["late_rate_threshold"] for a in data.agencies if a["late_rate_threshold"] is not None]
    threshold = float(thresholds[0]) if thresholds else None
    return _quarter_lines(
        data, [("late_rate", lbl["late_rate"])], lbl, lbl["chart.late_trend"], threshold, f"{lbl['threshold']} T01"
    )


def online_trend(data: ReportData, lbl: dict, lang: str) -> go.Figure:
    t06 = _target(data, "T06")
    return _quarter_lines(
        data,
        [("online_share", lbl["online_share"]), ("full_online_share", lbl["full_online_share"])],
        lbl,
        lbl["chart.online_trend"],
        float(t06["goal_value"]) if t06 else None,
        f"{lbl['goal']} T06",
    )


def payment_trend(data: ReportData, lbl: dict, lang: str) -> go.Figure:
    return _quarter_lines(data, [("online_paid_share", lbl["online_paid_share"])], lbl, lbl["chart.payment_trend"])


def satisfaction_trend(data: ReportData, lbl: dict, lang: str) -> go.Figure:
    minimums = [a["satisfaction_threshold"] for a in data.agencies if a["satisfaction_threshold"] is not None]
    return _quarter_lines(
        data,
        [("satisfaction_rate", lbl["satisfaction_rate"])],
        lbl,
        lbl["chart.satisfaction_trend"],
        float(minimums[0]) if minimums else None,
        f"{lbl['threshold']} T01",
    )


def index_766_groups(data: ReportData, lbl: dict, lang: str) -> go.Figure:
    groups: dict[str, dict] = {}
    for row in data.index_766:
        group = groups.setdefault(
            row["group_code"],
            {
                "name": row["group_name_vi"] if lang == "vi" else row["group_name_en"],
                "points": row["group_points"],
                "computable": row["group_computable_max_points"],
                "max": row["group_max_points"],
            },
        )
        group["points"] = row["group_points"]
    names = [g["name"] for g in groups.values()]
    fig = go.Figure(
        [
            go.Bar(x=names, y=[g["max"] for g in groups.values()], name=lbl["max"], marker_color="#d5dbdb"),
            go.Bar(
                x=names,
                y=[g["computable"] for g in groups.values()],
                name=lbl["computable_max"],
                marker_color="#aed6f1",
            ),
            go.Bar(
                x=names,
                y=[None if g["points"] is None else float(g["points"]) for g in groups.values()],
                name=lbl["points"],
                marker_color="#1f618d",
            ),
        ]
    )
    fig.update_layout(**LAYOUT, barmode="group", title=lbl["chart.index_766"].format(period=data.period.period_key))
    return fig


def index_ranks(data: ReportData, lbl: dict, lang: str) -> go.Figure:
    fig = go.Figure()
    by_index: dict[str, list[dict]] = {}
    for row in data.external_indices:
        if row["province_rank"] is not None:
            by_index.setdefault(row["index_name_vi"] if lang == "vi" else row["index_name_en"], []).append(row)
    for name, rows in by_index.items():
        fig.add_trace(
            go.Scatter(
                x=[r["edition_year"] for r in rows],
                y=[r["province_rank"] for r in rows],
                mode="lines+markers",
                name=name,
                customdata=[r["provinces_ranked"] for r in rows],
                hovertemplate="%{x}: %{y} / %{customdata}<extra>" + name + "</extra>",
            )
        )
    # one line per distinct threshold (the indices sharing it named once), never one per index or edition
    by_threshold: dict[int, set[str]] = {}
    for r in data.external_indices:
        if r["t12_top_rank"] is not None and r["counts_for_t12"] and r["province_rank"] is not None:
            by_threshold.setdefault(int(r["t12_top_rank"]), set()).add(r["index_code"].removesuffix("_index").upper())
    for threshold, names in sorted(by_threshold.items()):
        named = f" ({', '.join(sorted(names))})" if len(by_threshold) > 1 else ""
        fig.add_hline(
            y=threshold,
            line_dash="dash",
            line_color="#7f8c8d",
            annotation_text=f"{lbl['top_threshold']}: {threshold}{named}",
        )
    fig.update_layout(
        **LAYOUT,
        title=lbl["chart.ranks"],
        yaxis_autorange="reversed",
        yaxis_title=lbl["rank"],
        xaxis_title=lbl["edition"],
        xaxis_dtick=1,
    )
    return fig


def reductions_against_baseline(data: ReportData, lbl: dict, lang: str) -> go.Figure:
    """T07 (public service units vs 2021) and T08 (civil servants vs 2022) by year, with their goals."""
    fig = go.Figure()
    for target_id, name in (("T07", lbl["public_service_units"]), ("T08", lbl["civil_servants"])):
        rows = [r for r in data.reductions if r["target_id"] == target_id]
        if not rows:
            continue
        fig.add_trace(
            go.Scatter(
                x=[r["period_key"] for r in rows],
                y=_pct(r["actual_value"] for r in rows),
                mode="lines+markers",
                name=f"{target_id} {name}",
            )
        )
        fig.add_hline(
            y=float(rows[0]["goal_value"]),
            line_dash="dash",
            line_color="#7f8c8d",
            annotation_text=f"{lbl['goal']} {target_id}",
        )
    if not data.reductions:
        fig.add_annotation(text=lbl["status.no data"], showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_layout(**LAYOUT, title=lbl["chart.headcount"], yaxis_tickformat=".0%", xaxis_type="category")
    return fig


CHARTS = [
    ("agency-late-rates", agency_late_rates),
    ("late-rate-trend", late_rate_trend),
    ("online-trend", online_trend),
    ("payment-trend", payment_trend),
    ("satisfaction-trend", satisfaction_trend),
    ("index-766-groups", index_766_groups),
    ("index-ranks", index_ranks),
    ("headcount", reductions_against_baseline),
]
