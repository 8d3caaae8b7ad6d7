{#-
    Reporting periods (kỳ báo cáo): every calendar month, quarter, half-year and year in local time from
    var reporting_start (2022-01) to the month of var reporting_as_of (empty = today).
    period_start is 00:00:00 of the first day, period_end 23:59:59 of the last day (docs/definitions.md,
    "at the period's end"). The current month, quarter and year are included while still running:
    for them period_end is the as-of moment (now in Vietnam, or 23:59:59 of var reporting_as_of),
    so a dossier is never judged at a future date (is_complete tells them apart).
-#}
with as_of as (

    select
        {% if var('reporting_as_of') -%}
        {{ dbt.dateadd('second', -1, dbt.dateadd('day', 1, "cast(date '" ~ var('reporting_as_of') ~ "' as timestamp)")) }}
        {%- else -%}
            {{ local_now() }}
        {%- endif %} as as_of_at

),

months as (

    select spine.date_day as month_start
    from {{ date_spine_days(var('reporting_start'), var('calendar_end')) }} as spine
    cross join as_of
    where
        extract(day from spine.date_day) = 1
        and spine.date_day <= cast(as_of.as_of_at as date)

),

parts as (

    select
        month_start,
        cast(extract(year from month_start) as integer) as period_year,
        cast(extract(month from month_start) as integer) as period_month
    from months

),

periods as (

    select
        'month' as period_type,
        cast(period_year as {{ dbt.type_string() }})
        || '-'
        || lpad(cast(period_month as {{ dbt.type_string() }}), 2, '0') as period_key,
        period_year,
        month_start,
        1 as month_count
    from parts

    union all

    select
        'quarter' as period_type,
        cast(period_year as {{ dbt.type_string() }})
        || '-Q'
        || cast(cast((period_month + 2) / 3 as integer) as {{ dbt.type_string() }}) as period_key,
        period_year,
        month_start,
        3 as month_count
    from parts
    where period_month in (1, 4, 7, 10)

    union all

    select
        'half_year' as period_type,
        cast(period_year as {{ dbt.type_string() }})
        || '-H'
        || case when period_month = 1 then '1' else '2' end as period_key,
        period_year,
        month_start,
        6 as month_count
    from parts
    where period_month in (1, 7)

    union all

    select
        'year' as period_type,
        cast(period_year as {{ dbt.type_string() }}) as period_key,
        period_year,
        month_start,
        12 as month_count
    from parts
    where period_month = 1

),

bounded as (

    select
        periods.period_type,
        periods.period_key,
        periods.period_year,
        cast(periods.month_start as timestamp) as period_start,
        {{ dbt.dateadd('second', -1, dbt.dateadd(
            'month', 'periods.month_count', 'cast(periods.month_start as timestamp)')) }} as full_period_end,
        periods.month_start as period_start_date,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 'periods.month_count', 'periods.month_start')) }} as date)
            as period_end_date,
        as_of.as_of_at
    from periods
    cross join as_of

)

select
    period_type,
    period_key,
    period_year,
    period_start,
    case when full_period_end <= as_of_at then full_period_end else as_of_at end as period_end,
    (full_period_end <= as_of_at) as is_complete,
    period_start_date,
    period_end_date
from bounded
