-- Residents per commune-level unit, month, sex and age band: the latest version of each count.
with typed as (

    select
        {{ clean_text('MaDonVi') }} as unit_code,
        cast(ThangBaoCao || '-01' as date) as month_start,
        cast(GioiTinh as integer) as sex_code,
        {{ clean_text('NhomTuoi') }} as age_band,
        cast(SoNguoi as bigint) as residents,
        cast(replace(NgayCapNhat, 'T', ' ') as timestamp) as updated_at,
        {{ landed_batch_columns() }}
    from {{ accepted_loads(source('population_registry', 'residents')) }} as src

),

ranked as (

    select
        typed.*,
        row_number() over (
            partition by typed.unit_code, typed.month_start, typed.sex_code, typed.age_band
            order by typed.updated_at desc, typed.loaded_at desc, typed.load_id desc, typed.page desc
        ) as version_rank
    from typed

)

select unit_code, month_start, sex_code, age_band, residents, updated_at, load_id, loaded_at
from ranked
where version_rank = 1
