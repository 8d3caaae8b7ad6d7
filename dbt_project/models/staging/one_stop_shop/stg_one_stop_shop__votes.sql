-- Satisfaction votes (DanhGia) of the latest dossier version present in votes.
-- Its first pre-hook notes the periods its deleted rows counted in (macros/period_increments.sql).
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook=["{{ note_event_periods('voted_at') }}", "{{ delete_recomputed_dossiers() }}"]) }}
with typed as (

    select * from {{ versions_to_recompute(ref('stg_one_stop_shop__vote_versions')) }} as recomputed

),

latest as (

    {{ latest_child_rows('typed', ['satisfaction_level_code', 'voted_at']) }}

)

select
    dossier_code,
    dossier_updated_at,
    satisfaction_level_code,
    voted_at,
    load_id,
    loaded_at
from latest
