{#-
    The catalogue of handling agencies (đơn vị xử lý), dated: one row per agency code with its
    validity (valid_from / valid_to) and the agency that took over its pending dossiers
    (successor_agency_code). docs/agencies.md.
    - Province and district level: the seed `agencies` (the departments before and after the
      2025-03-01 mergers, the district committees ending on 2025-06-30).
    - Commune level: derived from the administrative-unit reference file (stg_admin_units__units),
      whatever rows it holds: one People's Committee per commune-level unit served by the province's
      one-stop-shop, i.e. a unit under one of the province's old districts (seed
      agency_district_units) or directly under the province (var province_unit_code: the units from
      2025-07-01). A unit is its code and its name: versions of one code under one name (a commune
      that absorbed another) are one committee; a code the GSO gave to a later unit under another
      name is another committee, numbered by its generation under the code (macro
      commune_agency_code). Its validity is its versions'; its successor the committee of the unit's
      largest successor as it stood on the day after its last (stg_admin_units__successors, ties to
      the lowest code).
    - A district committee's successor (seed left empty) is derived the same way: the new
      committee that took the largest share (sum of weights) of the district's last communes.
-#}
with seed as (

    select * from {{ ref('agencies') }}

),

districts as (

    select
        seed.agency_code,
        seed.valid_to,
        district_units.unit_code
    from seed
    inner join {{ ref('agency_district_units') }} as district_units
        on district_units.district_name_vi = seed.district_name_vi
    where seed.agency_level = 'district'

),

units as (

    select unit_code, unit_name_vi, unit_name_en, parent_unit_code, valid_from, valid_to, is_synthetic
    from {{ ref('stg_admin_units__units') }}
    where unit_level = 'commune'

),

served_units as (

    select
        units.*,
        coalesce(districts.agency_code, '{{ var("province_unit_code") }}') as parent_key,
        row_number() over (partition by units.unit_code, units.unit_name_vi order by units.valid_from desc)
            as latest_first
    from units
    left join districts
        on districts.unit_code = units.parent_unit_code
    where
        districts.agency_code is not null
        or units.parent_unit_code = '{{ var("province_unit_code") }}'

),

identities as (

    select
        unit_code,
        unit_name_vi,
        min(valid_from) as valid_from,
        case when count(*) = count(valid_to) then max(valid_to) end as valid_to
    from served_units
    group by unit_code, unit_name_vi

),

commune_spans as (

    -- one row per committee: its unit's code, name, validity and generation under the code
    select
        identities.*,
        row_number() over (partition by identities.unit_code order by identities.valid_from) - 1 as generation
    from identities

),

successions as (

    select predecessor_code, successor_code, effective_date, weight
    from {{ ref('stg_admin_units__successors') }}

),

commune_successor as (

    -- the committee of the largest successor unit, as it stood on the day after the unit's last
    select ranked.unit_code, ranked.unit_name_vi, ranked.successor_code, successor.generation as successor_generation
    from (
        select
            commune_spans.unit_code,
            commune_spans.unit_name_vi,
            successions.successor_code,
            successions.effective_date,
            row_number() over (
                partition by commune_spans.unit_code, commune_spans.unit_name_vi
                order by successions.weight desc, successions.successor_code asc
            ) as rank_by_weight
        from commune_spans
        inner join successions
            on
                successions.predecessor_code = commune_spans.unit_code
                and successions.effective_date = cast({{ dbt.dateadd('day', 1, 'commune_spans.valid_to') }} as date)
    ) as ranked
    inner join commune_spans as successor
        on
            successor.unit_code = ranked.successor_code
            and successor.valid_from <= ranked.effective_date
            and (successor.valid_to is null or successor.valid_to >= ranked.effective_date)
    where ranked.rank_by_weight = 1

),

district_successor as (

    select ranked.agency_code, ranked.successor_code, successor.generation as successor_generation
    from (
        select
            districts.agency_code,
            successions.successor_code,
            successions.effective_date,
            row_number() over (
                partition by districts.agency_code
                order by sum(successions.weight) desc, successions.successor_code
            ) as rank_by_weight
        from districts
        inner join units
            on
                units.parent_unit_code = districts.unit_code
                and units.valid_to = districts.valid_to
        inner join successions
            on
                successions.predecessor_code = units.unit_code
                and successions.effective_date = cast({{ dbt.dateadd('day', 1, 'units.valid_to') }} as date)
        group by districts.agency_code, successions.successor_code, successions.effective_date
    ) as ranked
    inner join commune_spans as successor
        on
            successor.unit_code = ranked.successor_code
            and successor.valid_from <= ranked.effective_date
            and (successor.valid_to is null or successor.valid_to >= ranked.effective_date)
    where ranked.rank_by_weight = 1

),

communes as (

    select
        {{ commune_agency_code('served_units.unit_code', 'commune_spans.generation') }} as agency_code,
        {{ dbt.concat(["'Ủy ban nhân dân '", 'served_units.unit_name_vi']) }} as agency_name_vi,
        {{ dbt.concat(["'People’s Committee of '", 'served_units.unit_name_en']) }} as agency_name_en,
        'commune' as agency_level,
        case
            when
                served_units.parent_key = '{{ var("province_unit_code") }}'
                then '000.00.00.{{ var("agency_code_province_suffix") }}'
            else served_units.parent_key
        end as parent_agency_code,
        district_names.district_name_vi,
        served_units.unit_code,
        commune_spans.valid_from,
        commune_spans.valid_to,
        case
            when commune_successor.successor_code is not null
                then
                    {{ commune_agency_code(
                        'commune_successor.successor_code', 'commune_successor.successor_generation') }}
        end as successor_agency_code,
        served_units.is_synthetic,
        cast(case when served_units.is_synthetic then 'L' else 'M' end as {{ dbt.type_string() }}) as confidence,
        'admin_units' as catalogue_source
    from served_units
    inner join commune_spans
        on
            commune_spans.unit_code = served_units.unit_code
            and commune_spans.unit_name_vi = served_units.unit_name_vi
    left join commune_successor
        on
            commune_successor.unit_code = served_units.unit_code
            and commune_successor.unit_name_vi = served_units.unit_name_vi
    left join seed as district_names
        on district_names.agency_code = served_units.parent_key
    where served_units.latest_first = 1

)

select
    seed.agency_code,
    seed.agency_name_vi,
    seed.agency_name_en,
    seed.agency_level,
    seed.parent_agency_code,
    seed.district_name_vi,
    districts.unit_code,
    seed.valid_from,
    seed.valid_to,
    coalesce(
        seed.successor_agency_code,
        case
            when district_successor.successor_code is not null
                then {{ commune_agency_code('district_successor.successor_code',
                                              'district_successor.successor_generation') }}
        end
    ) as successor_agency_code,
    seed.is_synthetic,
    seed.confidence,
    'seed' as catalogue_source
from seed
left join districts
    on districts.agency_code = seed.agency_code
left join district_successor
    on district_successor.agency_code = seed.agency_code

union all

select * from communes
