-- Result documents (KetQua) of the latest dossier version present in results.
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook="{{ delete_recomputed_dossiers() }}") }}
with typed as (

    select * from {{ versions_to_recompute(ref('stg_one_stop_shop__result_versions')) }} as recomputed

),

latest as (

    {{ latest_child_rows('typed', ['document_code', 'document_name', 'result_file_url']) }}

)

select
    dossier_code,
    dossier_updated_at,
    document_code,
    document_name,
    result_file_url,
    load_id,
    loaded_at
from latest
