-- Citizen feedback (PhanAnhKienNghi, PAKN) of the latest dossier version present in feedback.
with landed as (

    select * from {{ accepted_loads(source('one_stop_shop', 'feedback')) }} as src

),

typed as (

    select
        {{ clean_code('MaHoSo') }} as dossier_code,
        {{ parse_source_timestamp('NgayCapNhat') }} as dossier_updated_at,
        {{ clean_text('MaPAKN') }} as feedback_code,
        {{ parse_source_timestamp('NgayTiepNhanPAKN') }} as feedback_received_at,
        {{ parse_source_timestamp('NgayTraLoiPAKN') }} as feedback_answered_at,
        {{ landed_batch_columns() }}
    from landed

),

latest as (

    {{ latest_child_rows('typed', ['feedback_code', 'feedback_received_at', 'feedback_answered_at']) }}

)

select
    dossier_code,
    dossier_updated_at,
    feedback_code,
    feedback_received_at,
    feedback_answered_at,
    load_id,
    loaded_at
from latest
