{#-
    Business environment per administrative unit version and month, on the units in force that
    month (communes, districts until 2025-06-30, provinces): new enterprises, the share registered
    online, dissolutions, residents, and new enterprises per 1,000 residents. A unit's months
    outside its validity are null with not_in_force_reason (a district after 2025-06-30 has no
    figure: never 0). For the same series on today's units, unbroken: mart_business_environment_current_units.
-#}
with events_by_level as (

    select unit_key, month_start, event_type, is_registered_online from {{ ref('int_enterprise_events') }}
    where unit_key is not null
    union all
    select district_unit_key, month_start, event_type, is_registered_online from {{ ref('int_enterprise_events') }}
    where district_unit_key is not null
    union all
    select province_unit_key, month_start, event_type, is_registered_online from {{ ref('int_enterprise_events') }}
    where province_unit_key is not null

),

events as (

    select
        unit_key,
        month_start,
        sum(case when event_type = 'registration' then 1 else 0 end) as new_enterprises,
        sum(case when event_type = 'registration' and is_registered_online then 1 else 0 end) as new_enterprises_online,
        sum(case when event_type = 'dissolution' then 1 else 0 end) as dissolutions
    from events_by_level
    group by unit_key, month_start

),

residents_basis as (

    -- the unit's count for the month, or its latest earlier count within the carry-forward window
    select
        grid.unit_key,
        grid.month_start,
        max(counts.month_start) as residents_month
    from {{ ref('int_unit_month_grid') }} as grid
    inner join {{ ref('int_residents_by_unit_month') }} as counts
        on
            counts.unit_key = grid.unit_key
            and counts.month_start <= grid.month_start
            and counts.month_start
            >= cast({{ dbt.dateadd('month', -var('residents_carry_forward_months'), 'grid.month_start') }} as date)
    group by grid.unit_key, grid.month_start

)

select
    cast('month' as {{ dbt.type_string() }}) as period_type,
    grid.period_key,
    grid.month_start,
    grid.is_period_complete,
    grid.unit_key,
    grid.unit_code,
    grid.unit_name_vi,
    grid.unit_level,
    grid.is_synthetic as is_synthetic_unit,
    grid.is_unit_in_force,
    grid.not_in_force_reason,
    case when grid.is_unit_in_force then cast(coalesce(events.new_enterprises, 0) as bigint) end as new_enterprises,
    case when grid.is_unit_in_force then cast(coalesce(events.new_enterprises_online, 0) as bigint) end
        as new_enterprises_online,
    case when grid.is_unit_in_force then {{ safe_rate('events.new_enterprises_online', 'events.new_enterprises') }} end
        as online_registration_share,
    case when grid.is_unit_in_force then cast(coalesce(events.dissolutions, 0) as bigint) end as dissolutions,
    case when grid.is_unit_in_force then cast(counts.residents as bigint) end as residents,
    case when grid.is_unit_in_force then basis.residents_month end as residents_month,
    case
        when grid.is_unit_in_force
            then {{ per_thousand('coalesce(events.new_enterprises, 0)', 'counts.residents') }}
    end
        as new_enterprises_per_1000_residents
from {{ ref('int_unit_month_grid') }} as grid
left join events
    on events.unit_key = grid.unit_key and events.month_start = grid.month_start
left join residents_basis as basis
    on basis.unit_key = grid.unit_key and basis.month_start = grid.month_start
left join {{ ref('int_residents_by_unit_month') }} as counts
    on counts.unit_key = basis.unit_key and counts.month_start = basis.residents_month
