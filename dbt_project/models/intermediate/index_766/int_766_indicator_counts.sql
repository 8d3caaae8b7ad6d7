{#-
    Numerator and denominator of every national service index indicator (Decision 766; docs/definitions.md)
    that our sources can compute (seed index_766_indicators rows with no not_computable_reason),
    per handling agency, reporting period and indicator. Definitions are in the seed's numerator_en /
    denominator_en; the dossier flags come from int_dossier_period_status (the on-time rule, judged
    at each period's end) and int_dossier_digital_services. The province is the sum over agencies
    (each dossier has one handling agency), done in the mart.

    3.6 and 4.5a count procedures from the dossiers (not the procedure catalogue): a procedure with
    no dossier in the period is on neither side.

    To add an indicator: one more `select ... union all` block below, and empty its
    not_computable_reason in the seed.

    Incremental by period (macros/period_increments.sql): a nightly build recomputes only the periods
    listed in int_recomputed_periods and keeps the others' rows.
-#}
{{ period_incremental_config() }}
with status as (

    select
        period_status.*,
        services.synced_at,
        services.has_result_document,
        services.has_e_result,
        services.is_digitised,
        services.reuses_data,
        services.uses_personal_data_store,
        services.is_vneid_authenticated,
        coalesce(services.first_complaint_at <= period_status.period_end, false) as has_complaint_by_end
    from {{ ref('int_dossier_period_status') }} as period_status
    left join {{ ref('int_dossier_digital_services') }} as services
        on services.dossier_code = period_status.dossier_code
    where {{ recomputed_period('period_status.period_key') }}

),

dossier_counts as (

    select
        agency_code,
        period_type,
        period_key,
        {{ dossier_period_counts() }},
        sum(case when is_received_in_period and synced_at <= period_end then 1 else 0 end) as received_synced,
        sum(case when is_finished_in_period and has_result_document then 1 else 0 end) as finished_with_result_document,
        sum(case when is_finished_in_period and has_result_document and has_e_result then 1 else 0 end)
            as finished_with_e_result,
        sum(case when is_finished_in_period and is_digitised and has_e_result then 1 else 0 end)
            as finished_digitised_e_result,
        sum(case when is_received_in_period and reuses_data then 1 else 0 end) as received_reusing_data,
        sum(case when is_received_in_period and uses_personal_data_store then 1 else 0 end)
            as received_personal_data_store,
        sum(case when is_received_in_period and is_online_channel and is_vneid_authenticated then 1 else 0 end)
            as received_online_vneid,
        -- 2.2: processing time (reception to the end event) of the dossiers finished in the period, in
        -- whole hours of the summed elapsed seconds (an hour datediff counts clock-hour boundaries on
        -- DuckDB and rounds each dossier up on Spark)
        cast(floor(sum(case
            when is_finished_in_period and received_at is not null and end_at is not null
                then {{ interval_count('second', 'received_at', 'end_at') }}
        end) / 3600.0) as {{ dbt.type_bigint() }}) as finished_processing_hours,
        sum(case
            when is_finished_in_period and received_at is not null and end_at is not null then 1 else 0
        end) as finished_timed,
        -- 3.6 and 4.5a: procedures (of this agency) counted from the dossiers received in the period
        count(distinct case when is_received_in_period and is_fee_bearing then procedure_code end)
            as fee_procedures_received,
        count(distinct case
            when is_received_in_period and is_fee_bearing and is_paid_online then procedure_code
        end) as fee_procedures_paid_online,
        count(distinct case when is_received_in_period and is_online_channel then procedure_code end)
            as online_procedures_received,
        count(distinct case
            when is_received_in_period and is_online_channel and is_vneid_authenticated then procedure_code
        end) as online_procedures_vneid,
        sum(case
            when
                (is_finished_in_period or is_pending_at_end) and not is_due_date_unknown
                and has_complaint_by_end then 1
            else 0
        end) as complained_by_end
    from status
    group by agency_code, period_type, period_key

),

feedback_limit as (

    select max(working_days_limit) as working_days_limit
    from {{ ref('index_766_indicators') }}
    where indicator_id = '5.2'

),

{# 5.2: a feedback item (PAKN) is due at 17:00 of the limit-th working day after the day it was
    received (the same working-day arithmetic as a dossier's derived due date). -#}
feedback as (

    select
        {{ holding_agency('dossiers.received_agency_code', 'dossiers.received_agency_valid_to',
                          'dossiers.received_agency_successor_code', 'dossiers.agency_code',
                          'feedback.feedback_received_at') }} as agency_code,
        feedback.feedback_received_at,
        feedback.feedback_answered_at,
        {{ dbt.dateadd('hour', var('derived_due_hour'), 'cast(due_day.date_day as timestamp)') }} as feedback_due_at
    from {{ ref('stg_one_stop_shop__feedback') }} as feedback
    inner join {{ ref('int_dossiers_enriched') }} as dossiers
        on dossiers.dossier_code = feedback.dossier_code
    cross join feedback_limit
    inner join {{ ref('int_working_days') }} as received_day
        on received_day.date_day = cast(feedback.feedback_received_at as date)
    inner join {{ ref('int_working_days') }} as due_day
        on
            due_day.is_working_day
            and due_day.working_day_index = received_day.working_day_index + feedback_limit.working_days_limit
    where feedback.feedback_received_at is not null

),

feedback_counts as (

    select
        feedback.agency_code,
        periods.period_type,
        periods.period_key,
        count(*) as feedback_received,
        sum(case
            when feedback.feedback_answered_at <= periods.period_end
                then case when feedback.feedback_answered_at <= feedback.feedback_due_at then 1 else 0 end
            when feedback.feedback_due_at >= periods.period_end then 1
            else 0
        end) as feedback_on_time
    from feedback
    inner join {{ ref('int_reporting_periods') }} as periods
        on
            feedback.feedback_received_at >= periods.period_start
            and feedback.feedback_received_at <= periods.period_end
    where {{ recomputed_period('periods.period_key') }}
    group by feedback.agency_code, periods.period_type, periods.period_key

)

select
    agency_code, period_type, period_key, '1.4' as indicator_id,
    received_synced as numerator, dossiers_received as denominator
from dossier_counts
union all
-- 2.1 on time = finished on time + pending not overdue, over the on-time denominator (a dossier
-- whose due date cannot be determined is on neither side, docs/definitions.md)
select
    agency_code, period_type, period_key, '2.1',
    {{ on_time_denominator('dossier_counts') }} - finished_late - overdue_at_end,
    {{ on_time_denominator('dossier_counts') }}
from dossier_counts
union all
select
    agency_code, period_type, period_key, '3.1',
    received_full_online, received_full_online_eligible
from dossier_counts
union all
select
    agency_code, period_type, period_key, '3.5',
    received_paid_online, received_fee_bearing
from dossier_counts
union all
-- 2.2 average processing time, monitored and not scored: hours summed over the dossiers finished
-- in the period (the mean is numerator / denominator); a dossier with no determinable due date
-- still has a processing time
select
    agency_code, period_type, period_key, '2.2',
    coalesce(finished_processing_hours, 0), finished_timed
from dossier_counts
union all
-- 3.6 procedures with online payment: a procedure (of the agency) counts when one of its
-- fee-bearing dossiers received in the period was paid online, out of the procedures with a
-- fee-bearing dossier received; the province sums its agencies' (agency, procedure) pairs
select
    agency_code, period_type, period_key, '3.6',
    fee_procedures_paid_online, fee_procedures_received
from dossier_counts
union all
-- 4.5a procedures with VNeID use: a procedure counts when one of its dossiers received online in
-- the period came from a VNeID-authenticated account, out of the procedures with online dossiers
select
    agency_code, period_type, period_key, '4.5a',
    online_procedures_vneid, online_procedures_received
from dossier_counts
union all
select
    agency_code, period_type, period_key, '4.1',
    finished_with_e_result, finished_with_result_document
from dossier_counts
union all
select
    agency_code, period_type, period_key, '4.2',
    finished_digitised_e_result, dossiers_finished
from dossier_counts
union all
select
    agency_code, period_type, period_key, '4.3',
    received_reusing_data, dossiers_received
from dossier_counts
union all
select
    agency_code, period_type, period_key, '4.4',
    received_personal_data_store, dossiers_received
from dossier_counts
union all
select
    agency_code, period_type, period_key, '4.5b',
    received_online_vneid, received_online
from dossier_counts
union all
-- 5.4 = 100% - (late rate + share with a complaint or dislike), both over the on-time denominator
select
    agency_code, period_type, period_key, '5.4',
    case
        when {{ on_time_denominator('dossier_counts') }} - finished_late - overdue_at_end - complained_by_end > 0
            then {{ on_time_denominator('dossier_counts') }} - finished_late - overdue_at_end - complained_by_end
        else 0
    end,
    {{ on_time_denominator('dossier_counts') }}
from dossier_counts
union all
select
    agency_code, period_type, period_key, '5.2',
    feedback_on_time, feedback_received
from feedback_counts
union all
-- 5.3 feedback quality, its lateness part only (the same on-time rule as 5.2): the citizens'
-- dislikes and follow-ups are not sent, so the rate is an upper bound of 5.3's
select
    agency_code, period_type, period_key, '5.3',
    feedback_on_time, feedback_received
from feedback_counts
