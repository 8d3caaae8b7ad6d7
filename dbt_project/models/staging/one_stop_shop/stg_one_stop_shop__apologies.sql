-- Apologies (XinLoi, Mẫu 04) of the latest dossier version present in apologies.
with landed as (

    select * from {{ accepted_loads(source('one_stop_shop', 'apologies')) }} as src

),

typed as (

    select
        {{ clean_code('MaHoSo') }} as dossier_code,
        {{ parse_source_timestamp('NgayCapNhat') }} as dossier_updated_at,
        cast(LanXinLoi as integer) as apology_round,
        {{ parse_source_timestamp('NgayXinLoi') }} as apologized_at,
        {{ parse_source_timestamp('NgayHenTraMoi') }} as new_due_at,
        {{ landed_batch_columns() }}
    from landed

),

latest as (

    {{ latest_child_rows('typed', ['apology_round', 'apologized_at', 'new_due_at']) }}

)

select
    dossier_code,
    dossier_updated_at,
    apology_round,
    apologized_at,
    new_due_at,
    load_id,
    loaded_at
from latest
