{#- date_spine_days(start_date, end_date): a derived table with one column `date_day` (a date), one
    row per calendar day from start_date to end_date inclusive (both 'YYYY-MM-DD' strings): dbt's
    date_spine, which stops before its end and gives timestamps on DuckDB and PostgreSQL. -#}
{% macro date_spine_days(start_date, end_date) -%}
    {%- set day_after_end = modules.datetime.date.fromisoformat(end_date) + modules.datetime.timedelta(days=1) -%}
    (
        select cast(spine.date_day as date) as date_day
        from (
            {{ dbt.date_spine('day', "cast('" ~ start_date ~ "' as date)", "cast('" ~ day_after_end ~ "' as date)") | indent(12) }}
        ) as spine
    )
{%- endmacro %}
