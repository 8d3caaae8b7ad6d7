{#- Parse the source's `yyyyMMddHHmmss` string (Vietnam local time, UTC+7) to a timestamp
    without time zone. Bad input (wrong length, not a date, month 13...) yields null, never an error. -#}
{% macro parse_source_timestamp(expr) -%}
    {{ return(adapter.dispatch('parse_source_timestamp', 'par_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__parse_source_timestamp(expr) -%}
    {#- DuckDB -#}
    case when length(trim({{ expr }})) = 14
         then try_strptime(trim({{ expr }}), '%Y%m%d%H%M%S') end
{%- endmacro %}

{% macro spark__parse_source_timestamp(expr) -%}
    case when length(trim({{ expr }})) = 14
         then try_to_timestamp(trim({{ expr }}), 'yyyyMMddHHmmss') end
{%- endmacro %}
