{#- index_766_points(rate, target, max_points): the national service index scoring rule (Decision
    766, domain §3, M): the maximum points when the rate reaches the target, else rate x max /
    target; with no target, rate x max. Null when the rate is null (nothing to score). -#}
{% macro index_766_points(rate, target, max_points) -%}
    cast(case
        when ({{ rate }}) is null then null
        when ({{ target }}) is null then ({{ rate }}) * ({{ max_points }})
        when ({{ rate }}) >= ({{ target }}) then ({{ max_points }})
        else ({{ rate }}) * ({{ max_points }}) / ({{ target }})
    end as decimal(9, 4))
{%- endmacro %}
