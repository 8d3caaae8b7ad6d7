{#- safe_rate(numerator, denominator): numerator / denominator as decimal(9,6) in [0, 1];
    null when the denominator is 0 or null (missing is missing, never 0). -#}
{% macro safe_rate(numerator, denominator) -%}
    case when ({{ denominator }}) > 0
         then cast(cast({{ numerator }} as decimal(18, 6)) / ({{ denominator }}) as decimal(9, 6))
    end
{%- endmacro %}


{#- per_thousand(numerator, denominator): numerator per 1,000 of denominator (e.g. new enterprises
    per 1,000 residents) as decimal(12,6); null when the denominator is 0 or null. -#}
{% macro per_thousand(numerator, denominator) -%}
    case when ({{ denominator }}) > 0
         then cast(cast({{ numerator }} as decimal(18, 6)) * 1000 / ({{ denominator }}) as decimal(12, 6))
    end
{%- endmacro %}
