{#- Agency periods where more than the dated share (seed service_quality_thresholds,
    agency_due_date_unknown_share_max, 1%) of the dossiers the on-time rule looks at (finished in
    the period or pending at its end) have no determinable due date. A warning: those dossiers are
    already kept out of the on-time rate, but a high share makes the agency's rate unreliable. -#}
{{ config(severity='warn') }}
with thresholds as (

    select valid_from, valid_to, threshold_value
    from {{ ref('service_quality_thresholds') }}
    where threshold_code = 'agency_due_date_unknown_share_max'

)

select
    quality.agency_code,
    quality.period_type,
    quality.period_key,
    quality.due_date_unknown,
    quality.dossiers_finished + quality.pending_at_end as judged_dossiers,
    thresholds.threshold_value
from {{ ref('mart_agency_service_quality') }} as quality
inner join thresholds
    on
        thresholds.valid_from <= cast(quality.period_start as date)
        and (thresholds.valid_to is null or thresholds.valid_to >= cast(quality.period_start as date))
where quality.due_date_unknown > thresholds.threshold_value * (quality.dossiers_finished + quality.pending_at_end)
