{#-
    The business-environment series on today's administrative units (since 2025-07-01: the 65
    commune-level units and the merged province), unbroken from 2022: for a month before a unit
    existed, its figures are its predecessors' shared out with the reference file's weights
    (int_admin_unit_rebase_weights), so counts may be fractional there (is_rebased). The chart
    series of new enterprises per 1,000 residents is new_enterprises_per_1000_residents.
-#}
with summed as (

    {{ rebased_to_current_units('mart_business_environment',
                                ['new_enterprises', 'new_enterprises_online', 'dissolutions', 'residents']) }}

)

select
    cast('month' as {{ dbt.type_string() }}) as period_type,
    months.period_key,
    summed.month_start,
    months.is_complete as is_period_complete,
    units.unit_key,
    units.unit_code,
    units.unit_name_vi,
    units.unit_level,
    units.is_synthetic as is_synthetic_unit,
    (summed.is_rebased = 1) as is_rebased,
    cast(summed.new_enterprises as decimal(18, 6)) as new_enterprises,
    cast(summed.new_enterprises_online as decimal(18, 6)) as new_enterprises_online,
    {{ safe_rate('summed.new_enterprises_online', 'summed.new_enterprises') }} as online_registration_share,
    cast(summed.dissolutions as decimal(18, 6)) as dissolutions,
    case when summed.lacks_residents = 0 then cast(summed.residents as decimal(18, 6)) end as residents,
    case
        when summed.lacks_residents = 0
            then {{ per_thousand('summed.new_enterprises', 'summed.residents') }}
    end as new_enterprises_per_1000_residents
from summed
inner join {{ ref('dim_admin_unit') }} as units on units.unit_key = summed.current_unit_key
inner join {{ ref('int_reporting_periods') }} as months
    on months.period_type = 'month' and months.period_start_date = summed.month_start
