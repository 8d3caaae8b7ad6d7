{#-
    Public service units (đơn vị sự nghiệp công lập) in force at each year's end (or the as-of day
    for the year still running) against those in force on the baseline date, and target T07
    (down >= 10% by 2025 against 2021; seed workforce_targets, dated), on a comparable scope. A unit
    is in force on a day when created_on <= day and it has not ended (ended_on is null or after the
    day: a unit merged or dissolved on a day is gone from that day). On track: macro
    on_track_for_reduction.

    Scope: the register is the province's, whatever the owner agency: a department merged or a
    district abolished does not end its units, so no restatement for those. When the province absorbed
    another one (seed province_scope_changes: Ninh Thuận on 2025-07-01) the merged register lists the
    absorbed province's units from that day (their record here starts then), so from that day the
    baseline is restated as ours plus the absorbed province's units on the same baseline date, from
    the seed; without that count the year is not comparable (comparable baseline, change, reduction and
    flags null, not_comparable_reason says why). The rule is T08's: macros scope_changes_by_year and
    comparable_scope_columns. Units whose record starts on a scope change's day are counted as
    absorbed, not created.
-#}
with years as (

    {{ workforce_years() }}

),

scope_change_days as (

    select distinct effective_date
    from {{ ref('province_scope_changes') }}
    where target_code = 'public_service_units'

),

units as (

    select
        units.unit_code,
        units.created_on,
        coalesce(units.ended_on, {{ far_future_date() }}) as ended_on,
        units.end_kind,
        change_days.effective_date is not null as is_absorbed
    from {{ ref('stg_cadre__public_service_units') }} as units
    left join scope_change_days as change_days
        on change_days.effective_date = units.created_on

),

targets as (

    select years.year, targets.target_code, targets.baseline_date, targets.target_date, targets.reduction_target
    from {{ ref('workforce_targets') }} as targets
    inner join years
        on
            targets.valid_from <= years.period_start_date
            and (targets.valid_to is null or targets.valid_to >= years.period_start_date)
    where targets.target_code = 'public_service_units'

),

scope as (

    {{ scope_changes_by_year('targets', 'years') }}

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
            when
                not units.is_absorbed and units.created_on >= years.period_start_date
                and units.created_on <= years.measured_on then units.unit_code
        end) as units_created,
        count(case
            when
                units.is_absorbed and units.created_on >= years.period_start_date
                and units.created_on <= years.measured_on then units.unit_code
        end) as units_absorbed,
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

),

measured as (

    select
        counted.*,
        {{ comparable_scope_columns('counted.baseline_units', 'scope') }}
    from counted
    left join scope
        on scope.year = counted.year

)

select
    {{ year_columns() }},
    cast(units_in_force as bigint) as units_in_force,
    cast(units_created as bigint) as units_created,
    cast(units_absorbed as bigint) as units_absorbed,
    cast(units_merged as bigint) as units_merged,
    cast(units_dissolved as bigint) as units_dissolved,
    cast(baseline_date as date) as baseline_date,
    cast(baseline_units as bigint) as baseline_units,
    cast(first_change_on as date) as scope_changed_on,
    cast(absorbed_unit_name_vi as {{ dbt.type_string() }}) as absorbed_unit_name_vi,
    cast(legal_basis as {{ dbt.type_string() }}) as scope_legal_basis,
    cast(absorbed_baseline as bigint) as absorbed_baseline_units,
    cast(comparable_baseline as bigint) as comparable_baseline_units,
    cast(not_comparable_reason is null as boolean) as is_comparable,
    cast(not_comparable_reason as {{ dbt.type_string() }}) as not_comparable_reason,
    cast(units_in_force - comparable_baseline as bigint) as units_change,
    {{ safe_rate('comparable_baseline - units_in_force', 'comparable_baseline') }} as reduction,
    cast(reduction_target as decimal(9, 6)) as reduction_target,
    cast(target_date as date) as target_date,
    {{ safe_rate('comparable_baseline - units_in_force', 'comparable_baseline * reduction_target') }}
        as target_progress,
    {{ on_track_for_reduction('comparable_baseline', 'units_in_force', 'reduction_target', 'days_elapsed',
                              'days_in_span') }} as is_t07_on_track,
    case
        when comparable_baseline > 0
            then (comparable_baseline - units_in_force) >= reduction_target * comparable_baseline
    end as is_t07_target_reached
from measured
