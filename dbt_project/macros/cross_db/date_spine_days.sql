{#- date_spine_days(start_date, end_date): a derived table with one column `date_day`, one row
    per calendar day from start_date to end_date inclusive (both 'YYYY-MM-DD' strings). -#}
{% macro date_spine_days(start_date, end_date) -%}
    {{ return(adapter.dispatch('date_spine_days', 'par_warehouse')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__date_spine_days(start_date, end_date) -%}
    {#- DuckDB: range() excludes its end, so stop one day later -#}
    (
        select cast(spine.range as date) as date_day
        from range(date '{{ start_date }}', date '{{ end_date }}' + interval 1 day, interval 1 day) as spine
    )
{%- endmacro %}

{% macro postgres__date_spine_days(start_date, end_date) -%}
    (
        select cast(spine.day as date) as date_day
        from generate_series(date '{{ start_date }}', date '{{ end_date }}', interval '1 day') as spine(day)
    )
{%- endmacro %}

{% macro spark__date_spine_days(start_date, end_date) -%}
    (
        select explode(sequence(date '{{ start_date }}', date '{{ end_date }}', interval 1 day)) as date_day
    )
{%- endmacro %}
