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


{#- rebased_to_current_units(native_model, columns, flags={}): a per-unit-version monthly mart's
    figures on today's units: for each current unit and month, the sum over the unit versions in
    force that month of weight x figure (int_admin_unit_rebase_weights; a current unit is itself
    with weight 1), for every column in `columns`. Also is_rebased (1 when a predecessor
    contributes), lacks_residents (1 when a contributor has no residents) and one column per
    `flags` item (name: aggregate expression over `native`). The body of a select: the caller
    joins the unit dimension and the months. -#}
{% macro rebased_to_current_units(native_model, columns, flags={}) -%}
    select
        weights.current_unit_key,
        native.month_start,
        max(case when weights.unit_key <> weights.current_unit_key then 1 else 0 end) as is_rebased,
        {%- for column in columns %}
        sum(weights.weight * native.{{ column }}) as {{ column }},
        {%- endfor %}
        {%- for name, expression in flags.items() %}
        {{ expression }} as {{ name }},
        {%- endfor %}
        max(case when native.residents is null then 1 else 0 end) as lacks_residents
    from {{ ref(native_model) }} as native
    inner join {{ ref('int_admin_unit_rebase_weights') }} as weights
        on weights.unit_key = native.unit_key
    where native.is_unit_in_force
    group by weights.current_unit_key, native.month_start
{%- endmacro %}
