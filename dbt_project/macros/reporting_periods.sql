{#- The period columns every period-keyed mart opens with, typed the same way in each (the marts are
    joined and unioned on them by the tracker, the report and analysts' queries). -#}

{#- period_columns(relation): period_type, period_key, period_start, period_end and is_period_complete
    from `relation`'s columns of int_reporting_periods (period_type, period_key, period_start,
    period_end, is_complete; `relation` none: unqualified columns). -#}
{% macro period_columns(relation=none) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    cast({{ prefix }}period_type as {{ dbt.type_string() }}) as period_type,
    cast({{ prefix }}period_key as {{ dbt.type_string() }}) as period_key,
    cast({{ prefix }}period_start as timestamp) as period_start,
    cast({{ prefix }}period_end as timestamp) as period_end,
    cast({{ prefix }}is_complete as boolean) as is_period_complete
{%- endmacro %}


{#- year_columns(relation): the columns of a mart counted at each year's end (workforce_years):
    period_type 'year', period_key the year as text, year, measured_on and is_period_complete, from
    `relation`'s columns year, measured_on and is_complete (`relation` none: unqualified columns). -#}
{% macro year_columns(relation=none) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    cast('year' as {{ dbt.type_string() }}) as period_type,
    cast(cast({{ prefix }}year as integer) as {{ dbt.type_string() }}) as period_key,
    cast({{ prefix }}year as integer) as year,
    cast({{ prefix }}measured_on as date) as measured_on,
    cast({{ prefix }}is_complete as boolean) as is_period_complete
{%- endmacro %}
