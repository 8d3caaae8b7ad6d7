{#-
    Every administrative unit version x every reporting month (int_reporting_periods), whether or
    not the unit is in force that month: the marts show a unit's months outside its validity as
    null with a reason, never as zero. A unit is in force in a month if it is on the month's
    first day (reorganisations take effect on the 1st).
-#}
select
    units.unit_key,
    units.unit_code,
    units.unit_name_vi,
    units.unit_level,
    units.is_synthetic,
    units.valid_from,
    units.valid_to,
    months.period_key,
    months.period_start_date as month_start,
    months.is_complete as is_period_complete,
    {{ in_force_on('units', 'months.period_start_date') }} as is_unit_in_force,
    case
        when units.valid_from > months.period_start_date
            then 'unit not yet in force: it starts on ' || cast(units.valid_from as {{ dbt.type_string() }})
        when units.valid_to < months.period_start_date and units.unit_level = 'district'
            then
                'district level abolished: no district figure after ' || cast(units.valid_to as {{ dbt.type_string() }})
        when units.valid_to < months.period_start_date
            then 'unit ended on ' || cast(units.valid_to as {{ dbt.type_string() }}) || ': see its successors'
    end as not_in_force_reason
from {{ ref('dim_admin_unit') }} as units
cross join {{ ref('int_reporting_periods') }} as months
where months.period_type = 'month'
