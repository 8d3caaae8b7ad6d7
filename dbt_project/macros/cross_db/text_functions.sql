{#- nfc_normalize(expr): Unicode normalisation form C (Vietnamese text arrives both composed
    and decomposed: "Hòa" as one code point or "o" + combining grave). -#}
{% macro nfc_normalize(expr) -%}
    {{ return(adapter.dispatch('nfc_normalize', 'par_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__nfc_normalize(expr) -%}
    {#- DuckDB -#}
    nfc_normalize({{ expr }})
{%- endmacro %}

{% macro postgres__nfc_normalize(expr) -%}
    normalize({{ expr }}, NFC)
{%- endmacro %}


{#- regex_full_match(expr, pattern): true when the whole of expr matches the regular expression
    (RE2/POSIX-compatible subset: character classes, {n} repetitions), null when expr is null. -#}
{% macro regex_full_match(expr, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'par_warehouse')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regex_full_match(expr, pattern) -%}
    {#- DuckDB -#}
    regexp_full_match({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro postgres__regex_full_match(expr, pattern) -%}
    ({{ expr }} ~ '^(?:{{ pattern }})$')
{%- endmacro %}

{% macro spark__regex_full_match(expr, pattern) -%}
    ({{ expr }} rlike '^(?:{{ pattern }})$')
{%- endmacro %}
