{#-
    The actual value of each program target (seed program_targets) per reporting period, one
    block per target. A target with no block, or a period with no row, shows "no data" in
    mart_program_targets: never a number the sources do not give. A year the source mart has no
    rows for, or no value (no baseline, no rated head, no document), gets no row.

    To wire a new source into a target: add a CTE `select 'Tnn' as target_id, period_type,
    period_key, <actual>, <numerator>, <denominator>, <note> from {{ ref('...') }}`, union it into
    `actuals`, and check the target's source_model and source_filter in the seed say where the rows
    are. Each block: actual_value in the seed's unit (count; rate as a decimal share; change as a
    decimal difference; relative_change as a decimal share of the baseline, -0.10 for -10%),
    numerator and denominator when the value is a share or count of something (else null), a short
    note (or null).
-#}
with periods as (

    select period_type, period_key, period_year, period_start
    from {{ ref('int_reporting_periods') }}

),

province as (

    select * from {{ ref('mart_province_service_quality') }}

),

{# T01: agencies over the T01 thresholds among those rated in the period -#}
t01 as (

    select
        'T01' as target_id, period_type, period_key,
        sum(case when cannot_be_ranked_good then 1 else 0 end) as actual_value,
        sum(case when cannot_be_ranked_good then 1 else 0 end) as numerator,
        count(*) as denominator,
        cast(null as {{ dbt.type_string() }}) as note
    from {{ ref('mart_agency_service_quality') }}
    where cannot_be_ranked_good is not null
    group by period_type, period_key

),

{# T02: officials rated good or above in the year although at or over the dated late-rate threshold
    (mart_official_rating_eligibility.is_t02_breach), out of those over it who were appraised. A year
    needs both sides: the late-rate side (mart_official_performance) and the cadre appraisals. The
    late rate is by the official's own steps; the note says how many judged officials the dossier
    rule judged in part or whole (steps without a deadline of their own: late_rule). -#}
t02_over_threshold as (

    select
        year,
        sum(case when cannot_be_rated_good then 1 else 0 end) as officials_over_threshold,
        count(*) as officials_judged,
        sum(case when late_rule <> 'own_steps' then 1 else 0 end) as officials_by_dossier_rule
    from {{ ref('mart_official_performance') }}
    where cannot_be_rated_good is not null
    group by year

),

t02 as (

    select
        'T02' as target_id, 'year' as period_type, cast(appraised.year as {{ dbt.type_string() }}) as period_key,
        sum(case when appraised.is_t02_breach then 1 else 0 end) as actual_value,
        sum(case when appraised.is_t02_breach then 1 else 0 end) as numerator,
        sum(case when appraised.is_over_threshold then 1 else 0 end) as denominator,
        cast(max(over_threshold.officials_over_threshold) as {{ dbt.type_string() }})
        || ' officials over the late-rate threshold, '
        || cast(sum(case when appraised.is_over_threshold then 1 else 0 end) as {{ dbt.type_string() }})
        || ' of them appraised; '
        || cast(max(over_threshold.officials_by_dossier_rule) as {{ dbt.type_string() }})
        || ' of the '
        || cast(max(over_threshold.officials_judged) as {{ dbt.type_string() }})
        || ' judged officials by the dossier rule in part or whole (steps without a deadline)' as note
    from {{ ref('mart_official_rating_eligibility') }} as appraised
    inner join t02_over_threshold as over_threshold
        on over_threshold.year = appraised.year
    group by appraised.year

),

{# T03: heads of ranked agencies rated good or above although the agency's PAR grade is average or
    below (mart_head_accountability.is_head_rating_breach), out of the ranked agencies whose head has
    a rating; a year with no rated head has no value. -#}
t03 as (

    select
        'T03' as target_id, 'year' as period_type, cast(year as {{ dbt.type_string() }}) as period_key,
        sum(case when is_head_rating_breach then 1 else 0 end) as actual_value,
        sum(case when is_head_rating_breach then 1 else 0 end) as numerator,
        count(head_rating_code) as denominator,
        cast(count(head_rating_code) as {{ dbt.type_string() }}) || ' of '
        || cast(count(*) as {{ dbt.type_string() }})
        || ' ranked agencies have a rated head; accountability triggered in '
        || cast(sum(case when is_accountability_triggered then 1 else 0 end) as {{ dbt.type_string() }})
        || ' (average two years running or weak)' as note
    from {{ ref('mart_head_accountability') }}
    group by year
    having count(head_rating_code) > 0

),

{# T04: procedures with dossiers received in the period that are offered full-online -#}
t04 as (

    select
        'T04' as target_id, handled.period_type, handled.period_key,
        {{ safe_rate('sum(case when procedures.full_online_eligible then 1 else 0 end)', 'count(*)') }} as actual_value,
        sum(case when procedures.full_online_eligible then 1 else 0 end) as numerator,
        count(*) as denominator,
        cast(null as {{ dbt.type_string() }}) as note
    from (
        select distinct period_type, period_key, procedure_code
        from {{ ref('int_dossier_period_status') }}
        where is_received_in_period
    ) as handled
    inner join {{ ref('procedures') }} as procedures
        on procedures.procedure_code = handled.procedure_code
    group by handled.period_type, handled.period_key

),

{# T05: dossiers synced to DVCQG, the province's 766 indicator 1.4 -#}
t05 as (

    select
        'T05' as target_id, period_type, period_key,
        rate as actual_value, numerator, denominator,
        cast(null as {{ dbt.type_string() }}) as note
    from {{ ref('mart_766_index') }}
    where scope = 'province' and indicator_id = '1.4' and rate is not null

),

t06 as (

    select
        'T06' as target_id, period_type, period_key,
        online_share as actual_value, received_online as numerator, dossiers_received as denominator,
        cast(null as {{ dbt.type_string() }}) as note
    from province
    where online_share is not null

),

{# T07: public service units in force at the year's end against the baseline (2021-12-31) -#}
t07 as (

    select
        'T07' as target_id, 'year' as period_type, cast(year as {{ dbt.type_string() }}) as period_key,
        {{ safe_rate('units_in_force - baseline_units', 'baseline_units') }} as actual_value,
        units_in_force as numerator, baseline_units as denominator,
        cast(units_created as {{ dbt.type_string() }}) || ' created, '
        || cast(units_merged as {{ dbt.type_string() }}) || ' merged, '
        || cast(units_dissolved as {{ dbt.type_string() }}) || ' dissolved in the year' as note
    from {{ ref('mart_public_service_units') }}
    where baseline_units > 0

),

{# T08: the province's civil servants in post at the year's end (the agencies' rows summed: the mart
    judges each agency) against those in post on the baseline day. The baseline is summed over every
    agency with a row in any year: an agency abolished later (the districts after 30 June 2025) has
    no row after its end but its people were part of the baseline. The budget-paid side in the note. -#}
t08_baseline as (

    select
        baseline_date, sum(baseline_civil_servants) as baseline_civil_servants,
        sum(baseline_budget_paid) as baseline_budget_paid
    from (
        select
            agency_code, baseline_date, max(baseline_civil_servants) as baseline_civil_servants,
            max(baseline_budget_paid) as baseline_budget_paid
        from {{ ref('mart_workforce') }}
        group by agency_code, baseline_date
    ) as agency_baselines
    group by baseline_date

),

t08_province as (

    select
        agencies.year,
        sum(agencies.civil_servants) as civil_servants,
        max(baseline.baseline_civil_servants) as baseline_civil_servants,
        sum(agencies.budget_paid) as budget_paid,
        max(baseline.baseline_budget_paid) as baseline_budget_paid,
        max(agencies.budget_paid_reduction_target) as budget_paid_reduction_target,
        sum(case when agencies.is_t08_on_track then 1 else 0 end) as agencies_on_track,
        count(*) as agencies
    from {{ ref('mart_workforce') }} as agencies
    inner join t08_baseline as baseline
        on baseline.baseline_date = agencies.baseline_date
    group by agencies.year

),

t08 as (

    select
        'T08' as target_id, 'year' as period_type, cast(year as {{ dbt.type_string() }}) as period_key,
        {{ safe_rate('civil_servants - baseline_civil_servants', 'baseline_civil_servants') }} as actual_value,
        civil_servants as numerator, baseline_civil_servants as denominator,
        'budget-paid people ' || cast(budget_paid as {{ dbt.type_string() }}) || ' against '
        || cast(baseline_budget_paid as {{ dbt.type_string() }}) || ' at the baseline ('
        || cast(
            {{ safe_rate('budget_paid - baseline_budget_paid', 'baseline_budget_paid') }} as {{ dbt.type_string() }}
        )
        || ', goal -' || cast(budget_paid_reduction_target as {{ dbt.type_string() }}) || '); '
        || cast(agencies_on_track as {{ dbt.type_string() }}) || ' of '
        || cast(agencies as {{ dbt.type_string() }}) || ' agencies on track on both sides' as note
    from t08_province
    where baseline_civil_servants > 0

),

{# T09: share of the public service units in the year's autonomy disclosure in groups 1 and 2 -#}
t09 as (

    select
        'T09' as target_id, 'year' as period_type, cast(fiscal_year as {{ dbt.type_string() }}) as period_key,
        max(self_financing_share) as actual_value,
        max(units_self_financing) as numerator,
        max(units_in_year) as denominator,
        cast(null as {{ dbt.type_string() }}) as note
    from {{ ref('mart_public_unit_autonomy') }}
    group by fiscal_year
    having max(self_financing_share) is not null

),

t10 as (

    select
        'T10' as target_id, 'year' as period_type, cast(event_year as {{ dbt.type_string() }}) as period_key,
        count(*) as actual_value, count(*) as numerator, cast(null as bigint) as denominator,
        cast(null as {{ dbt.type_string() }}) as note
    from {{ ref('program_events') }}
    where event_type = 'business_dialogue'
    group by event_year

),

{# T11: commune-level cadres and civil servants below their title's standard, summed over the communes -#}
t11 as (

    select
        'T11' as target_id, 'year' as period_type, cast(year as {{ dbt.type_string() }}) as period_key,
        sum(below_standard) as actual_value,
        sum(below_standard) as numerator,
        sum(cadres_and_civil_servants) as denominator,
        cast(sum(case when meets_t11 then 0 else 1 end) as {{ dbt.type_string() }}) || ' of '
        || cast(count(*) as {{ dbt.type_string() }}) || ' communes with someone below standard' as note
    from {{ ref('mart_commune_cadre_standards') }}
    group by year

),

{# T12: for each of the five indices, its latest edition up to the year; how many are in the dated top -#}
t12_editions as (

    select
        periods.period_key,
        indices.index_code,
        indices.is_in_t12_top,
        row_number() over (
            partition by periods.period_key, indices.index_code
            order by indices.edition_year desc
        ) as edition_rank
    from periods
    inner join {{ ref('mart_external_indices') }} as indices
        on
            indices.edition_year <= periods.period_year
            and indices.counts_for_t12
            and indices.is_in_t12_top is not null
    where periods.period_type = 'year'

),

t12 as (

    select
        'T12' as target_id, 'year' as period_type, period_key,
        sum(case when is_in_t12_top then 1 else 0 end) as actual_value,
        sum(case when is_in_t12_top then 1 else 0 end) as numerator,
        (
            select count(*) from {{ ref('external_index_catalogue') }} as catalogue
            where catalogue.counts_for_t12
        ) as denominator,
        cast(count(*) as {{ dbt.type_string() }}) || ' of the five indices have a published rank' as note
    from t12_editions
    where edition_rank = 1
    group by period_key

),

{# T13: share of the required disclosures judged so far (is_on_time not null) published on time; a
    year with no document of the year in the warehouse has no value (the source does not cover it) -#}
t13 as (

    select
        'T13' as target_id, 'year' as period_type, cast(fiscal_year as {{ dbt.type_string() }}) as period_key,
        {{ safe_rate('sum(case when is_on_time then 1 else 0 end)', 'count(is_on_time)') }} as actual_value,
        sum(case when is_on_time then 1 else 0 end) as numerator,
        count(is_on_time) as denominator,
        cast(sum(case when disclosure_status = 'late' then 1 else 0 end) as {{ dbt.type_string() }}) || ' late, '
        || cast(sum(case when disclosure_status = 'missing_overdue' then 1 else 0 end) as {{ dbt.type_string() }})
        || ' missing past the deadline; not judged yet: '
        || cast(count(*) - count(is_on_time) as {{ dbt.type_string() }}) as note
    from {{ ref('mart_budget_disclosure_timeliness') }}
    group by fiscal_year
    having count(document_id) > 0 and count(is_on_time) > 0

),

t14 as (

    select
        'T14' as target_id, period_type, period_key,
        apology_coverage as actual_value, late_with_apology as numerator,
        finished_late + overdue_at_end as denominator,
        cast(null as {{ dbt.type_string() }}) as note
    from province
    where apology_coverage is not null

),

{# T15: online-paid share minus the same period a year earlier -#}
t15 as (

    select
        'T15' as target_id, current_period.period_type, current_period.period_key,
        current_period.online_paid_share - year_before.online_paid_share as actual_value,
        cast(null as bigint) as numerator, cast(null as bigint) as denominator,
        'online-paid share ' || cast(current_period.online_paid_share as {{ dbt.type_string() }})
        || ' against ' || cast(year_before.online_paid_share as {{ dbt.type_string() }})
        || ' in ' || year_before.period_key as note
    from province as current_period
    inner join province as year_before
        on
            year_before.period_type = current_period.period_type
            and year_before.period_start = {{ dbt.dateadd('year', -1, 'current_period.period_start') }}
    where
        current_period.online_paid_share is not null
        and year_before.online_paid_share is not null

),

actuals as (

    select * from t01
    union all
    select * from t02
    union all
    select * from t03
    union all
    select * from t04
    union all
    select * from t05
    union all
    select * from t06
    union all
    select * from t07
    union all
    select * from t08
    union all
    select * from t09
    union all
    select * from t10
    union all
    select * from t11
    union all
    select * from t12
    union all
    select * from t13
    union all
    select * from t14
    union all
    select * from t15

)

select
    cast(target_id as {{ dbt.type_string() }}) as target_id,
    cast(period_type as {{ dbt.type_string() }}) as period_type,
    cast(period_key as {{ dbt.type_string() }}) as period_key,
    cast(actual_value as decimal(18, 6)) as actual_value,
    cast(numerator as bigint) as numerator,
    cast(denominator as bigint) as denominator,
    cast(note as {{ dbt.type_string() }}) as note
from actuals
