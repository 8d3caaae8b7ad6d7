{#- commune_agency_code(unit_code, generation): the one-stop-shop code (QCVN 102 form ddd.dd.dd.H34) of
    the People's Committee of a commune-level unit: the unit code padded to seven digits and cut 3.2.2,
    its first digit (0 for every 5-digit code) replaced by the unit's generation under that code. The
    GSO reuses a code for a later unit (22366: Phước Tiến, then Tân Tiến from 2024-11-01, then Phường Nha
    Trang from 2025-07-01), and each is a committee of its own: generation 0, 1, 2 (int_agencies).
    The warehouse's own convention (the province's real codes of its commune committees are not
    published in a list we could find); connectors/sandbox/reference.py applies the same rule. -#}
{% macro commune_agency_code(unit_code, generation='0') -%}
    {{ dbt.concat([
        "cast(" ~ generation ~ " as " ~ dbt.type_string() ~ ")",
        "substring(lpad(" ~ unit_code ~ ", 7, '0'), 2, 2)", "'.'",
        "substring(lpad(" ~ unit_code ~ ", 7, '0'), 4, 2)", "'.'",
        "substring(lpad(" ~ unit_code ~ ", 7, '0'), 6, 2)", "'." ~ var('agency_code_province_suffix') ~ "'"]) }}
{%- endmacro %}


{#- holding_agency(received_agency, received_agency_valid_to, successor, current_agency, moment):
    the agency that held a dossier at `moment` (a timestamp): the agency that received it while that
    agency was in force; after its last day, the agency the source names now (DonViXuLy of the latest
    version: the hand-over), or, when the source still names the ended agency, its successor in the
    catalogue. One hand-over deep (the 2025 changes never chain). -#}
{% macro holding_agency(received_agency, received_agency_valid_to, successor, current_agency, moment) -%}
    case
        when {{ received_agency }} is null
            then {{ current_agency }}
        when {{ received_agency_valid_to }} is null
          or {{ moment }} < {{ dbt.dateadd('day', 1, 'cast(' ~ received_agency_valid_to ~ ' as timestamp)') }}
            then {{ received_agency }}
        when {{ current_agency }} <> {{ received_agency }}
            then {{ current_agency }}
        else coalesce({{ successor }}, {{ received_agency }})
    end
{%- endmacro %}


{#- agency_in_force_in_period(agency, period_start, period_end): the agency (an alias with valid_from /
    valid_to dates) is in force on at least one day of the period (timestamps); an agency has mart
    rows only for such periods. agency_in_force_whole_period: on every day of it. -#}
{% macro agency_in_force_in_period(agency, period_start, period_end) -%}
    ({{ agency }}.valid_from <= cast({{ period_end }} as date)
     and ({{ agency }}.valid_to is null or {{ agency }}.valid_to >= cast({{ period_start }} as date)))
{%- endmacro %}

{% macro agency_in_force_whole_period(agency, period_start, period_end) -%}
    ({{ agency }}.valid_from <= cast({{ period_start }} as date)
     and ({{ agency }}.valid_to is null or {{ agency }}.valid_to >= cast({{ period_end }} as date)))
{%- endmacro %}
