-- Supplement rounds (BoSung, Mẫu 02) of the latest dossier version present in supplements.
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook="{{ delete_recomputed_dossiers() }}") }}
with typed as (

    select * from {{ versions_to_recompute(ref('stg_one_stop_shop__supplement_versions')) }} as recomputed

),

latest as (

    {{ latest_child_rows('typed', [
        'supplement_round', 'requested_at', 'has_written_request', 'supplied_at', 'previous_due_at', 'new_due_at'
    ]) }}

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
