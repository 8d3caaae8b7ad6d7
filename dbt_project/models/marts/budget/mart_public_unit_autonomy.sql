{#-
    T09: public service units per fiscal year (from the last published autonomy document of the
    year whose file landed, its latest version), each
    with its self-financing rate (Decree 60/2021):
        (service revenue + retained fees + net business surplus) / recurrent spending,
    blank components left out of the sum (not reported is not zero); null when recurrent
    spending is missing or zero, or when no component is reported. The year's share of units
    self-financing recurrent spending (autonomy groups the seed marks so: 1 and 2) is compared
    with the dated T09 target (20% by 2025, seed public_unit_autonomy_targets).
-#}
with documents as (

    select
        document_id,
        row_number() over (partition by fiscal_year order by published_date desc, document_id desc) as document_rank
    from {{ ref('stg_budget_disclosures__documents') }}
    where
        document_kind = 'unit_autonomy'
        and document_id in (select units.document_id from {{ ref('stg_budget_disclosures__units') }} as units)

),

units as (

    select units.*
    from {{ ref('stg_budget_disclosures__units') }} as units
    inner join documents
        on
            units.document_id = documents.document_id
            and documents.document_rank = 1

),

rated as (

    select
        units.fiscal_year,
        units.unit_code,
        units.unit_name_vi,
        units.sector_name_vi,
        units.autonomy_group,
        groups.group_name_vi,
        groups.self_finances_recurrent,
        groups.min_self_financing_rate,
        groups.max_self_financing_rate,
        units.service_revenue_vnd,
        units.retained_fees_vnd,
        units.business_surplus_vnd,
        units.recurrent_spending_vnd,
        case
            when
                units.recurrent_spending_vnd > 0
                and coalesce(units.service_revenue_vnd, units.retained_fees_vnd, units.business_surplus_vnd) is not null
                then cast(
                    (
                        coalesce(units.service_revenue_vnd, 0) + coalesce(units.retained_fees_vnd, 0)
                        + coalesce(units.business_surplus_vnd, 0)
                    ) / units.recurrent_spending_vnd
                    as decimal(12, 6)
                )
        end as self_financing_rate,
        units.document_id
    from units
    left join {{ ref('public_unit_autonomy_groups') }} as groups
        on units.autonomy_group = groups.autonomy_group

),

yearly as (

    select
        rated.*,
        count(*) over (partition by rated.fiscal_year) as units_in_year,
        count(*) over (partition by rated.fiscal_year, rated.autonomy_group) as units_in_group,
        sum(case when rated.self_finances_recurrent then 1 else 0 end)
            over (partition by rated.fiscal_year) as units_self_financing
    from rated

)

select
    cast('year' as {{ dbt.type_string() }}) as period_type,
    cast(cast(yearly.fiscal_year as integer) as {{ dbt.type_string() }}) as period_key,
    yearly.fiscal_year,
    yearly.unit_code,
    yearly.unit_name_vi,
    yearly.sector_name_vi,
    yearly.autonomy_group,
    yearly.group_name_vi,
    coalesce(yearly.self_finances_recurrent, false) as self_finances_recurrent,
    yearly.service_revenue_vnd,
    yearly.retained_fees_vnd,
    yearly.business_surplus_vnd,
    yearly.recurrent_spending_vnd,
    yearly.self_financing_rate,
    case
        when yearly.self_financing_rate is null or yearly.min_self_financing_rate is null then null
        else
            yearly.self_financing_rate >= yearly.min_self_financing_rate
            and (yearly.max_self_financing_rate is null or yearly.self_financing_rate < yearly.max_self_financing_rate)
    end as is_rate_consistent_with_group,
    cast(yearly.units_in_year as bigint) as units_in_year,
    cast(yearly.units_in_group as bigint) as units_in_group,
    cast(yearly.units_self_financing as bigint) as units_self_financing,
    {{ safe_rate('yearly.units_self_financing', 'yearly.units_in_year') }} as self_financing_share,
    cast(targets.target_share as decimal(9, 6)) as target_share,
    targets.target_year,
    case
        when targets.target_share is not null
            then {{ safe_rate('yearly.units_self_financing', 'yearly.units_in_year') }} >= targets.target_share
    end as is_target_met,
    yearly.document_id
from yearly
left join {{ ref('public_unit_autonomy_targets') }} as targets
    on
        targets.target_code = 'T09'
        and targets.valid_from <= {{ date_in_year('yearly.fiscal_year', '12-31') }}
        and (targets.valid_to is null or targets.valid_to >= {{ date_in_year('yearly.fiscal_year', '12-31') }})
