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

latest as (

    {{ latest_versions('typed', ['unit_code', 'month_start', 'sex_code', 'age_band'], 'updated_at') }}

)

select unit_code, month_start, sex_code, age_band, residents, updated_at, load_id, loaded_at
from latest
