{#-
    Yearly appraisals of the latest accepted cadre snapshot, one row per person code and year
    (exact repeats removed), with quarantine_reason: unknown_rating when MucXepLoai is not a rating
    of seed appraisal_ratings (Decree 90/2020), else null.
-#}
with landed as (

    select *
    from {{ latest_snapshot(source('cadre', 'appraisals'), source('cadre', 'persons'), 'NgayChotDuLieu') }} as src

),

typed as (

    select
        {{ clean_code('MaCanBo') }} as person_code,
        cast(Nam as integer) as appraisal_year,
        {{ clean_code('MucXepLoai') }} as rating_code,
        cast(NgayQuyetDinh as date) as decided_on,
        cast(NgayChotDuLieu as date) as snapshot_date,
        {{ landed_batch_columns() }}
    from landed

),

deduplicated as (

    select
        typed.*,
        row_number() over (
            partition by typed.person_code, typed.appraisal_year
            order by typed.loaded_at desc, typed.page desc
        ) as copy_rank
    from typed

),

ratings as (

    select rating_code from {{ ref('appraisal_ratings') }}

)

select
    deduplicated.person_code,
    deduplicated.appraisal_year,
    deduplicated.rating_code,
    deduplicated.decided_on,
    deduplicated.snapshot_date,
    deduplicated.load_id,
    deduplicated.loaded_at,
    case when ratings.rating_code is null then 'unknown_rating' end as quarantine_reason
from deduplicated
left join ratings
    on ratings.rating_code = deduplicated.rating_code
where deduplicated.copy_rank = 1
