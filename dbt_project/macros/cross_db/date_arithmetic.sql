{#- Date arithmetic is dbt's: dbt.dateadd(datepart, amount, expr) on every engine (dbt-spark's keeps
    the time of day and gives null for a null date, as DuckDB and PostgreSQL do; it counts in whole
    seconds, which every timestamp of the sources is), and dbt.datediff through interval_count below.
    Same marts on all three: tests/test_postgres.py, tests/test_spark.py. -#}

{#- interval_count(datepart, start_expr, end_expr): number of datepart boundaries from start to end
    (dbt.datediff), a bigint on every engine: PostgreSQL's datediff is an integer (days) or a double
    (months, hours) and Spark's an integer, while the contracts declare DuckDB's bigint. -#}
{% macro interval_count(datepart, start_expr, end_expr) -%}
    cast({{ dbt.datediff(start_expr, end_expr, datepart) }} as {{ dbt.type_bigint() }})
{%- endmacro %}
