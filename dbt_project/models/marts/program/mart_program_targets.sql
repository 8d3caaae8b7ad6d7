{#-
    The program target tracker: one row per target T01-T15 (seed program_targets) and reporting
    period, with the metric, the actual (int_program_target_actuals), the goal and deadline, the
    status, and where the number comes from (source model and the filter that selects its rows).

    Status:
      not applicable  the period ends before the target applies (seed program_target_windows:
                 T06 "from 2025"); never judged, whatever the data;
      no data    the target's source is not in the warehouse yet, or gives no value for the
                 period (a yearly target in a month, quarter or half-year; a year with no record);
      met        the actual meets the goal (macro goal_met);
      not met    not met, and the chance has gone: the deadline is on or before the period's last
                 day, or the target has no deadline (every year, ongoing) and the period is
                 complete;
      on track   not met, the deadline is still ahead of the period's last day, and the actual
                 moved toward the goal since the previous period of the same type;
      off track  otherwise: not met, still time to meet it (deadline ahead, or a running period
                 of an every-year target), but not moving toward the goal.
-#}
with periods as (

    select period_type, period_key, period_year, period_start, period_end, is_complete
    from {{ ref('int_reporting_periods') }}

),

targets as (

    select
        program_targets.*,
        windows.applies_from
    from {{ ref('program_targets') }} as program_targets
    left join {{ ref('program_target_windows') }} as windows
        on windows.target_id = program_targets.target_id

),

actuals as (

    select * from {{ ref('int_program_target_actuals') }}

),

rows_ as (

    select
        targets.*,
        periods.period_type,
        periods.period_key,
        periods.period_year,
        periods.period_start,
        periods.period_end,
        periods.is_complete,
        case
            when targets.applies_from is not null and cast(periods.period_end as date) < targets.applies_from
                then null
            when targets.measured_per = 'period' or periods.period_type = 'year'
                then actuals.actual_value
        end as actual_value,
        case
            when targets.measured_per = 'period' or periods.period_type = 'year'
                then actuals.numerator
        end as numerator,
        case
            when targets.measured_per = 'period' or periods.period_type = 'year'
                then actuals.denominator
        end as denominator,
        case
            when targets.applies_from is not null and cast(periods.period_end as date) < targets.applies_from
                then 'not_applicable'
            when targets.measured_per = 'year' and periods.period_type <> 'year'
                then 'measured_per_year'
            when
                not exists (
                    select 1 from actuals as any_actual
                    where any_actual.target_id = targets.target_id
                )
                then 'source_not_in_warehouse'
            when actuals.target_id is null or actuals.actual_value is null
                then coalesce(actuals.no_value_reason, 'no_value_for_period')
        end as no_data_reason,
        actuals.note as detail,
        actuals.note_vi as detail_vi
    from targets
    cross join periods
    left join actuals
        on
            actuals.target_id = targets.target_id
            and actuals.period_type = periods.period_type
            and actuals.period_key = periods.period_key

),

with_previous as (

    select
        rows_.*,
        lag(rows_.actual_value) over (
            partition by rows_.target_id, rows_.period_type
            order by rows_.period_start
        ) as previous_actual_value
    from rows_

)

select
    cast(target_id as {{ dbt.type_string() }}) as target_id,
    cast(target_name_vi as {{ dbt.type_string() }}) as target_name_vi,
    cast(target_name_en as {{ dbt.type_string() }}) as target_name_en,
    cast(metric_en as {{ dbt.type_string() }}) as metric_en,
    cast(metric_vi as {{ dbt.type_string() }}) as metric_vi,
    cast(unit as {{ dbt.type_string() }}) as unit,
    cast(measured_per as {{ dbt.type_string() }}) as measured_per,
    {{ period_columns() }},
    cast(actual_value as decimal(18, 6)) as actual_value,
    cast(numerator as bigint) as numerator,
    cast(denominator as bigint) as denominator,
    cast(previous_actual_value as decimal(18, 6)) as previous_actual_value,
    cast(comparison as {{ dbt.type_string() }}) as comparison,
    cast(goal_value as decimal(18, 6)) as goal_value,
    cast(goal_en as {{ dbt.type_string() }}) as goal_en,
    cast(deadline as date) as deadline,
    cast(deadline_en as {{ dbt.type_string() }}) as deadline_en,
    cast(deadline_vi as {{ dbt.type_string() }}) as deadline_vi,
    cast(case
        when applies_from is not null and cast(period_end as date) < applies_from then 'not applicable'
        when actual_value is null then 'no data'
        when {{ goal_met('actual_value', 'comparison', 'goal_value') }} then 'met'
        when deadline is not null and deadline <= cast(period_end as date) then 'not met'
        when deadline is null and is_complete then 'not met'
        when
            deadline is not null
            and {{ moved_toward_goal('actual_value', 'previous_actual_value', 'comparison') }} then 'on track'
        else 'off track'
    end as {{ dbt.type_string() }}) as status,
    cast(no_data_reason as {{ dbt.type_string() }}) as no_data_reason,
    cast(nullif(caveat_en, '') as {{ dbt.type_string() }}) as caveat_en,
    cast(nullif(caveat_vi, '') as {{ dbt.type_string() }}) as caveat_vi,
    cast(detail as {{ dbt.type_string() }}) as detail,
    cast(detail_vi as {{ dbt.type_string() }}) as detail_vi,
    cast(source_system as {{ dbt.type_string() }}) as source_system,
    cast(source_model as {{ dbt.type_string() }}) as source_model,
    cast(replace(replace(replace(
        source_filter,
        '{period_type}', period_type
    ), '{period_key}', period_key),
    '{period_year}', cast(period_year as {{ dbt.type_string() }})) as {{ dbt.type_string() }}) as source_filter
from with_previous
