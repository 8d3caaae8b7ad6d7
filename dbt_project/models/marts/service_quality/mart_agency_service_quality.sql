{#-
    Service quality of each handling agency (đơn vị xử lý) per reporting period (month, quarter,
    year): the 766 on-time rule's counts, the late rate that target T01 compares, channel and
    payment shares, the satisfaction rate, apology coverage (T14), and the T01 flag.
    Definitions: docs/definitions.md. Rates are decimals in [0, 1], null when their denominator is 0.
    Dossiers whose due date cannot be determined are counted in due_date_unknown and kept out of
    the late rate and the T01 flag (int_dossiers_enriched.due_date_unknown_reason).
    Agencies (docs/agencies.md): a dossier counts for the agency that held it (int_dossier_period_status;
    a vote for the one that held the dossier when it ended, or when the vote was cast if it had not);
    an agency has rows only for the periods it is in force in, at least in part (int_agencies), and
    agency_in_force_whole_period says whether it was in force over the whole period.
    Incremental by period (macros/period_increments.sql): a nightly build recomputes only the periods
    listed in int_recomputed_periods (where a dossier status row, a vote or a feedback item changed) and
    keeps the others' rows.
-#}
{{ period_incremental_config() }}
with periods as (

    select period_type, period_key, period_start, period_end, is_complete, period_start_date
    from {{ ref('int_reporting_periods') }}
    where {{ recomputed_period('period_key') }}

),

period_status as (

    select * from {{ ref('int_dossier_period_status') }}
    where {{ recomputed_period('period_key') }}

),

dossier_counts as (

    select
        agency_code,
        period_type,
        period_key,
        {{ dossier_period_counts() }}
    from period_status
    group by agency_code, period_type, period_key

),

votes as (

    select
        {{ holding_agency('dossiers.received_agency_code', 'dossiers.received_agency_valid_to',
                          'dossiers.received_agency_successor_code', 'dossiers.agency_code',
                          'coalesce(dossiers.end_at, votes.voted_at)') }} as agency_code,
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
        on
            votes.voted_at >= periods.period_start
            and votes.voted_at <= periods.period_end
    -- 1: the holding agency, a long macro expression, by position
    group by 1, periods.period_type, periods.period_key  -- noqa: AM06

),

agency_periods as (

    select agency_code, period_type, period_key from dossier_counts
    union
    select agency_code, period_type, period_key from votes

),

agencies as (

    select agency_code, agency_name_vi, valid_from, valid_to from {{ ref('int_agencies') }}

),

thresholds as (

    select threshold_code, valid_from, valid_to, threshold_value
    from {{ ref('service_quality_thresholds') }}

),

combined as (

    select
        agency_periods.agency_code,
        agencies.agency_name_vi,
        agencies.valid_to as agency_valid_to,
        {{ agency_in_force_whole_period('agencies', 'periods.period_start', 'periods.period_end') }}
            as agency_in_force_whole_period,
        periods.period_type,
        periods.period_key,
        periods.period_start,
        periods.period_end,
        periods.is_complete,
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
        coalesce(dossier_counts.due_date_unknown, 0) as due_date_unknown,
        coalesce(dossier_counts.late_with_apology, 0) as late_with_apology,
        coalesce(votes.votes_cast, 0) as votes_cast,
        coalesce(votes.votes_satisfied, 0) as votes_satisfied,
        late_threshold.threshold_value as late_rate_threshold,
        satisfaction_threshold.threshold_value as satisfaction_threshold
    from agency_periods
    inner join periods
        on
            periods.period_type = agency_periods.period_type
            and periods.period_key = agency_periods.period_key
    inner join agencies
        on
            agencies.agency_code = agency_periods.agency_code
            and {{ agency_in_force_in_period('agencies', 'periods.period_start', 'periods.period_end') }}
    left join dossier_counts
        on
            dossier_counts.agency_code = agency_periods.agency_code
            and dossier_counts.period_type = agency_periods.period_type
            and dossier_counts.period_key = agency_periods.period_key
    left join votes
        on
            votes.agency_code = agency_periods.agency_code
            and votes.period_type = agency_periods.period_type
            and votes.period_key = agency_periods.period_key
    left join thresholds as late_threshold
        on
            late_threshold.threshold_code = 'agency_late_rate_max'
            and late_threshold.valid_from <= periods.period_start_date
            and (late_threshold.valid_to is null or late_threshold.valid_to >= periods.period_start_date)
    left join thresholds as satisfaction_threshold
        on
            satisfaction_threshold.threshold_code = 'agency_satisfaction_min'
            and satisfaction_threshold.valid_from <= periods.period_start_date
            and (
                satisfaction_threshold.valid_to is null or satisfaction_threshold.valid_to >= periods.period_start_date
            )

),

rated as (

    select
        combined.*,
        {{ on_time_denominator('combined') }} as on_time_denominator,
        combined.finished_late + combined.overdue_at_end as late_dossiers
    from combined

)

select
    cast(rated.agency_code as {{ dbt.type_string() }}) as agency_code,
    cast(rated.agency_name_vi as {{ dbt.type_string() }}) as agency_name_vi,
    cast(rated.agency_valid_to as date) as agency_valid_to,
    cast(rated.agency_in_force_whole_period as boolean) as agency_in_force_whole_period,
    {{ period_columns('rated') }},
    {{ service_quality_columns('rated') }},
    cast(rated.late_rate_threshold as decimal(9, 6)) as late_rate_threshold,
    cast(rated.satisfaction_threshold as decimal(9, 6)) as satisfaction_threshold,
    {#- compared on the exact counts (late >= threshold x denominator), not on the rounded rate -#}
    case
        when rated.on_time_denominator = 0 and rated.votes_cast = 0 then null
        else coalesce(
            rated.on_time_denominator > 0
            and rated.late_dossiers >= rated.late_rate_threshold * rated.on_time_denominator, false
        )
        or coalesce(
            rated.votes_cast > 0
            and rated.votes_satisfied <= rated.satisfaction_threshold * rated.votes_cast, false
        )
    end as cannot_be_ranked_good
from rated
