{#-
    Late-dossier rate of each handling official (cán bộ, công chức, viên chức; pseudonymous key)
    per calendar year, and the T02 flag. A dossier counts for an official in a year when one of its
    process steps in that year names the official and the dossier is in the year's on-time
    denominator (finished in the year, or pending at its end: int_dossier_period_status, period
    type year). Late = finished late, or pending and overdue at the year's end. A dossier whose due
    date cannot be determined is judged neither way and left out (§6).
    The official is the one int_official_identities resolves the step's account (else name) to:
    namesakes with accounts are two officials; a dossier that names the same official by account
    and by name counts once. An official not judged (not_judged_reason) has no T02 flag.
    Built in the cadre's step (tag workforce): officials are persons of the cadre register.
-#}
{{ config(tags=['workforce']) }}
with year_status as (

    select
        dossier_code,
        period_key,
        period_year,
        period_start,
        period_end,
        (is_finished_late or is_overdue_at_end) as is_late
    from {{ ref('int_dossier_period_status') }}
    where
        period_type = 'year'
        and (is_finished_in_period or is_pending_at_end)
        and not is_due_date_unknown

),

handled_by as (

    -- one row per handler, dossier and year (int_dossier_official_years: the year's first step by
    -- the handler, on or after the year's start, so "by the year's end" is "a step in the year"),
    -- with the official the handler is
    select
        identities.official_key,
        identities.person_code,
        identities.not_judged_reason,
        official_years.identified_by,
        year_status.dossier_code,
        year_status.period_year,
        year_status.period_start,
        year_status.period_end,
        year_status.is_late
    from {{ ref('int_dossier_official_years') }} as official_years
    inner join {{ ref('int_official_identities') }} as identities
        on
            identities.identified_by = official_years.identified_by
            and identities.handler_key = official_years.handler_key
    inner join year_status
        on
            year_status.dossier_code = official_years.dossier_code
            and year_status.period_year = official_years.step_year
            and official_years.first_step_at <= year_status.period_end

),

handled as (

    -- one row per official, dossier and year (an official's account and name may name one dossier)
    select
        official_key,
        dossier_code,
        period_year,
        period_start,
        period_end,
        max(case when is_late then 1 else 0 end) as is_late
    from handled_by
    group by official_key, dossier_code, period_year, period_start, period_end

),

identified as (

    select
        official_key,
        period_year,
        max(person_code) as person_code,
        max(case when identified_by = 'account' then 1 else 0 end) as by_account,
        max(case when identified_by = 'name' then 1 else 0 end) as by_name,
        max(not_judged_reason) as not_judged_reason
    from handled_by
    group by official_key, period_year

),

counts as (

    select
        official_key,
        period_year,
        period_start,
        period_end,
        count(*) as dossiers_handled,
        sum(is_late) as dossiers_late
    from handled
    group by official_key, period_year, period_start, period_end

),

thresholds as (

    select valid_from, valid_to, threshold_value
    from {{ ref('service_quality_thresholds') }}
    where threshold_code = 'official_late_rate_max'

)

select
    cast(counts.official_key as {{ dbt.type_string() }}) as official_key,
    cast(counts.period_year as integer) as year,
    cast(identified.person_code as {{ dbt.type_string() }}) as person_code,
    cast(case
        when identified.by_account = 1 and identified.by_name = 1 then 'account_and_name'
        when identified.by_account = 1 then 'account'
        else 'name'
    end as {{ dbt.type_string() }}) as identified_by,
    cast(identified.not_judged_reason as {{ dbt.type_string() }}) as not_judged_reason,
    cast(counts.period_start as timestamp) as period_start,
    cast(counts.period_end as timestamp) as period_end,
    cast(counts.dossiers_handled as bigint) as dossiers_handled,
    cast(counts.dossiers_late as bigint) as dossiers_late,
    {{ safe_rate('counts.dossiers_late', 'counts.dossiers_handled') }} as late_rate,
    cast(thresholds.threshold_value as decimal(9, 4)) as late_rate_threshold,
    case
        when counts.dossiers_handled = 0 or identified.not_judged_reason is not null then null
        else counts.dossiers_late >= thresholds.threshold_value * counts.dossiers_handled
    end as cannot_be_rated_good
from counts
inner join identified
    on
        identified.official_key = counts.official_key
        and identified.period_year = counts.period_year
left join thresholds
    on
        thresholds.valid_from <= cast(counts.period_start as date)
        and (thresholds.valid_to is null or thresholds.valid_to >= cast(counts.period_start as date))
