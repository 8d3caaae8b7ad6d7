{#-
    latest_child_rows(typed_cte, row_columns): the rows of a child dataset (process steps,
    supplements, fees...) that belong to the latest version of each dossier present in it.

    typed_cte must expose dossier_code, dossier_updated_at (the version, NgayCapNhat), loaded_at,
    load_id, page. The latest version is the highest dossier_updated_at, then the latest
    loaded_at (then load_id): all rows of that version in that load are kept, except exact
    duplicates (same values in every column of row_columns), which are kept once.
    The result carries the typed columns plus version_rank and duplicate_rank (both 1).
-#}
{% macro latest_child_rows(typed_cte, row_columns) -%}
    select deduplicated.*
    from (
        select
            versioned.*,
            row_number() over (
                partition by versioned.dossier_code
                {%- for column in row_columns %}, versioned.{{ column }}{% endfor %}
                order by versioned.page desc
            ) as duplicate_rank
        from (
            select
                typed.*,
                dense_rank() over (
                    partition by typed.dossier_code
                    order by typed.dossier_updated_at desc nulls last, typed.loaded_at desc, typed.load_id desc
                ) as version_rank
            from {{ typed_cte }} as typed
            where typed.dossier_code is not null
        ) as versioned
        where versioned.version_rank = 1
    ) as deduplicated
    where deduplicated.duplicate_rank = 1
{%- endmacro %}
