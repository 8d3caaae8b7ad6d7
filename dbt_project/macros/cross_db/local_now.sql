{#- local_now(): the current time in Vietnam (Asia/Ho_Chi_Minh, UTC+7) as a timestamp without time
    zone, like every timestamp of the sources; independent of the server's own time zone. Not
    dbt.current_timestamp(): the server's (or UTC) time; dbt-core has no time-zone conversion macro. -#}
{% macro local_now() -%}
    {{ return(adapter.dispatch('local_now', 'par_warehouse')()) }}
{%- endmacro %}

{% macro default__local_now() -%}
    {#- DuckDB: the icu extension is built in -#}
    cast(timezone('Asia/Ho_Chi_Minh', current_timestamp) as timestamp)
{%- endmacro %}

{% macro postgres__local_now() -%}
    (now() at time zone 'Asia/Ho_Chi_Minh')
{%- endmacro %}

{% macro spark__local_now() -%}
    from_utc_timestamp(current_timestamp(), 'Asia/Ho_Chi_Minh')
{%- endmacro %}
