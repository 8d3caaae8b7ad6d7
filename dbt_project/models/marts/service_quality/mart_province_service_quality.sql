{#-
    Service quality of the whole province (toàn tỉnh) per reporting period: the counts of
    mart_agency_service_quality summed over every handling agency, and the same rates computed
    from those sums (macro service_quality_columns), never averaged. Every period has a row.
    No T01 flag: T01 ranks agencies, not the province.
-#}
with periods as (

    select period_type, period_key, period_start, period_end, is_complete
    from {{ ref('int_reporting_periods') }}

),

sums as (

    select
        period_type,
        period_key,
        sum(dossiers_received) as dossiers_received,
        sum(dossiers_finished) as dossiers_finished,
        sum(finished_on_time) as finished_on_time,
        sum(finished_late) as finished_late,
        sum(pending_at_end) as pending_at_end,
        sum(overdue_at_end) as overdue_at_end,
        sum(due_date_unknown) as due_date_unknown,
        sum(votes_cast) as votes_cast,
        sum(votes_satisfied) as votes_satisfied,
        sum(received_online) as received_online,
        sum(received_full_online_eligible) as received_full_online_eligible,
        sum(received_full_online) as received_full_online,
        sum(received_fee_bearing) as received_fee_bearing,
        sum(received_paid_online) as received_paid_online,
        sum(late_with_apology) as late_with_apology
    from {{ ref('mart_agency_service_quality') }}
    group by period_type, period_key

),

combined as (

    select
        periods.period_type,
        periods.period_key,
        periods.period_start,
        periods.period_end,
        periods.is_complete,
        coalesce(sums.dossiers_received, 0) as dossiers_received,
        coalesce(sums.dossiers_finished, 0) as dossiers_finished,
        coalesce(sums.finished_on_time, 0) as finished_on_time,
        coalesce(sums.finished_late, 0) as finished_late,
        coalesce(sums.pending_at_end, 0) as pending_at_end,
        coalesce(sums.overdue_at_end, 0) as overdue_at_end,
        coalesce(sums.due_date_unknown, 0) as due_date_unknown,
        coalesce(sums.votes_cast, 0) as votes_cast,
        coalesce(sums.votes_satisfied, 0) as votes_satisfied,
        coalesce(sums.received_online, 0) as received_online,
        coalesce(sums.received_full_online_eligible, 0) as received_full_online_eligible,
        coalesce(sums.received_full_online, 0) as received_full_online,
        coalesce(sums.received_fee_bearing, 0) as received_fee_bearing,
        coalesce(sums.received_paid_online, 0) as received_paid_online,
        coalesce(sums.late_with_apology, 0) as late_with_apology
    from periods
    left join sums
        on
            sums.period_type = periods.period_type
            and sums.period_key = periods.period_key

)

select
    {{ period_columns('combined') }},
    {{ service_quality_columns('combined') }}
from combined
