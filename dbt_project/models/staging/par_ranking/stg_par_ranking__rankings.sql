-- The yearly PAR ranking of the latest accepted load: one row per year and agency, the grade as written
-- and its code (seed par_ranking_grade_labels, matched on the lower-cased written grade; null when the
-- grade is not in the list: such rows are in stg_par_ranking__rankings_quarantine too).
with landed as (

    select *
    from {{ latest_snapshot(source('par_ranking', 'rankings'), source('par_ranking', 'rankings')) }} as src

),

typed as (

    select
        cast(Nam as integer) as ranking_year,
        {{ clean_code('MaDonVi') }} as agency_code,
        {{ clean_text('TenDonVi') }} as agency_name_source,
        cast(TongDiem as decimal(7, 2)) as score,
        {{ clean_text('XepLoai') }} as grade_name_vi,
        {{ clean_text('TenTep') }} as file_name,
        {{ landed_batch_columns() }},
        row_number()
            over (partition by Nam, {{ clean_code('MaDonVi') }} order by _loaded_at desc, _page desc)
            as copy_rank
    from landed

)

select
    typed.ranking_year, typed.agency_code, typed.agency_name_source, typed.score, typed.grade_name_vi,
    labels.grade_code, typed.file_name, typed.load_id, typed.loaded_at
from typed
left join {{ ref('par_ranking_grade_labels') }} as labels
    on labels.grade_label = lower(typed.grade_name_vi)
where typed.copy_rank = 1
