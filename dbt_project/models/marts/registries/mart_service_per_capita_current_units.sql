{#-
    The applicant-side service series (mart_service_per_capita_by_applicant_unit) re-based to
    today's administrative units (since 2025-07-01: the 65 commune-level units and the merged
    province), unbroken from 2022: for a month before a unit existed, its figures are its
    predecessors' shared out with the reference file's weights (int_admin_unit_rebase_weights),
    so counts may be fractional there (is_rebased). When any predecessor lay outside the province
    the one-stop-shop system served that month (Ninh Thuận before the merger), the unit's figures
    are null (is_served false): a part of its dossiers is not in this source, and 0 would be wrong.
-#}
with summed as (

    {{ rebased_to_current_units('mart_service_per_capita_by_applicant_unit',
                                ['dossiers_received', 'citizen_dossiers_received', 'citizen_dossiers_with_flag',
                                 'verified_citizen_dossiers', 'received_online', 'received_full_online_eligible',
                                 'received_full_online', 'residents'],
                                {'is_served': 'min(case when native.is_served then 1 else 0 end)'}) }}

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
    (summed.is_served = 1) as is_served,
    case when summed.is_served = 1 then cast(summed.dossiers_received as decimal(18, 6)) end as dossiers_received,
    case when summed.is_served = 1 then cast(summed.citizen_dossiers_received as decimal(18, 6)) end
        as citizen_dossiers_received,
    case when summed.is_served = 1 then cast(summed.verified_citizen_dossiers as decimal(18, 6)) end
        as verified_citizen_dossiers,
    case
        when summed.is_served = 1
            then {{ safe_rate('summed.verified_citizen_dossiers', 'summed.citizen_dossiers_with_flag') }}
    end
        as verified_citizen_share,
    case when summed.is_served = 1 then cast(summed.received_online as decimal(18, 6)) end as received_online,
    case when summed.is_served = 1 then cast(summed.received_full_online_eligible as decimal(18, 6)) end
        as received_full_online_eligible,
    case when summed.is_served = 1 then cast(summed.received_full_online as decimal(18, 6)) end
        as received_full_online,
    case
        when summed.is_served = 1 then {{ safe_rate('summed.received_online', 'summed.dossiers_received') }}
    end
        as online_share,
    case
        when summed.is_served = 1
            then {{ safe_rate('summed.received_full_online', 'summed.received_full_online_eligible') }}
    end
        as full_online_share,
    case when summed.lacks_residents = 0 then cast(summed.residents as decimal(18, 6)) end as residents,
    case
        when summed.is_served = 1 and summed.lacks_residents = 0
            then {{ per_thousand('summed.dossiers_received', 'summed.residents') }}
    end as dossiers_per_1000_residents
from summed
inner join {{ ref('dim_admin_unit') }} as units on units.unit_key = summed.current_unit_key
inner join {{ ref('int_reporting_periods') }} as months
    on months.period_type = 'month' and months.period_start_date = summed.month_start
