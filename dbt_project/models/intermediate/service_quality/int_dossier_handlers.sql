{#- The officials (cán bộ, công chức xử lý) named by the process steps of each clean dossier, one row
    per step that names one, with the step's time (Vietnam local time, UTC+7): the handler's
    one-stop-shop account (TaiKhoanXuLy) and name (NguoiXuLy), both keyed hashes; older exports carry
    the name only. int_official_identities turns them into the official's key. The officials mart
    counts a dossier for an official in a year when a step in that year names the official.

    T02 by the official's own steps (docs/program_tracker.md T02): a step row is the moment its
    official took the dossier into the status (ThoiDiemXuLy); the step is the official's until the
    dossier's next step (step_ended_at, the next step's time), or ends at its own moment when its
    status ends the dossier (seed dossier_statuses.ends_dossier: the end event is the action); null
    while the step is still open. step_due_at is the step's own deadline (NgayKetThucTheoQuyDinh),
    null where the source sends none. is_own_step: the step is the official's working time, not a
    wait on the applicant (dossier_statuses.waits_on_applicant: 5 supplement, 6 payment requested).
    Incremental by dossier (stg_one_stop_shop__changed_dossiers). -#}
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_recomputed_dossiers() }}") }}
with steps as (

    select
        events.dossier_code,
        events.handling_account_key,
        events.handling_name_key,
        events.step_number,
        events.step_at,
        events.status_code,
        events.official_title,
        events.step_due_at,
        lead(events.step_at) over (partition by events.dossier_code order by events.step_number) as next_step_at
    from {{ ref('stg_one_stop_shop__status_events') }} as events
    inner join {{ ref('stg_one_stop_shop__dossiers') }} as dossiers
        on dossiers.dossier_code = events.dossier_code
    where
        events.step_at is not null
        and {{ recomputed_dossier('events.dossier_code') }}

)

select
    steps.dossier_code,
    steps.handling_account_key,
    steps.handling_name_key,
    steps.step_number,
    steps.step_at,
    steps.status_code,
    steps.official_title,
    steps.step_due_at,
    case
        when statuses.ends_dossier then steps.step_at
        else steps.next_step_at
    end as step_ended_at,
    not coalesce(statuses.waits_on_applicant, false) as is_own_step
from steps
left join {{ ref('dossier_statuses') }} as statuses
    on statuses.status_code = steps.status_code
where steps.handling_account_key is not null or steps.handling_name_key is not null
