{#-
    Service quality of the whole province (toàn tỉnh) per reporting period: the same counts and
    rates as mart_agency_service_quality (domain §6, macro dossier_period_counts), over every
    handling agency. No T01 flag: T01 ranks agencies, not the province.
-#}
with periods as (

    select period_type, period_key, period_start, period_end
    from {{ ref('int_reporting_periods') }}

),

dossier_counts as (

    select
        period_type,
        period_key,
        {{ dossier_period_counts() }}
    from {{ ref('int_dossier_period_status') }}
    group by period_type, period_key

),

votes as (

    select
        periods.period_type,
        periods.period_key,
        count(*) as votes_cast,
        sum(case when levels.counts_as_satisfied then 1 else 0 end) as votes_satisfied
    from {{ ref('stg_one_stop_shop__votes') }} as votes
    inner join {{ ref('int_dossiers_enriched') }} as dossiers
        on dossiers.dossier_code = votes.dossier_code
    inner join {{ ref('satisfaction_levels') }} as levels
        on levels.level_code = votes.satisfaction_level_code
    inner join periods
        on votes.voted_at >= periods.period_start
       and votes.voted_at <= periods.period_end
    group by periods.period_type, periods.period_key

),

combined as (

    select
        periods.period_type,
        periods.period_key,
        periods.period_start,
        periods.period_end,
        coalesce(dossier_counts.dossiers_received, 0) as dossiers_received,
        coalesce(dossier_counts.received_online, 0) as received_online,
        coalesce(dossier_counts.received_full_online_eligible, 0) as received_full_online_eligible,
        coalesce(dossier_counts.received_full_online, 0) as received_full_online,
        coalesce(dossier_counts.received_fee_bearing, 0) as received_fee_bearing,
        coalesce(dossier_counts.received_paid_online, 0) as received_paid_online,
        coalesce(dossier_counts.dossiers_finished, 0) as dossiers_finished,
        coalesce(dossier_counts.finished_on_time, 0) as finished_on_time,
        coalesce(dossier_counts.finished_late, 0) as finished_late,
        coalesce(dossier_counts.pending_at_end, 0) as pending_at_end,
        coalesce(dossier_counts.overdue_at_end, 0) as overdue_at_end,
        coalesce(dossier_counts.late_with_apology, 0) as late_with_apology,
        coalesce(votes.votes_cast, 0) as votes_cast,
        coalesce(votes.votes_satisfied, 0) as votes_satisfied
    from periods
    left join dossier_counts
        on dossier_counts.period_type = periods.period_type
       and dossier_counts.period_key = periods.period_key
    left join votes
        on votes.period_type = periods.period_type
       and votes.period_key = periods.period_key

)

select
    cast(period_type as {{ dbt.type_string() }}) as period_type,
    cast(period_key as {{ dbt.type_string() }}) as period_key,
    cast(period_start as timestamp) as period_start,
    cast(period_end as timestamp) as period_end,
    {{ service_quality_columns('combined') }}
from combined
