-- Submitted documents (GiayToNop) of the latest dossier version present in documents.
with typed as (

    select * from {{ ref('stg_one_stop_shop__document_versions') }}

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
