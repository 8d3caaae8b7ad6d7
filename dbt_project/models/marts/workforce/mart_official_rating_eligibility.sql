{#-
    Target T02 per appraised official and year: the appraisal rating (Decree 90/2020) beside the
    official's late-dossier rate (mart_official_performance: the person's key, which the one-stop-
    shop's steps reach through the person's account, or through a name only this person bears; judged
    by the official's own steps, late_rule saying where the dossier rule stood in) and
    the dated threshold in force in the year (seed service_quality_thresholds, official_late_rate_max:
    10%, 5% from 2025). is_t02_breach lists those rated good or excellent while at or over the
    threshold. A person with no dossiers of their own in the year whose name another person of the
    register shares, while steps of the year name that shared name only, is not judged: those
    dossiers may be theirs (not_judged_reason name_shared_in_cadre_register).
    The official's agency and category are those of the posting running at the year's end (else the
    last posting started in the year).
-#}
with years as (

    select period_year as year, period_start_date, period_end_date
    from {{ ref('int_reporting_periods') }}
    where period_type = 'year'

),

appraisals as (

    select
        appraisals.person_code, appraisals.appraisal_year as year, appraisals.rating_code,
        years.period_start_date, years.period_end_date
    from {{ ref('stg_cadre__appraisals') }} as appraisals
    inner join years
        on years.year = appraisals.appraisal_year

),

postings as (

    select
        appraisals.person_code,
        appraisals.year,
        persons.official_key,
        persons.name_key,
        persons.agency_code,
        persons.category_code,
        row_number() over (
            partition by appraisals.person_code, appraisals.year
            order by persons.started_on desc
        ) as posting_rank
    from appraisals
    inner join {{ ref('stg_cadre__persons') }} as persons
        on
            persons.person_code = appraisals.person_code
            and persons.started_on <= appraisals.period_end_date

),

thresholds as (

    select valid_from, valid_to, threshold_value
    from {{ ref('service_quality_thresholds') }}
    where threshold_code = 'official_late_rate_max'

)

select
    cast(postings.official_key as {{ dbt.type_string() }}) as official_key,
    cast('year' as {{ dbt.type_string() }}) as period_type,
    cast(cast(appraisals.year as integer) as {{ dbt.type_string() }}) as period_key,
    cast(appraisals.year as integer) as year,
    cast(appraisals.person_code as {{ dbt.type_string() }}) as person_code,
    cast(postings.agency_code as {{ dbt.type_string() }}) as agency_code,
    cast(postings.category_code as {{ dbt.type_string() }}) as category_code,
    cast(appraisals.rating_code as {{ dbt.type_string() }}) as rating_code,
    cast(ratings.rating_name_vi as {{ dbt.type_string() }}) as rating_name_vi,
    cast(ratings.is_good_or_above as boolean) as is_rated_good_or_above,
    cast(performance.dossiers_handled as bigint) as dossiers_handled,
    cast(performance.dossiers_late as bigint) as dossiers_late,
    cast(performance.late_rate as decimal(9, 6)) as late_rate,
    cast(performance.late_rule as {{ dbt.type_string() }}) as late_rule,
    cast(thresholds.threshold_value as decimal(9, 6)) as late_rate_threshold,
    cast(performance.cannot_be_rated_good as boolean) as is_over_threshold,
    cast(coalesce(performance.identified_by, shared_name.identified_by) as {{ dbt.type_string() }}) as identified_by,
    cast(case
        when performance.official_key is not null then performance.not_judged_reason
        else shared_name.not_judged_reason
    end as {{ dbt.type_string() }}) as not_judged_reason,
    cast(coalesce(ratings.is_good_or_above and performance.cannot_be_rated_good, false) as boolean) as is_t02_breach
from appraisals
inner join postings
    on
        postings.person_code = appraisals.person_code
        and postings.year = appraisals.year
        and postings.posting_rank = 1
inner join {{ ref('appraisal_ratings') }} as ratings
    on ratings.rating_code = appraisals.rating_code
left join {{ ref('mart_official_performance') }} as performance
    on
        performance.official_key = postings.official_key
        and performance.year = appraisals.year
left join {{ ref('mart_official_performance') }} as shared_name
    on
        shared_name.official_key = {{ official_key('name', 'postings.name_key') }}
        and shared_name.year = appraisals.year
        and shared_name.not_judged_reason is not null
left join thresholds
    on
        thresholds.valid_from <= appraisals.period_start_date
        and (thresholds.valid_to is null or thresholds.valid_to >= appraisals.period_start_date)
