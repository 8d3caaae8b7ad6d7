{#- add_interval(datepart, amount, expr): expr moved by `amount` dateparts (second, minute, hour,
    day, month, year). `amount` may be a column or an expression. dbt's dateadd on DuckDB and
    PostgreSQL (expr + amount * interval '1 <datepart>'). -#}
{% macro add_interval(datepart, amount, expr) -%}
    {{ return(adapter.dispatch('add_interval', 'par_warehouse')(datepart, amount, expr)) }}
{%- endmacro %}

{% macro default__add_interval(datepart, amount, expr) -%}
    {{ dbt.dateadd(datepart, amount, expr) }}
{%- endmacro %}

{#- Kept on Spark: dbt-spark's dateadd stops the query with an error on a null date (assert_not_null),
    where DuckDB and PostgreSQL give null (valid_to of a unit still in force, an unpublished date). -#}
{% macro spark__add_interval(datepart, amount, expr) -%}
    timestampadd({{ datepart | upper }}, {{ amount }}, {{ expr }})
{%- endmacro %}


{#- interval_count(datepart, start_expr, end_expr): number of datepart boundaries from start to end,
    a bigint on every engine. dbt's datediff on DuckDB and PostgreSQL; the cast because PostgreSQL's
    is an integer (days) or a double (months, hours), and the contracts declare bigint (DuckDB's). -#}
{% macro interval_count(datepart, start_expr, end_expr) -%}
    {{ return(adapter.dispatch('interval_count', 'par_warehouse')(datepart, start_expr, end_expr)) }}
{%- endmacro %}

{% macro default__interval_count(datepart, start_expr, end_expr) -%}
    cast({{ dbt.datediff(start_expr, end_expr, datepart) }} as {{ dbt.type_bigint() }})
{%- endmacro %}

{#- Kept on Spark: dbt-spark's datediff stops the query with an error on a null date (assert_not_null).
    timestampdiff counts whole dateparts, which equals the boundaries crossed only between dates (every
    caller passes dates). -#}
{% macro spark__interval_count(datepart, start_expr, end_expr) -%}
    timestampdiff({{ datepart | upper }}, {{ start_expr }}, {{ end_expr }})
{%- endmacro %}
