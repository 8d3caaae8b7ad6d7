{#- The officials (cán bộ, công chức xử lý; pseudonymous NguoiXuLy) named by the process steps of
    each clean dossier, one row per step that names one, with the step's time (Vietnam local time,
    UTC+7). The officials mart counts a dossier for an official in a year when a step in that year
    names the official. Incremental by dossier (stg_one_stop_shop__changed_dossiers). -#}
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_recomputed_dossiers() }}") }}
select
    events.dossier_code,
    events.handling_official_key,
    events.step_number,
    events.step_at,
    events.status_code,
    events.official_title
from {{ ref('stg_one_stop_shop__status_events') }} as events
inner join {{ ref('stg_one_stop_shop__dossiers') }} as dossiers
    on dossiers.dossier_code = events.dossier_code
where events.handling_official_key is not null
  and events.step_at is not null
  and {{ recomputed_dossier('events.dossier_code') }}
