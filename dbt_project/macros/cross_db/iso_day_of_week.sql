{#- iso_day_of_week(date_expr): 1 = Monday ... 6 = Saturday, 7 = Sunday. dbt-core has no weekday
    (date_part) macro. -#}
{% macro iso_day_of_week(date_expr) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'par_warehouse')(date_expr)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(date_expr) -%}
    {#- DuckDB (the same text also runs on PostgreSQL) -#}
    cast(extract(isodow from {{ date_expr }}) as integer)
{%- endmacro %}

{% macro spark__iso_day_of_week(date_expr) -%}
    (weekday({{ date_expr }}) + 1)
{%- endmacro %}
