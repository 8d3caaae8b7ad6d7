{#- Rates and ratios, rounded the same way on every engine.

    rounded_quotient(numerator, denominator, scale, precision): numerator / denominator rounded
    half away from zero to `scale` decimals, as decimal(precision, scale). PostgreSQL (and Spark)
    divide decimals exactly. DuckDB divides them in double precision, so an exact tie such as
    41 / 640 = 0.0640625 can arrive as 0.06406249999... and round down: the DuckDB version takes the
    nearest integer of the scaled quotient and corrects it with an exact decimal comparison at the
    two ties beside it. A rate must not depend on the engine that computed it. -#}
{% macro rounded_quotient(numerator, denominator, scale, precision) -%}
    {{ return(adapter.dispatch('rounded_quotient')(numerator, denominator, scale, precision)) }}
{%- endmacro %}

{% macro default__rounded_quotient(numerator, denominator, scale, precision) -%}
    cast(cast({{ numerator }} as decimal(38, 10)) / ({{ denominator }}) as decimal({{ precision }}, {{ scale }}))
{%- endmacro %}

{% macro duckdb__rounded_quotient(numerator, denominator, scale, precision) -%}
    {%- set factor = 10 ** scale -%}
    {%- set twice_scaled = "(cast(" ~ numerator ~ " as decimal(38, 10)) * " ~ (2 * factor) ~ ")" -%}
    {%- set nearest = "cast(round(cast(" ~ numerator ~ " as double) * " ~ factor ~ " / (" ~ denominator ~ ")) as hugeint)" -%}
    cast(
        cast({{ nearest }}
             + case when {{ twice_scaled }} = (2 * {{ nearest }} + 1) * ({{ denominator }}) and {{ nearest }} >= 0 then 1
                    when {{ twice_scaled }} = (2 * {{ nearest }} - 1) * ({{ denominator }}) and {{ nearest }} <= 0 then -1
                    else 0 end
             as decimal(18, 0)) * {{ '0.' ~ '0' * (scale - 1) ~ '1' }}
        as decimal({{ precision }}, {{ scale }}))
{%- endmacro %}


{#- safe_rate(numerator, denominator): numerator / denominator as decimal(9,6) in [0, 1];
    null when the denominator is 0 or null (missing is missing, never 0). -#}
{% macro safe_rate(numerator, denominator) -%}
    case when ({{ denominator }}) > 0
         then {{ rounded_quotient(numerator, denominator, 6, 9) }}
    end
{%- endmacro %}


{#- per_thousand(numerator, denominator): numerator per 1,000 of denominator (e.g. new enterprises
    per 1,000 residents) as decimal(12,6); null when the denominator is 0 or null. -#}
{% macro per_thousand(numerator, denominator) -%}
    case when ({{ denominator }}) > 0
         then {{ rounded_quotient('(' ~ numerator ~ ') * 1000', denominator, 6, 12) }}
    end
{%- endmacro %}
