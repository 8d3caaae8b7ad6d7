{#-
    One-stop-shop dossiers received per 1,000 residents, per month: for the province (all agencies)
    and, until 2025-06-30, for each district (its district and commune agencies, seed
    agency_district_units). From 2025-07-01 a district has no figure (null with a reason); dossiers
    are received from mart_agency_service_quality (docs/definitions.md, "Received").
-#}
with agency_months as (

    select
        quality.period_key,
        quality.dossiers_received,
        agencies.agency_level,
        districts.unit_code as district_unit_code
    from {{ ref('mart_agency_service_quality') }} as quality
    left join {{ ref('int_agencies') }} as agencies on agencies.agency_code = quality.agency_code
    left join {{ ref('agency_district_units') }} as districts
        on districts.district_name_vi = agencies.district_name_vi
    where quality.period_type = 'month'

),

received as (

    select '{{ var("province_unit_code") }}' as unit_code, period_key, sum(dossiers_received) as dossiers_received
    from agency_months
    group by period_key

    union all

    select district_unit_code, period_key, sum(dossiers_received)
    from agency_months
    where district_unit_code is not null and agency_level in ('district', 'commune')
    group by district_unit_code, period_key

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
    grid.is_unit_in_force,
    grid.not_in_force_reason,
    case when grid.is_unit_in_force then cast(coalesce(received.dossiers_received, 0) as bigint) end
        as dossiers_received,
    native.residents,
    native.residents_month,
    case
        when grid.is_unit_in_force
            then {{ per_thousand('coalesce(received.dossiers_received, 0)', 'native.residents') }}
    end
        as dossiers_per_1000_residents
from {{ ref('int_unit_month_grid') }} as grid
inner join {{ ref('mart_business_environment') }} as native
    on native.unit_key = grid.unit_key and native.month_start = grid.month_start
left join received
    on received.unit_code = grid.unit_code and received.period_key = grid.period_key
where
    (grid.unit_level = 'province' and grid.unit_code = '{{ var("province_unit_code") }}')
    or (
        grid.unit_level = 'district'
        and grid.unit_code in (
            select agency_months.district_unit_code from agency_months
            where agency_months.district_unit_code is not null
        )
    )
