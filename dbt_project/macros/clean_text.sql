{#- Text as staging stores it: Unicode NFC, trimmed, empty string as null. -#}
{% macro clean_text(expr) -%}
    nullif(trim({{ nfc_normalize(expr) }}), '')
{%- endmacro %}

{#- Codes (agency, dossier): cleaned text, upper-cased, so '000.00.01.h34 ' and '000.00.01.H34' meet. -#}
{% macro clean_code(expr) -%}
    upper({{ clean_text(expr) }})
{%- endmacro %}

{#- A far-future timestamp standing for "not ended" in range conditions. -#}
{% macro far_future_timestamp() -%}
    cast('9999-12-31 23:59:59' as timestamp)
{%- endmacro %}

{#- A far-past timestamp standing for "no time" where a missing value must compare (macro version_key). -#}
{% macro far_past_timestamp() -%}
    cast('0001-01-01 00:00:00' as timestamp)
{%- endmacro %}

{#- A far-future date standing for "still running" in range conditions. -#}
{% macro far_future_date() -%}
    cast('9999-12-31' as date)
{%- endmacro %}
