-- Submitted documents (GiayToNop) of the latest dossier version present in documents.
with landed as (

    select * from {{ accepted_loads(source('one_stop_shop', 'documents')) }} as src

),

typed as (

    select
        {{ clean_code('MaHoSo') }} as dossier_code,
        {{ parse_source_timestamp('NgayCapNhat') }} as dossier_updated_at,
        {{ clean_text('MaGiayTo') }} as document_code,
        {{ clean_text('TenGiayTo') }} as document_name,
        (cast(DuocSoHoa as integer) = 1) as is_digitised,
        (cast(DuocTaiSuDung as integer) = 1) as is_reused,
        (cast(DuocLayTuKhoDMQG as integer) = 1) as is_from_personal_data_store,
        {{ landed_batch_columns() }}
    from landed

),

latest as (

    {{ latest_child_rows('typed', ['document_code', 'document_name', 'is_digitised', 'is_reused', 'is_from_personal_data_store']) }}

)

select
    dossier_code,
    dossier_updated_at,
    document_code,
    document_name,
    is_digitised,
    is_reused,
    is_from_personal_data_store,
    load_id,
    loaded_at
from latest
