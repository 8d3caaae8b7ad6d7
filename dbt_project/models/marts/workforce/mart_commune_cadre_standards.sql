{#-
    Target T11 (no commune-level cadre or civil servant below the title's standard): per commune
    (UBND xã, agency of level commune) and year, the cadres and civil servants (seed
    cadre_categories.is_cadre_or_civil_servant) in post at the year's end (or the as-of day), and
    how many met their title's standard by then: standard_met_on <= that day; a person the system
    flags as meeting it without a date counts from the posting's start.
-#}
with years as (

    select period_year as year, cast(period_end as date) as measured_on, is_complete
    from {{ ref('int_reporting_periods') }}
    where period_type = 'year'

),

in_scope as (

    select
        persons.person_code,
        persons.agency_code,
        persons.started_on,
        coalesce(persons.ended_on, {{ far_future_date() }}) as ended_on,
        coalesce(
            persons.standard_met_on,
            case when persons.meets_title_standard then persons.started_on end
        ) as standard_met_on
    from {{ ref('stg_cadre__persons') }} as persons
    inner join {{ ref('cadre_categories') }} as categories
        on categories.category_code = persons.category_code
    where
        persons.level = 'commune'
        and categories.is_cadre_or_civil_servant

),

counted as (

    select
        in_scope.agency_code,
        years.year,
        years.measured_on,
        years.is_complete,
        count(distinct in_scope.person_code) as cadres_and_civil_servants,
        count(distinct case when in_scope.standard_met_on <= years.measured_on then in_scope.person_code end)
            as meeting_standard
    from in_scope
    inner join years
        on
            in_scope.started_on <= years.measured_on
            and in_scope.ended_on >= years.measured_on
    group by in_scope.agency_code, years.year, years.measured_on, years.is_complete

)

select
    cast(counted.agency_code as {{ dbt.type_string() }}) as agency_code,
    cast(agencies.agency_name_vi as {{ dbt.type_string() }}) as agency_name_vi,
    cast(agencies.district_name_vi as {{ dbt.type_string() }}) as district_name_vi,
    {{ year_columns('counted') }},
    cast(counted.cadres_and_civil_servants as bigint) as cadres_and_civil_servants,
    cast(counted.meeting_standard as bigint) as meeting_standard,
    cast(counted.cadres_and_civil_servants - counted.meeting_standard as bigint) as below_standard,
    {{ safe_rate('counted.meeting_standard', 'counted.cadres_and_civil_servants') }} as standard_share,
    (counted.meeting_standard = counted.cadres_and_civil_servants) as meets_t11
from counted
left join {{ ref('int_agencies') }} as agencies
    on agencies.agency_code = counted.agency_code
