{#- For each clean dossier, each handler its process steps name and each calendar year of those
    steps (local time, UTC+7): the year's first such step. A handler is identified by the account
    the step carries (identified_by 'account', handler_key the account's keyed hash), else by the
    name (identified_by 'name', the name's keyed hash: older exports); int_official_identities maps
    the handler to the official. The officials mart counts a dossier for an official in a year when
    a step in that year, up to the year's end (the as-of moment for the year still running), names
    the official: when the year's first step is by then (a year period starts on 1 January,
    00:00:00, so no step of the year comes before it). One row per dossier, handler and year, so the
    mart joins without a distinct over every step. steps_without_deadline: the handler's own steps
    of the year (int_dossier_handlers.is_own_step) that carry no deadline of their own (no
    NgayKetThucTheoQuyDinh): the mart judges those by the dossier rule (T02's fallback); the steps
    with a deadline are judged by it there, from int_dossier_handlers. Incremental by dossier
    (stg_one_stop_shop__changed_dossiers). -#}
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_recomputed_dossiers() }}") }}
with handlers as (

    select
        dossier_code,
        case when handling_account_key is not null then 'account' else 'name' end as identified_by,
        coalesce(handling_account_key, handling_name_key) as handler_key,
        cast(extract(year from step_at) as integer) as step_year,
        step_at,
        case when is_own_step and step_due_at is null then 1 else 0 end as is_without_deadline
    from {{ ref('int_dossier_handlers') }}
    where {{ recomputed_dossier('dossier_code') }}

)

select
    dossier_code,
    identified_by,
    handler_key,
    step_year,
    min(step_at) as first_step_at,
    sum(is_without_deadline) as steps_without_deadline
from handlers
group by dossier_code, identified_by, handler_key, step_year
