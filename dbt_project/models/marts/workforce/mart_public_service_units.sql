{#-
    Public service units (đơn vị sự nghiệp công lập) in force at each year's end (or the as-of day
    for the year still running) against those in force on the baseline date, and target T07
    (down >= 10% by 2025 against 2021; seed workforce_targets, dated). A unit is in force on a day
    when created_on <= day and it has not ended (ended_on is null or after the day: a unit merged or
    dissolved on a day is gone from that day). On track: macro on_track_for_reduction.
-#}
with years as (

    {{ workforce_years() }}

),

units as (

    select
        unit_code,
        created_on,
        coalesce(ended_on, {{ far_future_date() }}) as ended_on,
        end_kind
    from {{ ref('stg_cadre__public_service_units') }}

),

targets as (

    select years.year, targets.baseline_date, targets.target_date, targets.reduction_target
    from {{ ref('workforce_targets') }} as targets
    inner join years
        on
            targets.valid_from <= years.period_start_date
            and (targets.valid_to is null or targets.valid_to >= years.period_start_date)
    where targets.target_code = 'public_service_units'

),

counted as (

    select
        years.year,
        years.measured_on,
        years.is_complete,
        targets.baseline_date,
        targets.target_date,
        targets.reduction_target,
        count(case
            when units.created_on <= years.measured_on and units.ended_on > years.measured_on
                then units.unit_code
        end) as units_in_force,
        count(case
            when units.created_on <= targets.baseline_date and units.ended_on > targets.baseline_date
                then units.unit_code
        end) as baseline_units,
        count(case
            when units.created_on >= years.period_start_date and units.created_on <= years.measured_on
                then units.unit_code
        end) as units_created,
        count(case
            when
                units.end_kind = 'merged' and units.ended_on >= years.period_start_date
                and units.ended_on <= years.measured_on then units.unit_code
        end) as units_merged,
        count(case
            when
                units.end_kind = 'dissolved' and units.ended_on >= years.period_start_date
                and units.ended_on <= years.measured_on then units.unit_code
        end) as units_dissolved,
        {{ interval_count('day', 'targets.baseline_date', 'years.measured_on') }} as days_elapsed,
        {{ interval_count('day', 'targets.baseline_date', 'targets.target_date') }} as days_in_span
    from years
    left join targets
        on targets.year = years.year
    left join units
        on 1 = 1
    group by
        years.year, years.measured_on, years.is_complete, years.period_start_date, targets.baseline_date,
        targets.target_date, targets.reduction_target

)

select
    cast('year' as {{ dbt.type_string() }}) as period_type,
    cast(cast(year as integer) as {{ dbt.type_string() }}) as period_key,
    cast(year as integer) as year,
    cast(measured_on as date) as measured_on,
    cast(is_complete as boolean) as is_period_complete,
    cast(units_in_force as bigint) as units_in_force,
    cast(units_created as bigint) as units_created,
    cast(units_merged as bigint) as units_merged,
    cast(units_dissolved as bigint) as units_dissolved,
    cast(baseline_date as date) as baseline_date,
    cast(baseline_units as bigint) as baseline_units,
    cast(units_in_force - baseline_units as bigint) as units_change,
    {{ safe_rate('baseline_units - units_in_force', 'baseline_units') }} as reduction,
    cast(reduction_target as decimal(9, 6)) as reduction_target,
    cast(target_date as date) as target_date,
    {{ safe_rate('baseline_units - units_in_force', 'baseline_units * reduction_target') }} as target_progress,
    {{ on_track_for_reduction('baseline_units', 'units_in_force', 'reduction_target', 'days_elapsed',
                              'days_in_span') }} as is_t07_on_track,
    case
        when baseline_units > 0
            then (baseline_units - units_in_force) >= reduction_target * baseline_units
    end as is_t07_target_reached
from counted
