{#- Parse the source's `yyyyMMddHHmmss` string (Vietnam local time, UTC+7) to a timestamp
    without time zone. Bad input (wrong length, not a date, month 13...) yields null, never an error.
    dbt has no parse-with-a-format macro (dbt.safe_cast does not read this layout). -#}
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

{% macro postgres__parse_source_timestamp(expr) -%}
    {#- PostgreSQL has no "try" parse: validate each field first (a CASE evaluates in order), then build it -#}
    {%- set text = 'trim(' ~ expr ~ ')' -%}
    {%- set year = 'cast(substr(' ~ text ~ ', 1, 4) as integer)' -%}
    {%- set month = 'cast(substr(' ~ text ~ ', 5, 2) as integer)' -%}
    {%- set day = 'cast(substr(' ~ text ~ ', 7, 2) as integer)' -%}
    case
        when {{ text }} !~ '^[0-9]{14}$' or {{ text }} is null then null
        when {{ year }} < 1 or {{ month }} not between 1 and 12 or {{ day }} < 1 then null
        when {{ day }} > extract(day from make_date({{ year }}, {{ month }}, 1) + interval '1 month' - interval '1 day') then null
        when cast(substr({{ text }}, 9, 2) as integer) > 23 or cast(substr({{ text }}, 11, 2) as integer) > 59
          or cast(substr({{ text }}, 13, 2) as integer) > 59 then null
        else make_timestamp({{ year }}, {{ month }}, {{ day }}, cast(substr({{ text }}, 9, 2) as integer),
                            cast(substr({{ text }}, 11, 2) as integer), cast(substr({{ text }}, 13, 2) as double precision))
    end
{%- endmacro %}
