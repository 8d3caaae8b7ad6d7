{#- The officials (cán bộ, công chức xử lý) named by the process steps of each clean dossier, one row
    per step that names one, with the step's time (Vietnam local time, UTC+7): the handler's
    one-stop-shop account (TaiKhoanXuLy) and name (NguoiXuLy), both keyed hashes; older exports carry
    the name only. int_official_identities turns them into the official's key. The officials mart counts a dossier for an official in a year when a step in that year
    names the official. Incremental by dossier (stg_one_stop_shop__changed_dossiers). -#}
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_recomputed_dossiers() }}") }}
select
    events.dossier_code,
    events.handling_account_key,
    events.handling_name_key,
    events.step_number,
    events.step_at,
    events.status_code,
    events.official_title
from {{ ref('stg_one_stop_shop__status_events') }} as events
inner join {{ ref('stg_one_stop_shop__dossiers') }} as dossiers
    on dossiers.dossier_code = events.dossier_code
where
    (events.handling_account_key is not null or events.handling_name_key is not null)
    and events.step_at is not null
    and {{ recomputed_dossier('events.dossier_code') }}
