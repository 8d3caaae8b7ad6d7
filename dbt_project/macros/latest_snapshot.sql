{#-
    latest_snapshot(relation, anchor, stood_at_column=none): the rows of a landed snapshot table
    that belong to the latest accepted snapshot (docs/cadre_landing.md).

    A snapshot source (the cadre system, the PAR ranking) lands the whole source on every pull. The
    snapshot read is the accepted load (macro accepted_loads) of `anchor` (a table every load fills)
    with the latest `stood_at_column` (the date the source's data stands at), then the latest landing:
    a re-run of an old day lands an old snapshot that never hides a newer one, and a re-run of the
    same day replaces it with identical rows.
-#}
{% macro latest_snapshot(relation, anchor, stood_at_column=none) -%}
(
    select snapshot_rows.*
    from {{ accepted_loads(relation) }} as snapshot_rows
    where snapshot_rows._load_id in (
        select ranked_loads.load_id
        from (
            select
                loads.load_id,
                row_number() over (
                    order by {% if stood_at_column %}loads.stood_at desc, {% endif %}loads.loaded_at desc, loads.load_id desc
                ) as load_rank
            from (
                select
                    anchor_rows._load_id as load_id,
                    {% if stood_at_column %}max(anchor_rows.{{ stood_at_column }}) as stood_at,{% endif %}
                    max(anchor_rows._loaded_at) as loaded_at
                from {{ accepted_loads(anchor) }} as anchor_rows
                group by anchor_rows._load_id
            ) as loads
        ) as ranked_loads
        where ranked_loads.load_rank = 1
    )
)
{%- endmacro %}
