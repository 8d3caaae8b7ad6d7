{#-
    The end time of each dossier (thời điểm kết thúc xử lý, docs/definitions.md "End time"): the FIRST end event,
    i.e. the earliest of
      - a process step whose status ends a dossier (seed dossier_statuses.ends_dossier:
        9 processed, 10 result returned, 8 stopped, 3 not accepted, 7 withdrawn by the applicant);
      - the dossier's own dates: NgayKetThucXuLy (as 9), NgayTra (as 10), NgayTuChoi (as 3 if the
        dossier's status is 3, else as 8).
    On a tie the higher status code wins (10 before 9) only to make the choice deterministic.
    "As of a period end" the dossier has ended iff end_at <= period_end: the first event by the
    period end is this first event whenever it falls by then. The supplement rule (a dossier
    waiting on its only supplement request ends at that request) depends on the period and is
    applied in int_dossier_period_status.
    Incremental by dossier: a build recomputes the dossiers of stg_one_stop_shop__changed_dossiers.
-#}
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_recomputed_dossiers() }}") }}
with ending_statuses as (

    select status_code
    from {{ ref('dossier_statuses') }}
    where ends_dossier

),

step_ends as (

    select
        events.dossier_code,
        events.step_at as ended_at,
        events.status_code as end_status_code,
        'process_step' as end_source
    from {{ ref('stg_one_stop_shop__status_events') }} as events
    inner join ending_statuses
        on ending_statuses.status_code = events.status_code
    where
        events.step_at is not null
        and {{ recomputed_dossier('events.dossier_code') }}

),

dossiers as (

    select dossier_code, status_code, processing_ended_at, result_returned_at, refused_at
    from {{ ref('stg_one_stop_shop__dossiers') }}
    where {{ recomputed_dossier('dossier_code') }}

),

dossier_ends as (

    select
        dossier_code, processing_ended_at as ended_at, 9 as end_status_code,
        'dossier_processing_ended_at' as end_source
    from dossiers
    where processing_ended_at is not null

    union all

    select
        dossier_code, result_returned_at as ended_at, 10 as end_status_code,
        'dossier_result_returned_at' as end_source
    from dossiers
    where result_returned_at is not null

    union all

    select
        dossier_code, refused_at as ended_at,
        case when status_code = 3 then 3 else 8 end as end_status_code,
        'dossier_refused_at' as end_source
    from dossiers
    where refused_at is not null

),

all_ends as (

    select * from step_ends
    union all
    select * from dossier_ends

),

first_ends as (

    {#- the first end event by (time, higher status, source): one hash aggregate (macro arg_min_by) -#}
    select
        dossier_code,
        min(ended_at) as end_at,
        {{ arg_min_by('end_status_code', ['ended_at', '-end_status_code', 'end_source']) }} as end_status_code,
        {{ arg_min_by('end_source', ['ended_at', '-end_status_code', 'end_source']) }} as end_source
    from all_ends
    group by dossier_code

)

select
    dossier_code,
    end_at,
    end_status_code,
    end_source
from first_ends
