-- Apologies (XinLoi, Mẫu 04) of the latest dossier version present in apologies.
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook="{{ delete_recomputed_dossiers() }}") }}
with typed as (

    select * from {{ versions_to_recompute(ref('stg_one_stop_shop__apology_versions')) }} as recomputed

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
