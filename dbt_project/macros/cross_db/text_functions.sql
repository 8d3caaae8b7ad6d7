{#- nfc_normalize(expr): Unicode normalisation form C (Vietnamese text arrives both composed
    and decomposed: "Hòa" as one code point or "o" + combining grave). dbt has no such macro. -#}
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
    (RE2/POSIX-compatible subset: character classes, {n} repetitions), null when expr is null.
    dbt-core has no regular-expression macro. -#}
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

{% macro spark__nfc_normalize(expr) -%}
    {#- Spark has no normalize(); ICU4J ships with Spark 4 (its collations): Normalizer.compose(text,
        false) is NFC. It throws on null, hence the case. -#}
    case when {{ expr }} is not null then java_method('com.ibm.icu.text.Normalizer', 'compose', {{ expr }}, false) end
{%- endmacro %}


{#- text_part(expr, delimiter, n): the n-th (from 1) part of expr split at a literal delimiter, ''
    when there are fewer parts. DuckDB, PostgreSQL and Spark (3.3+) all have split_part with this
    meaning. Not dbt.split_part: on DuckDB (string_split(...)[n]) and Spark (split(...)[n - 1]) it
    gives null, not '', past the last part. -#}
{% macro text_part(expr, delimiter, n) -%}
    {{ return(adapter.dispatch('text_part', 'par_warehouse')(expr, delimiter, n)) }}
{%- endmacro %}

{% macro default__text_part(expr, delimiter, n) -%}
    split_part({{ expr }}, '{{ delimiter }}', {{ n }})
{%- endmacro %}
