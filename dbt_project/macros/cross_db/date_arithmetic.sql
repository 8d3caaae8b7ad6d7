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


{#- interval_count(datepart, start_expr, end_expr): number of datepart boundaries from start to end. -#}
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
