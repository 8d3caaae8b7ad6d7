{#-
    The actual value of each program target (seed program_targets) per reporting period, one
    block per target whose source is in the warehouse. A target with no block here, or a period
    with no row, shows "no data" in mart_program_targets: never a number the sources do not give.

    To wire a new source into a target (e.g. T07 from the cadre software's mart_public_service_units):
    add one block `union all select 'T07' as target_id, period_type, period_key, <actual>, <numerator>,
    <denominator>, <note> from {{ ref('...') }}`, and check the target's source_model and
    source_filter in the seed say where the rows are. Each block: actual_value in the seed's unit
    (count, rate as a decimal share, change as a decimal difference), numerator and denominator
    when the value is a share or count of something (else null), a short note (or null).
    Sources not in the warehouse yet: T03, T07, T08, T11 (cadre software), T09, T13 (budget
    disclosures).
-#}
with periods as (

    select period_type, period_key, period_year, period_start
    from {{ ref('int_reporting_periods') }}

),

province as (

    select * from {{ ref('mart_province_service_quality') }}

),

{#- T01: agencies over the T01 thresholds among those rated in the period -#}
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

{#- T02 (late-rate side): officials over the dated T02 threshold among those with dossiers in the year -#}
t02 as (

    select
        'T02' as target_id, 'year' as period_type, cast(year as {{ dbt.type_string() }}) as period_key,
        sum(case when cannot_be_rated_good then 1 else 0 end) as actual_value,
        sum(case when cannot_be_rated_good then 1 else 0 end) as numerator,
        count(*) as denominator,
        cast(null as {{ dbt.type_string() }}) as note
    from {{ ref('mart_official_performance') }}
    where cannot_be_rated_good is not null
    group by year

),

{#- T04: procedures with dossiers received in the period that are offered full-online -#}
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

{#- T05: dossiers synced to DVCQG, the province's 766 indicator 1.4 -#}
t05 as (

    select
        'T05' as target_id, period_type, period_key,
        rate as actual_value, numerator, denominator,
        cast(null as {{ dbt.type_string() }}) as note
    from {{ ref('mart_766_index') }}
    where scope = 'province' and indicator_id = '1.4' and rate is not null

),

t06 as (

    select 'T06' as target_id, period_type, period_key,
           online_share as actual_value, received_online as numerator, dossiers_received as denominator,
           cast(null as {{ dbt.type_string() }}) as note
    from province
    where online_share is not null

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

{#- T12: for each of the five indices, its latest edition up to the year; how many are in the dated top -#}
t12_editions as (

    select
        periods.period_key,
        indices.index_code,
        indices.is_in_t12_top,
        row_number() over (partition by periods.period_key, indices.index_code
                           order by indices.edition_year desc) as edition_rank
    from periods
    inner join {{ ref('mart_external_indices') }} as indices
        on indices.edition_year <= periods.period_year
       and indices.counts_for_t12
       and indices.is_in_t12_top is not null
    where periods.period_type = 'year'

),

t12 as (

    select
        'T12' as target_id, 'year' as period_type, period_key,
        sum(case when is_in_t12_top then 1 else 0 end) as actual_value,
        sum(case when is_in_t12_top then 1 else 0 end) as numerator,
        (select count(*) from {{ ref('external_index_catalogue') }} where counts_for_t12) as denominator,
        cast(count(*) as {{ dbt.type_string() }}) || ' of the five indices have a published rank' as note
    from t12_editions
    where edition_rank = 1
    group by period_key

),

t14 as (

    select 'T14' as target_id, period_type, period_key,
           apology_coverage as actual_value, late_with_apology as numerator,
           finished_late + overdue_at_end as denominator,
           cast(null as {{ dbt.type_string() }}) as note
    from province
    where apology_coverage is not null

),

{#- T15: online-paid share minus the same period a year earlier -#}
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
        on year_before.period_type = current_period.period_type
       and year_before.period_start = {{ add_interval('year', -1, 'current_period.period_start') }}
    where current_period.online_paid_share is not null
      and year_before.online_paid_share is not null

),

actuals as (

    select * from t01
    union all select * from t02
    union all select * from t04
    union all select * from t05
    union all select * from t06
    union all select * from t10
    union all select * from t12
    union all select * from t14
    union all select * from t15

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
