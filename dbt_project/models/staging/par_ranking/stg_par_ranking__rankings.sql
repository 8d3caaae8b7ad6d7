-- The yearly PAR ranking of the latest accepted load: one row per year and agency, the grade as written.
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

select ranking_year, agency_code, agency_name_source, score, grade_name_vi, file_name, load_id, loaded_at
from typed
where copy_rank = 1
