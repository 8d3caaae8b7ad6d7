{#- in_force_on(unit, day): the unit version (a relation alias with valid_from / valid_to) is in
    force on `day` (a date expression): the one rule of validity every model uses. -#}
{% macro in_force_on(unit, day) -%}
    ({{ unit }}.valid_from <= {{ day }} and ({{ unit }}.valid_to is null or {{ unit }}.valid_to >= {{ day }}))
{%- endmacro %}


{#- latest_versions(typed_cte, key_columns, version_column): the latest version of each key of a
    registry dataset (highest version, then the latest load, then the last page), with every
    column of typed_cte (which must expose loaded_at, load_id and page). -#}
{% macro latest_versions(typed_cte, key_columns, version_column) -%}
    select ranked.*
    from (
        select
            typed.*,
            row_number() over (
                partition by {% for column in key_columns %}typed.{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
                order by typed.{{ version_column }} desc, typed.loaded_at desc, typed.load_id desc, typed.page desc
            ) as version_rank
        from {{ typed_cte }} as typed
    ) as ranked
    where ranked.version_rank = 1
{%- endmacro %}
