{#- date_in_year(year_expr, month_day): the date month_day ('MM-DD') of the year year_expr (an
    integer column or expression), e.g. date_in_year('fiscal_year', '12-31'). Not dbt.date: it takes
    the year as a number when the SQL is written, not a column. -#}
{% macro date_in_year(year_expr, month_day) -%}
    cast(cast({{ year_expr }} as {{ dbt.type_string() }}) || '-{{ month_day }}' as date)
{%- endmacro %}
