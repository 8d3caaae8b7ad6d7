"""What the report shows, read from the marts (read-only). Every number of the report comes from here."""

from __future__ import annotations

from dataclasses import dataclass, field

from reporting.periods import PeriodError, ReportPeriod
from reporting.warehouse import Warehouse


@dataclass
class ReportData:
    period: ReportPeriod
    period_row: dict
    targets: list[dict]
    agencies: list[dict]  # every agency's row of the period (late rate, T01 flag)
    quarters: list[dict]  # province by quarter up to the period
    index_766: list[dict]  # province indicators of the period
    external_indices: list[dict]  # editions up to the period's year
    officials_flagged: list[dict]  # T02: officials over the threshold per agency and title
    officials_flagged_count: int = 0
    reductions: list[dict] = field(default_factory=list)  # T07, T08 year rows up to the period's year
    budget_gaps: list[dict] = field(
        default_factory=list
    )  # budget parent lines off their children, years to the period's
    extra: dict = field(default_factory=dict)


def current_period(warehouse: Warehouse) -> ReportPeriod:
    """The latest quarter in the warehouse (the running one, partial, if it has started)."""
    rows = warehouse.rows(
        "select period_key from marts.mart_province_service_quality where period_type = 'quarter' "
        "order by period_start desc limit 1"
    )
    if not rows:
        raise PeriodError("the warehouse has no reporting period yet: run the pipeline first")
    return ReportPeriod("quarter", rows[0]["period_key"])


def load_report_data(warehouse: Warehouse, period: ReportPeriod | None = None) -> ReportData:
    period = period or current_period(warehouse)
    found = warehouse.rows(
        "select * from marts.mart_province_service_quality where period_type = ? and period_key = ?",
        period.period_type,
        period.period_key,
    )
    if not found:
        available = [
            r["period_key"]
            for r in warehouse.rows(
                "select period_key from marts.mart_province_service_quality where period_type = ? order by period_start",
                period.period_type,
            )
        ]
        raise PeriodError(
            f"the warehouse has no {period.period_type} {period.period_key}; "
            f"available: {', '.join(available[:3])} ... {', '.join(available[-3:])}"
        )
    period_row = found[0]
    year = str(period.year)
    targets = warehouse.rows(
        """
        select * from marts.mart_program_targets
        where (measured_per = 'period' and period_type = ? and period_key = ?)
           or (measured_per = 'year' and period_type = 'year' and period_key = ?)
        order by target_id""",
        period.period_type,
        period.period_key,
        year,
    )
    agencies = warehouse.rows(
        """
        select a.*, coalesce(ag.agency_name_en, a.agency_name_vi) as agency_name_en
        from marts.mart_agency_service_quality as a
        left join reference.agencies as ag on ag.agency_code = a.agency_code
        where a.period_type = ? and a.period_key = ?
        order by a.late_rate desc nulls last, a.agency_code""",
        period.period_type,
        period.period_key,
    )
    for a in agencies:  # the mart has only agencies in force; one that ended within the period says so
        if not a.get("agency_in_force_whole_period", True) and a.get("agency_valid_to"):
            a["agency_name_vi"] = f"{a['agency_name_vi']} (đến {a['agency_valid_to']:%d/%m/%Y})"
            a["agency_name_en"] = f"{a['agency_name_en']} (until {a['agency_valid_to']:%Y-%m-%d})"
    quarters = warehouse.rows(
        """
        select * from marts.mart_province_service_quality
        where period_type = 'quarter' and period_end <= ?
        order by period_start""",
        period_row["period_end"],
    )
    index_766 = warehouse.rows(
        """
        select * from marts.mart_766_index
        where scope = 'province' and period_type = ? and period_key = ?
        order by group_order, indicator_id""",
        period.period_type,
        period.period_key,
    )
    external_indices = warehouse.rows(
        """
        select * from marts.mart_external_indices where edition_year <= ?
        order by index_code, edition_year""",
        period.year,
    )
    # T02: officials over the late-rate threshold, counted per agency and title (never listed by key or
    # name here: names only in the restricted annex, reporting/restricted.py)
    flagged = warehouse.rows(
        """
        select o.agency_code, max(ag.agency_name_vi) as agency_name_vi,
               coalesce(max(ag.agency_name_en), max(ag.agency_name_vi)) as agency_name_en, o.title,
               count(*) as officials, sum(o.dossiers_handled) as dossiers_handled,
               sum(o.dossiers_late) as dossiers_late, max(o.late_rate_threshold) as late_rate_threshold
        from marts.mart_official_performance as o
        left join marts.dim_agency as ag on ag.agency_code = o.agency_code
        where o.year = ? and o.cannot_be_rated_good
        group by o.agency_code, o.title
        order by o.agency_code, count(*) desc, o.title""",
        period.year,
    )
    reductions = warehouse.rows(
        """
        select target_id, period_key, actual_value, goal_value from marts.mart_program_targets
        where target_id in ('T07', 'T08') and period_type = 'year' and period_start <= ? and actual_value is not null
        order by target_id, period_start""",
        period_row["period_end"],
    )
    budget_gaps = warehouse.rows(
        """
        select fiscal_year, line_code, line_name_vi, coalesce(line_name_en, line_name_vi) as line_name_en,
               children_gap_vnd, estimate_document_id, final_accounts_document_id, execution_document_id
        from marts.mart_budget_balance
        where children_reconcile = false and fiscal_year <= ?
        order by fiscal_year desc, line_code""",
        period.year,
    )
    return ReportData(
        period,
        period_row,
        targets,
        agencies,
        quarters,
        index_766,
        external_indices,
        flagged,
        sum(int(f["officials"]) for f in flagged),
        reductions,
        budget_gaps,
    )
