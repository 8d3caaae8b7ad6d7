{#-
    Residents (dân số) per unit version and month: the population registry's commune-level counts
    summed over sex and age band, and summed up to the district and province in force that month.
    A count is attributed to the commune-level unit with that code in force on the month's first day.
-#}
with cells as (

    select unit_code, month_start, sum(residents) as residents
    from {{ ref('stg_population_registry__residents') }}
    group by unit_code, month_start

),

communes as (

    select
        units.unit_key,
        units.district_unit_key,
        units.province_unit_key,
        cells.month_start,
        cells.residents
    from cells
    inner join {{ ref('dim_admin_unit') }} as units
        on
            units.unit_code = cells.unit_code
            and units.unit_level = 'commune'
            and {{ in_force_on('units', 'cells.month_start') }}

)

select unit_key, month_start, residents from communes

union all

select district_unit_key, month_start, sum(residents)
from communes
where district_unit_key is not null
group by district_unit_key, month_start

union all

select province_unit_key, month_start, sum(residents)
from communes
where province_unit_key is not null
group by province_unit_key, month_start
