{#-
    Late-dossier rate of each handling official (cán bộ, công chức, viên chức; pseudonymous key)
    per calendar year, and the T02 flag. A dossier counts for an official in a year when one of its
    process steps in that year names the official and the dossier is in the year's on-time
    denominator (finished in the year, or pending at its end: int_dossier_period_status, period
    type year). Late = finished late, or pending and overdue at the year's end. A dossier whose due
    date cannot be determined is judged neither way and left out (§6).
-#}
with year_status as (

    select
        dossier_code,
        period_key,
        period_year,
        period_start,
        period_end,
        (is_finished_late or is_overdue_at_end) as is_late
    from {{ ref('int_dossier_period_status') }}
    where period_type = 'year'
      and (is_finished_in_period or is_pending_at_end)
      and not is_due_date_unknown

),

handled as (

    -- one row per official, dossier and year (int_dossier_official_years: the year's first step by
    -- the official, on or after the year's start, so "by the year's end" is "a step in the year")
    select
        official_years.handling_official_key,
        year_status.dossier_code,
        year_status.period_year,
        year_status.period_start,
        year_status.period_end,
        year_status.is_late
    from {{ ref('int_dossier_official_years') }} as official_years
    inner join year_status
        on year_status.dossier_code = official_years.dossier_code
       and year_status.period_year = official_years.step_year
       and official_years.first_step_at <= year_status.period_end

),

counts as (

    select
        handling_official_key,
        period_year,
        period_start,
        period_end,
        count(*) as dossiers_handled,
        sum(case when is_late then 1 else 0 end) as dossiers_late
    from handled
    group by handling_official_key, period_year, period_start, period_end

),

thresholds as (

    select valid_from, valid_to, threshold_value
    from {{ ref('service_quality_thresholds') }}
    where threshold_code = 'official_late_rate_max'

)

select
    cast(counts.handling_official_key as {{ dbt.type_string() }}) as official_key,
    cast(counts.period_year as integer) as year,
    cast(counts.period_start as timestamp) as period_start,
    cast(counts.period_end as timestamp) as period_end,
    cast(counts.dossiers_handled as bigint) as dossiers_handled,
    cast(counts.dossiers_late as bigint) as dossiers_late,
    {{ safe_rate('counts.dossiers_late', 'counts.dossiers_handled') }} as late_rate,
    cast(thresholds.threshold_value as decimal(9, 4)) as late_rate_threshold,
    case
        when counts.dossiers_handled = 0 then null
        else counts.dossiers_late >= thresholds.threshold_value * counts.dossiers_handled
    end as cannot_be_rated_good
from counts
left join thresholds
    on thresholds.valid_from <= cast(counts.period_start as date)
   and (thresholds.valid_to is null or thresholds.valid_to >= cast(counts.period_start as date))
