-- Supplement rounds (BoSung, Mẫu 02) of the latest dossier version present in supplements.
with landed as (

    select * from {{ accepted_loads(source('one_stop_shop', 'supplements')) }} as src

),

typed as (

    select
        {{ clean_code('MaHoSo') }} as dossier_code,
        {{ parse_source_timestamp('NgayCapNhat') }} as dossier_updated_at,
        cast(LanBoSung as integer) as supplement_round,
        {{ parse_source_timestamp('NgayYeuCau') }} as requested_at,
        (cast(CoVanBanYeuCau as integer) = 1) as has_written_request,
        {{ parse_source_timestamp('NgayBoSung') }} as supplied_at,
        {{ parse_source_timestamp('NgayHenTraTruoc') }} as previous_due_at,
        {{ parse_source_timestamp('NgayHenTraMoi') }} as new_due_at,
        {{ landed_batch_columns() }}
    from landed

),

latest as (

    {{ latest_child_rows('typed', ['supplement_round', 'requested_at', 'has_written_request', 'supplied_at', 'previous_due_at', 'new_due_at']) }}

)

select
    dossier_code,
    dossier_updated_at,
    supplement_round,
    requested_at,
    has_written_request,
    supplied_at,
    previous_due_at,
    new_due_at,
    load_id,
    loaded_at
from latest
