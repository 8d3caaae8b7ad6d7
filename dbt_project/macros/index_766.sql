{#- index_766_points(rate, target, max_points): the national service index scoring rule (Decision
    766, docs/definitions.md; the formula is inferred): the maximum points when the rate reaches the target, else rate x max /
    target; with no target, rate x max. Rounded to 4 decimals half away from zero on every engine. Null when the rate is null (nothing to score). -#}
{% macro index_766_points(rate, target, max_points) -%}
    cast(case
        when ({{ rate }}) is null then null
        when ({{ target }}) is null then ({{ rate }}) * ({{ max_points }})
        when ({{ rate }}) >= ({{ target }}) then ({{ max_points }})
        else {{ rounded_quotient('(' ~ rate ~ ') * (' ~ max_points ~ ')', target, 4, 9) }}
    end as decimal(9, 4))
{%- endmacro %}
