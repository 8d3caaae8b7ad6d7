{#- arg_min_by(value, order_keys): an aggregate, the value of the row that sorts first by the list of
    expressions order_keys (all ascending: negate a numeric key to sort it descending), e.g. the
    status of a dossier's first end event:

        arg_min_by('end_status_code', ['ended_at', '-end_status_code', 'end_source'])

    One hash aggregate instead of a ranked self-join (row_number() ... where rank = 1). The caller
    keeps null values and null keys out of the aggregated rows (engines differ on how they skip
    them); on a tie of every key any tied row's value may come back, so the keys must make the
    order total where the value matters. dbt has no such macro (dbt-core's cross-database macros stop
    at any_value, bool_or and listagg). -#}
{% macro arg_min_by(value, order_keys) -%}
    {{ return(adapter.dispatch('arg_min_by', 'par_warehouse')(value, order_keys)) }}
{%- endmacro %}

{% macro default__arg_min_by(value, order_keys) -%}
    {#- DuckDB: arg_min over a row value compares the keys in order. -#}
    {%- if order_keys | length == 1 -%}
        arg_min({{ value }}, {{ order_keys[0] }})
    {%- else -%}
        arg_min({{ value }}, row({{ order_keys | join(', ') }}))
    {%- endif -%}
{%- endmacro %}

{% macro postgres__arg_min_by(value, order_keys) -%}
    {#- PostgreSQL has no arg_min: the first element of the ordered array. -#}
    (array_agg({{ value }} order by {{ order_keys | join(', ') }}))[1]
{%- endmacro %}

{% macro spark__arg_min_by(value, order_keys) -%}
    {%- if order_keys | length == 1 -%}
        min_by({{ value }}, {{ order_keys[0] }})
    {%- else -%}
        min_by({{ value }}, struct({{ order_keys | join(', ') }}))
    {%- endif -%}
{%- endmacro %}
