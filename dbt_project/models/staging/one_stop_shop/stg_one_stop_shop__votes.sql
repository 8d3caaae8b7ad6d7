-- Satisfaction votes (DanhGia) of the latest dossier version present in votes.
with landed as (

    select * from {{ accepted_loads(source('one_stop_shop', 'votes')) }} as src

),

typed as (

    select
        {{ clean_code('MaHoSo') }} as dossier_code,
        {{ parse_source_timestamp('NgayCapNhat') }} as dossier_updated_at,
        cast(MucDoHaiLong as integer) as satisfaction_level_code,
        {{ parse_source_timestamp('NgayDanhGia') }} as voted_at,
        {{ landed_batch_columns() }}
    from landed

),

latest as (

    {{ latest_child_rows('typed', ['satisfaction_level_code', 'voted_at']) }}

)

select
    dossier_code,
    dossier_updated_at,
    satisfaction_level_code,
    voted_at,
    load_id,
    loaded_at
from latest
