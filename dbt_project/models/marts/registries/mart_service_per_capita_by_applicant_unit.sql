{#-
    One-stop-shop dossiers received (docs/definitions.md) per 1,000 residents, per administrative unit
    version and month, by where the APPLICANT lives (MaDonViHanhChinhChuHoSo, resolved in
    int_dossier_applicant_units), and the share of citizens' dossiers whose applicant was verified
    against the population database (docs/registries_landing.md), and the online and full-online shares
    of those dossiers (docs/definitions.md, "Rates"). Communes, districts (until 2025-06-30) and
    provinces: a district or province counts the dossiers of its communes.

    A unit version has figures in a month when it is in force on the month's first day and lies
    in the province the one-stop-shop system serves (var province_unit_code; before the merger
    Ninh Thuận's communes had their own system, so they have no figure here, not 0). Otherwise
    every figure is null and no_figure_reason says why (a district after 2025-06-30 has no figure).
    The same series on today's units, unbroken: mart_service_per_capita_current_units.
-#}
with attributed as (

    select
        applicants.month_start,
        applicants.is_citizen_applicant,
        applicants.is_applicant_verified,
        applicants.is_online_channel,
        applicants.is_full_online_eligible,
        units.unit_key,
        units.district_unit_key,
        units.province_unit_key
    from {{ ref('int_dossier_applicant_units') }} as applicants
    inner join {{ ref('dim_admin_unit') }} as units on units.unit_key = applicants.unit_key

),

by_level as (

    select
        unit_key, month_start, is_citizen_applicant, is_applicant_verified, is_online_channel,
        is_full_online_eligible
    from attributed
    union all
    select
        district_unit_key, month_start, is_citizen_applicant, is_applicant_verified, is_online_channel,
        is_full_online_eligible
    from attributed
    where district_unit_key is not null
    union all
    select
        province_unit_key, month_start, is_citizen_applicant, is_applicant_verified, is_online_channel,
        is_full_online_eligible
    from attributed
    where province_unit_key is not null

),

counts as (

    select
        unit_key,
        month_start,
        count(*) as dossiers_received,
        sum(case when is_citizen_applicant then 1 else 0 end) as citizen_dossiers_received,
        sum(case when is_applicant_verified is not null then 1 else 0 end) as citizen_dossiers_with_flag,
        sum(case when is_applicant_verified then 1 else 0 end) as verified_citizen_dossiers,
        sum(case when is_online_channel then 1 else 0 end) as received_online,
        sum(case when is_full_online_eligible then 1 else 0 end) as received_full_online_eligible,
        sum(case when is_full_online_eligible and is_online_channel then 1 else 0 end) as received_full_online
    from by_level
    group by unit_key, month_start

),

served as (

    select
        units.unit_key,
        coalesce(provinces.unit_code = '{{ var("province_unit_code") }}', false) as is_served
    from {{ ref('dim_admin_unit') }} as units
    left join {{ ref('dim_admin_unit') }} as provinces on provinces.unit_key = units.province_unit_key

),

units_months as (

    select
        native.*,
        served.is_served,
        (native.is_unit_in_force and served.is_served) as has_figures
    from {{ ref('mart_business_environment') }} as native
    inner join served on served.unit_key = native.unit_key

)

select
    cast('month' as {{ dbt.type_string() }}) as period_type,
    units_months.period_key,
    units_months.month_start,
    units_months.is_period_complete,
    units_months.unit_key,
    units_months.unit_code,
    units_months.unit_name_vi,
    units_months.unit_level,
    units_months.is_synthetic_unit,
    units_months.is_unit_in_force,
    units_months.is_served,
    case
        when not units_months.is_unit_in_force then units_months.not_in_force_reason
        when not units_months.is_served
            then
                'outside the province served by the one-stop-shop system (unit code '
                || '{{ var("province_unit_code") }}' || ') in this month'
    end as no_figure_reason,
    case when units_months.has_figures then cast(coalesce(counts.dossiers_received, 0) as bigint) end
        as dossiers_received,
    case when units_months.has_figures then cast(coalesce(counts.citizen_dossiers_received, 0) as bigint) end
        as citizen_dossiers_received,
    case when units_months.has_figures then cast(coalesce(counts.citizen_dossiers_with_flag, 0) as bigint) end
        as citizen_dossiers_with_flag,
    case when units_months.has_figures then cast(coalesce(counts.verified_citizen_dossiers, 0) as bigint) end
        as verified_citizen_dossiers,
    case
        when units_months.has_figures
            then {{ safe_rate('counts.verified_citizen_dossiers', 'counts.citizen_dossiers_with_flag') }}
    end
        as verified_citizen_share,
    case when units_months.has_figures then cast(coalesce(counts.received_online, 0) as bigint) end
        as received_online,
    case when units_months.has_figures then cast(coalesce(counts.received_full_online_eligible, 0) as bigint) end
        as received_full_online_eligible,
    case when units_months.has_figures then cast(coalesce(counts.received_full_online, 0) as bigint) end
        as received_full_online,
    case
        when units_months.has_figures then {{ safe_rate('counts.received_online', 'counts.dossiers_received') }}
    end
        as online_share,
    case
        when units_months.has_figures
            then {{ safe_rate('counts.received_full_online', 'counts.received_full_online_eligible') }}
    end
        as full_online_share,
    case when units_months.has_figures then units_months.residents end as residents,
    case when units_months.has_figures then units_months.residents_month end as residents_month,
    case
        when units_months.has_figures
            then {{ per_thousand('coalesce(counts.dossiers_received, 0)', 'units_months.residents') }}
    end
        as dossiers_per_1000_residents
from units_months
left join counts
    on counts.unit_key = units_months.unit_key and counts.month_start = units_months.month_start
