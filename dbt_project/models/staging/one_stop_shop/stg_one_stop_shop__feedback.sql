-- Citizen feedback (PhanAnhKienNghi, PAKN) of the latest dossier version present in feedback.
-- Its first pre-hook notes the periods its deleted rows counted in (macros/period_increments.sql).
{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook=["{{ note_event_periods('feedback_received_at') }}", "{{ delete_recomputed_dossiers() }}"]) }}
with typed as (

    select * from {{ versions_to_recompute(ref('stg_one_stop_shop__feedback_versions')) }} as recomputed

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
