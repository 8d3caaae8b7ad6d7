{#-
    Khánh Hòa in the external indices (PAR Index, PCI, PAPI, ICT Index, DTI, SIPAS): one row per
    index and edition with its value, rank, number of provinces ranked, where it was published,
    and whether it meets target T12's dated rank threshold (seed index_rank_thresholds, by the
    publication date; an edition without a date uses 1 July of the year after the edition).

    A loaded ministry file (stg_external_indices__published_values, the rows whose province is one
    of var province_names_vi) wins over the published values seed (external_indices_published) for
    the same index and edition; the seed fills the rest. An edition known to be published but
    without the province's rank (the ICT Index 2020, 2022, 2023) has a row with no rank and
    t12_edition_status 'no data'; none is invented.
-#}
with loaded as (

    select
        index_code, edition_year, index_value, province_rank, rank_outside_top, provinces_ranked,
        published_on, published_in,
        source_uri as value_source,
        cast(null as {{ dbt.type_string() }}) as source_note
    from {{ ref('stg_external_indices__published_values') }}
    where lower(province_name) in (
        {%- for name in var('province_names_vi') %}lower('{{ name }}'){{ ", " if not loop.last }}
        {% endfor -%}
    )

),

seeded as (

    select
        seed.index_code, seed.edition_year, seed.index_value, seed.province_rank, seed.rank_outside_top,
        seed.provinces_ranked, seed.published_on, seed.published_in,
        'seed: external_indices_published' as value_source,
        seed.source_note
    from {{ ref('external_indices_published') }} as seed
    where not exists (
        select 1 from loaded
        where loaded.index_code = seed.index_code and loaded.edition_year = seed.edition_year
    )

),

editions as (

    select * from loaded
    union all
    select * from seeded

),

dated as (

    select
        editions.*,
        coalesce(
            editions.published_on,
            cast(
                {{ dbt.dateadd(
                    'month', 18, "cast(cast(editions.edition_year as " ~ dbt.type_string() ~ ") || '-01-01' as date)"
                ) }} as date
            )
        )
            as threshold_date
    from editions

)

select
    cast(dated.index_code as {{ dbt.type_string() }}) as index_code,
    cast(catalogue.index_name_vi as {{ dbt.type_string() }}) as index_name_vi,
    cast(catalogue.index_name_en as {{ dbt.type_string() }}) as index_name_en,
    cast(coalesce(catalogue.counts_for_t12, false) as boolean) as counts_for_t12,
    cast('year' as {{ dbt.type_string() }}) as period_type,
    cast(cast(dated.edition_year as integer) as {{ dbt.type_string() }}) as period_key,
    cast(dated.edition_year as integer) as edition_year,
    cast(dated.index_value as decimal(12, 4)) as index_value,
    cast(dated.province_rank as integer) as province_rank,
    cast(dated.rank_outside_top as integer) as rank_outside_top,
    cast(dated.provinces_ranked as integer) as provinces_ranked,
    cast(dated.published_on as date) as published_on,
    cast(dated.published_in as {{ dbt.type_string() }}) as published_in,
    cast(dated.value_source as {{ dbt.type_string() }}) as value_source,
    cast(thresholds.top_rank as integer) as t12_top_rank,
    cast(case
        when dated.province_rank is not null then dated.province_rank <= thresholds.top_rank
        when dated.rank_outside_top is not null and dated.rank_outside_top >= thresholds.top_rank then false
    end as boolean) as is_in_t12_top,
    cast(case
        when dated.province_rank <= thresholds.top_rank then 'in the top'
        when dated.province_rank > thresholds.top_rank then 'not in the top'
        when dated.rank_outside_top >= thresholds.top_rank then 'not in the top'
        else 'no data'
    end as {{ dbt.type_string() }}) as t12_edition_status,
    cast(dated.source_note as {{ dbt.type_string() }}) as source_note
from dated
left join {{ ref('external_index_catalogue') }} as catalogue
    on catalogue.index_code = dated.index_code
left join {{ ref('index_rank_thresholds') }} as thresholds
    on
        thresholds.valid_from <= dated.threshold_date
        and (thresholds.valid_to is null or thresholds.valid_to >= dated.threshold_date)
