-- Submitted documents (GiayToNop) of the latest dossier version present in documents.
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook="{{ delete_recomputed_dossiers() }}") }}
with typed as (

    select * from {{ versions_to_recompute(ref('stg_one_stop_shop__document_versions')) }} as recomputed

),

latest as (

    {{ latest_child_rows('typed', [
        'document_code', 'document_name', 'is_digitised', 'is_reused', 'is_from_personal_data_store'
    ]) }}

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
