{#- add_interval(datepart, amount, expr): expr moved by `amount` dateparts (second, minute, hour,
    day, month, year). `amount` may be a column or an expression. -#}
{% macro add_interval(datepart, amount, expr) -%}
    {{ return(adapter.dispatch('add_interval', 'par_warehouse')(datepart, amount, expr)) }}
{%- endmacro %}

{% macro default__add_interval(datepart, amount, expr) -%}
    {#- DuckDB (the same text also runs on PostgreSQL) -#}
    ({{ expr }} + ({{ amount }}) * interval '1 {{ datepart }}')
{%- endmacro %}

{% macro spark__add_interval(datepart, amount, expr) -%}
    timestampadd({{ datepart | upper }}, {{ amount }}, {{ expr }})
{%- endmacro %}


{#- interval_count(datepart, start_expr, end_expr): number of datepart boundaries from start to end,
    a bigint on every engine (DuckDB's date_diff type). -#}
{% macro interval_count(datepart, start_expr, end_expr) -%}
    {{ return(adapter.dispatch('interval_count', 'par_warehouse')(datepart, start_expr, end_expr)) }}
{%- endmacro %}

{% macro default__interval_count(datepart, start_expr, end_expr) -%}
    {#- DuckDB -#}
    date_diff('{{ datepart }}', {{ start_expr }}, {{ end_expr }})
{%- endmacro %}

{% macro spark__interval_count(datepart, start_expr, end_expr) -%}
    timestampdiff({{ datepart | upper }}, {{ start_expr }}, {{ end_expr }})
{%- endmacro %}

{% macro postgres__interval_count(datepart, start_expr, end_expr) -%}
    {%- if datepart == 'day' -%}
    cast(cast({{ end_expr }} as date) - cast({{ start_expr }} as date) as bigint)
    {%- elif datepart == 'month' -%}
    cast((extract(year from {{ end_expr }}) - extract(year from {{ start_expr }})) * 12
        + extract(month from {{ end_expr }}) - extract(month from {{ start_expr }}) as bigint)
    {%- elif datepart == 'year' -%}
    cast(extract(year from {{ end_expr }}) - extract(year from {{ start_expr }}) as bigint)
    {%- elif datepart in ('hour', 'minute', 'second') -%}
    cast(floor(extract(epoch from date_trunc('{{ datepart }}', {{ end_expr }}) - date_trunc('{{ datepart }}', {{ start_expr }}))
        / {{ {'hour': 3600, 'minute': 60, 'second': 1}[datepart] }}) as bigint)
    {%- else -%}
    {{ exceptions.raise_compiler_error("interval_count: no PostgreSQL form for datepart " ~ datepart) }}
    {%- endif -%}
{%- endmacro %}
