{#-
    Reporting periods (kỳ báo cáo): every calendar month, quarter and year in local time from
    var reporting_start (2022-01) to the month of var reporting_as_of (empty = today).
    period_start is 00:00:00 of the first day, period_end 23:59:59 of the last day (§6
    "at the period's end"). The current month, quarter and year are included while still running.
-#}
with months as (

    select spine.date_day as month_start
    from {{ date_spine_days(var('reporting_start'), var('calendar_end')) }} as spine
    where extract(day from spine.date_day) = 1
      and spine.date_day <= {% if var('reporting_as_of') %}date '{{ var("reporting_as_of") }}'{% else %}current_date{% endif %}

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
        cast(period_year as {{ dbt.type_string() }}) || '-' || lpad(cast(period_month as {{ dbt.type_string() }}), 2, '0') as period_key,
        period_year,
        month_start,
        1 as month_count
    from parts

    union all

    select
        'quarter' as period_type,
        cast(period_year as {{ dbt.type_string() }}) || '-Q' || cast(cast((period_month + 2) / 3 as integer) as {{ dbt.type_string() }}) as period_key,
        period_year,
        month_start,
        3 as month_count
    from parts
    where period_month in (1, 4, 7, 10)

    union all

    select
        'year' as period_type,
        cast(period_year as {{ dbt.type_string() }}) as period_key,
        period_year,
        month_start,
        12 as month_count
    from parts
    where period_month = 1

)

select
    period_type,
    period_key,
    period_year,
    cast(month_start as timestamp) as period_start,
    {{ add_interval('second', -1, add_interval('month', 'month_count', 'cast(month_start as timestamp)')) }} as period_end,
    month_start as period_start_date,
    cast({{ add_interval('day', -1, add_interval('month', 'month_count', 'month_start')) }} as date) as period_end_date
from periods
