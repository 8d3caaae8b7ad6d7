{#-
    Target T03 per ranked agency (department or district) and year of the province's PAR ranking:
    - the head of the agency (leadership position head, a cadre or civil servant, in post on 31
      December of the year; the latest started if several) and their appraisal rating;
    - is_head_rating_breach: the head was rated good or above although the grade forbids it
      (seed par_ranking_grades.blocks_head_good_rating: average or below), the grade matched by its
      code (stg_par_ranking__rankings.grade_code); a grade outside the code list has a null
      grade_code here, no breach nor trigger, and T03 counts it apart (is_grade_unknown);
    - is_accountability_triggered: the agency had this grade in each of the last N years, N =
      consecutive_years_for_accountability of the grade (2 for average, 1 for weak; seed, dated).
-#}
with years as (

    select period_year as year, period_start_date, period_end_date
    from {{ ref('int_reporting_periods') }}
    where period_type = 'year'

),

graded as (

    select
        rankings.ranking_year as year,
        rankings.agency_code,
        rankings.score,
        grades.grade_code,
        grades.grade_name_vi,
        grades.blocks_head_good_rating,
        grades.consecutive_years_for_accountability,
        years.period_end_date
    from {{ ref('stg_par_ranking__rankings') }} as rankings
    inner join years
        on years.year = rankings.ranking_year
    left join {{ ref('par_ranking_grades') }} as grades
        on
            grades.grade_code = rankings.grade_code
            and grades.valid_from <= years.period_start_date
            and (grades.valid_to is null or grades.valid_to >= years.period_start_date)

),

streaks as (

    select
        graded.agency_code,
        graded.year,
        count(earlier.year) as years_at_grade_in_window
    from graded
    inner join graded as earlier
        on
            earlier.agency_code = graded.agency_code
            and earlier.grade_code = graded.grade_code
            and earlier.year <= graded.year
            and earlier.year > graded.year - graded.consecutive_years_for_accountability
    group by graded.agency_code, graded.year

),

heads as (

    select
        graded.agency_code,
        graded.year,
        persons.person_code,
        persons.official_key,
        row_number() over (
            partition by graded.agency_code, graded.year
            order by persons.started_on desc, persons.person_code asc
        ) as head_rank
    from graded
    inner join {{ ref('stg_cadre__persons') }} as persons
        on
            persons.agency_code = graded.agency_code
            and persons.leadership_position = 'head'
            and persons.started_on <= graded.period_end_date
            and (persons.ended_on is null or persons.ended_on >= graded.period_end_date)
    inner join {{ ref('cadre_categories') }} as categories
        on
            categories.category_code = persons.category_code
            and categories.is_cadre_or_civil_servant

),

previous as (

    select agency_code, year + 1 as year, grade_code
    from graded

)

select
    cast(graded.agency_code as {{ dbt.type_string() }}) as agency_code,
    cast(agencies.agency_name_vi as {{ dbt.type_string() }}) as agency_name_vi,
    cast('year' as {{ dbt.type_string() }}) as period_type,
    cast(cast(graded.year as integer) as {{ dbt.type_string() }}) as period_key,
    cast(graded.year as integer) as year,
    cast(graded.score as decimal(7, 2)) as score,
    cast(graded.grade_code as {{ dbt.type_string() }}) as grade_code,
    cast(graded.grade_name_vi as {{ dbt.type_string() }}) as grade_name_vi,
    cast(graded.grade_code is null as boolean) as is_grade_unknown,
    cast(previous.grade_code as {{ dbt.type_string() }}) as previous_year_grade_code,
    cast(heads.official_key as {{ dbt.type_string() }}) as head_official_key,
    cast(heads.person_code as {{ dbt.type_string() }}) as head_person_code,
    cast(appraisals.rating_code as {{ dbt.type_string() }}) as head_rating_code,
    cast(ratings.is_good_or_above as boolean) as is_head_rated_good_or_above,
    cast(graded.blocks_head_good_rating as boolean) as head_cannot_be_rated_good,
    cast(coalesce(graded.blocks_head_good_rating and ratings.is_good_or_above, false) as boolean)
        as is_head_rating_breach,
    cast(graded.consecutive_years_for_accountability as integer) as consecutive_years_required,
    cast(coalesce(streaks.years_at_grade_in_window = graded.consecutive_years_for_accountability, false) as boolean)
        as is_accountability_triggered
from graded
left join streaks
    on
        streaks.agency_code = graded.agency_code
        and streaks.year = graded.year
left join previous
    on
        previous.agency_code = graded.agency_code
        and previous.year = graded.year
left join heads
    on
        heads.agency_code = graded.agency_code
        and heads.year = graded.year
        and heads.head_rank = 1
left join {{ ref('stg_cadre__appraisals') }} as appraisals
    on
        appraisals.person_code = heads.person_code
        and appraisals.appraisal_year = graded.year
left join {{ ref('appraisal_ratings') }} as ratings
    on ratings.rating_code = appraisals.rating_code
left join {{ ref('int_agencies') }} as agencies
    on agencies.agency_code = graded.agency_code
