{#- For each clean dossier, each official its process steps name (pseudonymous key) and each calendar
    year of those steps (local time, UTC+7): the year's first such step. The officials mart counts a
    dossier for an official in a year when a step in that year, up to the year's end (the as-of moment
    for the year still running), names the official: when the year's first step is by then (a year
    period starts on 1 January, 00:00:00, so no step of the year comes before it). One row per dossier,
    official and year, so the mart joins without a distinct over every step. Incremental by dossier
    (stg_one_stop_shop__changed_dossiers). -#}
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_recomputed_dossiers() }}") }}
select
    handlers.dossier_code,
    handlers.handling_official_key,
    cast(extract(year from handlers.step_at) as integer) as step_year,
    min(handlers.step_at) as first_step_at
from {{ ref('int_dossier_handlers') }} as handlers
where {{ recomputed_dossier('handlers.dossier_code') }}
group by handlers.dossier_code, handlers.handling_official_key, cast(extract(year from handlers.step_at) as integer)
