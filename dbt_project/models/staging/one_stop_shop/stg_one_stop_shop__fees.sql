-- Fees and charges (LePhi) of the latest dossier version present in fees. Amounts in VND, integers.
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook="{{ delete_recomputed_dossiers() }}") }}
with typed as (

    select * from {{ versions_to_recompute(ref('stg_one_stop_shop__fee_versions')) }} as recomputed

),

latest as (

    {{ latest_child_rows('typed', ['fee_code', 'fee_name', 'fee_amount_vnd']) }}

)

select
    dossier_code,
    dossier_updated_at,
    fee_code,
    fee_name,
    fee_amount_vnd,
    load_id,
    loaded_at
from latest
