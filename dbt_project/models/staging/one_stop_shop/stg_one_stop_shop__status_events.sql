-- Status events: the process steps (QuaTrinhXuLy) of the latest dossier version present in process_steps.
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook="{{ delete_recomputed_dossiers() }}") }}
with typed as (

    select * from {{ versions_to_recompute(ref('stg_one_stop_shop__process_step_versions')) }} as recomputed

),

latest as (

    {{ latest_child_rows('typed', [
        'step_number', 'handling_name_key', 'handling_account_key', 'official_title', 'step_at', 'status_code', 'step_due_at'
    ]) }}

)

select
    dossier_code,
    dossier_updated_at,
    step_number,
    handling_name_key,
    handling_account_key,
    official_title,
    step_at,
    status_code,
    step_due_at,
    load_id,
    loaded_at
from latest
